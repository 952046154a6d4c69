"""
Appreciating ("waarderen"), following and quoting.

Every action is a plain POST form that redirects back to where the member
was, so the page works without JavaScript. With htmx (an ``HX-Request``
header) the same URL answers with the fragment to swap in instead, plus the
text for the page's status region, so screen readers hear what changed.

The helpers at the end give the thread and theme pages what they need in a
fixed number of queries, and the reply form its quoted text.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.standing import standing_of
from core import navigation

from .. import cooked, permissions, selectors, services
from ..models import Reply, Theme, ThemeFollow, Thread, ThreadFollow

REACTIONS_PER_PAGE = 100
# Names shown when the list opens inline on the thread page; the rest are on the full page.
REACTIONS_INLINE = 20
# A quote is for context, not a copy: longer posts are cut at a word boundary.
QUOTE_MAX_LENGTH = 1500


# Appreciations


@require_POST
def thread_react(request, pk):
    thread = get_object_or_404(Thread.objects.select_related("author", "written_by"), pk=pk)
    return _react(request, thread)


@require_POST
def reply_react(request, pk):
    reply = get_object_or_404(Reply.objects.select_related("thread", "author", "written_by"), pk=pk)
    return _react(request, reply)


def _react(request, post):
    if not request.user.is_authenticated:
        return _login_first(request, post.get_absolute_url())
    appreciated = services.reaction_toggle(
        member=request.user, post=post, appreciate=_wanted_state(request, "appreciate")
    )
    if isinstance(post, Reply):
        message = _("You appreciate this reply.") if appreciated else _("You no longer appreciate this reply.")
    else:
        message = (
            _("You appreciate this discussion.") if appreciated else _("You no longer appreciate this discussion.")
        )
    if request.htmx:
        card = selectors.PostCard(post=post, can_react=True, appreciated_by_me=appreciated)
        thread_id = post.thread_id if isinstance(post, Reply) else post.pk
        [parts] = cooked.posts([(post, False)], versions=cooked.versions(thread_id))  # the button's words
        return render(
            request,
            "forum/_reaction_response.html",
            {"card": card, "cooked": parts, "status_message": message},
        )
    messages.success(request, message)
    if not navigation.next_url(request, ""):
        return redirect(post)  # a reply's own address leads to its page and anchor
    return redirect(_back(request, "", anchor=reaction_id(post)))


@require_GET
def thread_reactions(request, pk):
    thread = get_object_or_404(Thread.objects.with_related(), pk=pk)
    permissions.check_view_thread(request.standing, thread)
    return _reaction_list(request, thread, thread)


@require_GET
def reply_reactions(request, pk):
    reply = get_object_or_404(Reply.objects.select_related("thread__theme", "author"), pk=pk)
    permissions.check_view_reply(request.standing, reply)
    return _reaction_list(request, reply, reply.thread)


def _reaction_list(request, post, thread):
    """Who appreciated ``post``, newest first: names for members, the count for visitors."""
    context = {"post": post, "thread": thread, "is_reply": isinstance(post, Reply), "page_obj": None}
    if permissions.can_see_who_reacted(request.standing):
        reactions = post.reactions.select_related("member").order_by("-created_at", "-pk")
        if request.htmx:
            context["reactions"] = reactions[:REACTIONS_INLINE]
        else:
            context["page_obj"] = Paginator(reactions, REACTIONS_PER_PAGE).get_page(request.GET.get("page"))
            context["reactions"] = context["page_obj"]
    if request.htmx:
        return render(request, "forum/_reaction_names.html", context)
    return render(request, "forum/reaction_list.html", context)


# Following


@require_POST
def thread_follow(request, pk):
    thread = get_object_or_404(Thread, pk=pk)
    if not request.user.is_authenticated:
        return _login_first(request, thread.get_absolute_url())
    following = services.thread_follow_toggle(
        member=request.user, thread=thread, follow=_wanted_state(request, "follow")
    )
    message = (
        _("You follow this discussion. You will hear of new replies.")
        if following
        else _("You no longer follow this discussion.")
    )
    return _followed(request, "thread", thread, following, message)


@require_POST
def theme_follow(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    if not request.user.is_authenticated:
        return _login_first(request, theme.get_absolute_url())
    following = services.theme_follow_toggle(member=request.user, theme=theme, follow=_wanted_state(request, "follow"))
    message = (
        _("You follow this theme. You will hear of new discussions and replies.")
        if following
        else _("You no longer follow this theme.")
    )
    return _followed(request, "theme", theme, following, message)


def _followed(request, kind, target, following, message):
    if request.htmx:
        return render(
            request,
            "forum/_follow_response.html",
            {
                "follow_kind": kind,
                "follow_target": target,
                "following": following,
                "next_url": navigation.next_url(request, ""),
                "status_message": message,
            },
        )
    messages.success(request, message)
    return redirect(_back(request, target.get_absolute_url(), anchor=f"follow-{kind}-{target.pk}"))


# Shared by the actions


def _wanted_state(request, name) -> bool | None:
    """The state the button asked for ("1" or "0"), so a repeated submit changes nothing; else a toggle."""
    return {"1": True, "0": False}.get(request.POST.get(name))


def reaction_id(post) -> str:
    """The id of a post's appreciation block: the fragment htmx swaps, and where the page returns to."""
    return selectors.PostCard(post=post).reaction_id


def _back(request, default: str, *, anchor: str) -> str:
    """The page the member came from (else ``default``), at the button they pressed."""
    return f"{navigation.next_url(request, default).split('#')[0]}#{anchor}"


def _login_first(request, next_url):
    """Visitors log in first and come back to the page (never to the POST-only action)."""
    login_url = navigation.login_url(next_url)
    if request.htmx:
        return HttpResponseClientRedirect(login_url)
    return redirect(login_url)


# Helpers for the thread and theme pages


def engagement_context(user, thread: Thread, replies) -> dict:
    """
    What the viewer may do with the thread and the page's replies (``thread_card`` and
    ``reply_cards``, :class:`forum.selectors.PostCard`), and following, for the thread page: at
    most two queries whatever the number of replies, and none for a visitor. One for the member's
    own appreciations of the thread and the replies (none when the posts came with
    ``appreciated_by_viewer``), one for whether they follow the thread (none when the thread
    came with ``followed_by_viewer``). ``replies``: of ``thread``.
    """
    standing = standing_of(user)
    replies = list(replies)
    for reply in replies:
        reply.thread = thread  # the page has it: no query per reply
    thread_card, reply_cards = selectors.post_cards(standing, thread, replies)
    can_follow = permissions.can_follow_thread(standing, thread)
    following = False
    if can_follow:
        # The thread page reads it with the thread (``ThreadQuerySet.with_following_for``).
        following = getattr(thread, "followed_by_viewer", None)
        if following is None:
            following = ThreadFollow.objects.filter(member=standing.user, thread=thread).exists()
    return {
        "thread_card": thread_card,
        "reply_cards": reply_cards,
        "can_follow_thread": can_follow,
        "following_thread": following,
    }


def theme_follow_context(user, theme: Theme) -> dict:
    """Whether the theme page offers the follow button, and its state: one query for a member, none for a visitor."""
    standing = standing_of(user)
    user = standing.user
    can_follow = permissions.can_follow_theme(standing, theme)
    return {
        "can_follow_theme": can_follow,
        "following_theme": can_follow and ThemeFollow.objects.filter(member=user, theme=theme).exists(),
    }


def quote_initial(user, reply_id, *, thread: Thread) -> str:
    """
    The reply form's opening text when a member quotes a reply (``?quote=<id>``):
    the reply as a Markdown blockquote, signed with a link back to it. Empty
    unless ``user`` may reply to ``thread`` and the reply is a published one of
    that thread they can see: a hidden text is never copied back into view.
    """
    standing = standing_of(user)
    user = standing.user
    if not str(reply_id or "").isdigit() or not permissions.can_reply(standing, thread):
        return ""
    reply = Reply.objects.published().select_related("author").filter(pk=int(reply_id), thread=thread).first()
    if reply is None:
        return ""
    reply.thread = thread
    if not permissions.can_view_reply(standing, reply):
        return ""
    body = reply.body.strip()
    if len(body) > QUOTE_MAX_LENGTH:
        body = body[:QUOTE_MAX_LENGTH].rsplit(None, 1)[0] + " …"
    quoted = "\n".join(f"> {line}".rstrip() for line in body.splitlines())
    name = _markdown_escape(str(reply.author.public_name))
    return f"{quoted}\n>\n> — [{name}]({reply.get_absolute_url()})\n\n"


def _markdown_escape(text: str) -> str:
    """Text that Markdown shows as written: every ASCII punctuation mark backslash-escaped."""
    return "".join(
        f"\\{char}" if char.isascii() and not char.isalnum() and not char.isspace() else char for char in text
    )
