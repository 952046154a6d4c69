"""
Thin views: parse the request, fetch through a permission-aware helper, run the
form, call one service, add a message and redirect.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as account_permissions
from core.cleaning import without_control_characters
from core.navigation import login_url, next_url

from .. import cooked, permissions, selectors, services, similar
from ..choices import ThreadList
from ..forms import ReplyForm, ThreadForm
from ..links import PageLinks
from ..models import CAPACITY_DISPLAY, Capacity, Reply, Theme, Thread
from ..pagination import EitherEndPaginator, KnownCountPaginator
from ..viewed import ViewedThreads
from . import engagement
from .navigation import with_thread_page_query

SORT_NEWEST, SORT_OLDEST = "newest", "oldest"
Saved = TypeVar("Saved")


def _capacity_filter(request):
    capacity = request.GET.get("capacity")
    return capacity if capacity in Capacity.values else ""


@require_GET
def home(request):
    capacity = _capacity_filter(request)
    threads = (
        Thread.objects.visible_to(request.standing)
        .latest()
        .filter(is_pinned=False)
        .with_capacity(capacity)
        .with_unread_for(request.standing)
        .with_tag_list()
    )
    if capacity or permissions.can_moderate(request.standing):
        page = _paginate(request, threads, settings.FORUM_THREADS_PER_PAGE)
    else:
        # Everyone else sees every published thread they may see: the number is known without counting them.
        count = selectors.listed_thread_count(request.standing)
        paginator = KnownCountPaginator(threads, settings.FORUM_THREADS_PER_PAGE, count=count)
        page = paginator.get_page(request.GET.get("page"))
    pinned = []
    if page.number == 1:
        pinned = list(
            Thread.objects.visible_to(request.standing)
            .latest()
            .filter(is_pinned=True)
            .with_unread_for(request.standing)
            .with_tag_list()
        )
    return render(
        request,
        "forum/home.html",
        {
            "page_obj": page,
            "pinned_threads": pinned,
            "themes": selectors.themes_with_thread_counts(request.standing),
            "capacity": capacity,
            "capacities": list(CAPACITY_DISPLAY.items()),
            "filter_query": urlencode({"capacity": capacity}) if capacity else "",
            "activity": selectors.latest_activity(request.standing),
        },
    )


@require_GET
def thread_lists(request, kind=ThreadList.LATEST):
    """The site's lists of discussions: latest, most active, most viewed and unanswered."""
    capacity = _capacity_filter(request)
    threads = selectors.thread_list(request.standing, kind, capacity=capacity)
    return render(
        request,
        "forum/thread_lists.html",
        {
            "kind": kind,
            "lists": ThreadList,
            "active_days": selectors.ACTIVE_DAYS,
            "capacity": capacity,
            "capacities": list(CAPACITY_DISPLAY.items()),
            "filter_query": urlencode({"capacity": capacity}) if capacity else "",
            "page_obj": _paginate(request, threads, settings.FORUM_THREADS_PER_PAGE),
        },
    )


@require_GET
def theme_detail(request, slug, kind=ThreadList.LATEST):
    theme = get_object_or_404(Theme, slug=slug)
    permissions.check_view_theme(request.standing, theme)
    capacity = _capacity_filter(request)
    threads = selectors.thread_list(request.standing, kind, theme=theme, capacity=capacity)
    return render(
        request,
        "forum/theme_detail.html",
        {
            "theme": theme,
            "kind": kind,
            "lists": ThreadList,
            "active_days": selectors.ACTIVE_DAYS,
            "capacity": capacity,
            "capacities": list(CAPACITY_DISPLAY.items()),
            "filter_query": urlencode({"capacity": capacity}) if capacity else "",
            "page_obj": _paginate(request, threads, settings.FORUM_THREADS_PER_PAGE),
            "can_create_thread": permissions.can_create_thread(request.standing, theme),
            "theme_tags": selectors.theme_tags(request.standing, theme),
            **engagement.theme_follow_context(request.standing, theme),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    permissions.check_create_thread(request.standing, theme)
    similar_url = reverse("forum:similar_threads")
    if "check" in request.POST:
        # "Check for similar discussions": the form as written, without errors, and what it resembles.
        return render(
            request,
            "forum/thread_form.html",
            {
                "theme": theme,
                "form": ThreadForm(initial=request.POST.dict(), user=request.standing, similar_url=similar_url),
                "similar": similar.similar_threads(_typed_title(request.POST), request.standing),
                "checked": True,
                "tag_choices": selectors.tag_choices(request.standing),
            },
        )
    form = ThreadForm(request.POST or None, user=request.standing, similar_url=similar_url)
    submission = _preview_or_save(
        request,
        form,
        lambda data: services.thread_create(  # posting too fast: shown on the form
            author=request.user,
            theme=theme,
            title=data["title"],
            body=data["body"],
            tags=data["tags"],
            **form.authorship(),
        ),
    )
    if submission.saved:
        thread = submission.result
        if thread.is_held:
            messages.info(
                request,
                _("Your thread waits for a moderator's approval. Until then only you and the moderators can see it."),
            )
        else:
            messages.success(request, _("Your thread has been published."))
        return redirect(thread)
    return render(
        request,
        "forum/thread_form.html",
        {
            "theme": theme,
            "form": form,
            "preview": submission.preview,
            "tag_choices": selectors.tag_choices(request.standing),
        },
    )


def _typed_title(data) -> str:
    return " ".join(without_control_characters(data.get("title", "")).split())


@login_required
@require_GET
def similar_threads(request):
    """The similar discussions of a title being typed (htmx, from the new-thread form)."""
    return render(
        request,
        "forum/_similar_threads.html",
        {"similar": similar.similar_threads(_typed_title(request.GET), request.standing), "checked": True},
    )


@require_GET
def thread_detail(request, pk, slug=None):
    # For members the thread comes with ``first_unread_reply_id`` and ``last_read_at``, as read
    # before this visit, ``followed_by_viewer`` and ``appreciated_by_viewer``, and for everyone
    # ``follower_count``: all in the thread's own query.
    threads = Thread.objects.for_thread_page(writers=account_permissions.is_member(request.standing))
    thread = get_object_or_404(
        threads.with_tag_list()
        .with_first_unread_reply_for(request.standing)
        .with_following_for(request.standing)
        .with_appreciation_by(request.standing)
        .with_follower_count(),
        pk=pk,
    )
    permissions.check_view_thread(request.standing, thread)
    if slug != thread.slug:  # the short link, or an old title: on to the address with the title, same page
        return redirect(with_thread_page_query(request, thread.get_absolute_url()), permanent=True)
    viewed = ViewedThreads(request)
    services.thread_register_view(thread=thread, viewed=viewed)
    services.thread_mark_read(
        member=request.user,
        thread=thread,
        until=thread.last_activity_at,
        read_until=getattr(thread, "last_read_at", None),
    )
    quote = engagement.quote_initial(request.standing, request.GET.get("quote"), thread=thread)
    reply_form = ReplyForm(user=request.standing, initial={"body": quote} if quote else None)
    response = _render_thread(request, thread, reply_form)
    viewed.save(response)
    return response


def _render_thread(request, thread, reply_form, *, preview=None, status=200):
    sort = SORT_OLDEST if request.GET.get("sort") == SORT_OLDEST else SORT_NEWEST
    versions = cooked.versions(thread.pk)  # before the replies are read: a change meanwhile renders them afresh
    standing = request.standing
    user = standing.user
    writers = account_permissions.is_member(standing)  # only members may see who wrote for an organisation
    replies = Reply.objects.visible_to(standing).for_thread_page(writers=writers).with_appreciation_by(user)
    replies = replies.filter(thread=thread)
    replies = replies.in_order(newest_first=sort == SORT_NEWEST)
    # The page count: the stored count of published replies; moderators, who also see hidden and
    # held replies, count them. Pages come from the nearer end of the thread (forum.pagination).
    count = replies.count() if permissions.can_moderate(standing) else thread.reply_count
    page = EitherEndPaginator(replies, settings.FORUM_REPLIES_PER_PAGE, count=count).get_page(request.GET.get("page"))
    thread_url = thread.get_absolute_url()
    # What the viewer may do with each post and see of it (their own appreciations came with the
    # posts' queries), and whether they follow the thread: no query of their own.
    engagement_context = engagement.engagement_context(standing, thread, page)
    thread_card, reply_cards = engagement_context["thread_card"], engagement_context["reply_cards"]
    # The parts of the article and of each reply that are the same for every viewer, from the cache.
    thread_cooked, *replies_cooked = cooked.posts(
        [(card.post, card.real_author_visible) for card in [thread_card, *reply_cards]], versions=versions
    )
    can_reply = permissions.can_reply(standing, thread)
    links = PageLinks()  # each reply's addresses without a reverse() per link
    next_url = request.get_full_path()  # where the page's forms come back to
    cards = [None] * len(replies_cooked)
    if not user.is_authenticated:  # a visitor: the whole card is the same for every visitor, kept too
        cards = cooked.visitor_cards(
            zip(reply_cards, replies_cooked, strict=True),
            versions=versions,
            page_context={
                "user": user,
                "standing": standing,
                "thread": thread,
                "thread_url": thread_url,
                "next_url": next_url,
                "can_reply": can_reply,
                "is_moderator": False,
                "links": links,
                "LANGUAGE_CODE": translation.get_language(),
            },
        )
    return render(
        request,
        "forum/thread_detail.html",
        {
            "user": user,
            "thread": thread,
            "theme": thread.theme,
            "page_obj": page,
            "thread_cooked": thread_cooked,
            "replies": list(zip(page, reply_cards, replies_cooked, cards, strict=True)),
            "sort": sort,
            "sort_query": urlencode({"sort": sort}) if sort == SORT_OLDEST else "",
            "reply_form": reply_form,
            "preview": preview,
            "held_replies": selectors.held_reply_cards(standing, thread),
            "can_reply": can_reply,
            "cannot_post_reason": account_permissions.why_cannot_post(standing),
            "thread_url": thread_url,
            "next_url": next_url,
            "links": links,
            "share_url": request.build_absolute_uri(thread_url),
            "mastodon_share_url": settings.FORUM_MASTODON_SHARE_URL,
            **engagement_context,
        },
        status=status,
    )


@require_POST
def reply_create(request, pk):
    thread = get_object_or_404(Thread.objects.with_related().with_follower_count().with_tag_list(), pk=pk)
    if not request.user.is_authenticated:
        return redirect(login_url(thread.get_absolute_url()))
    permissions.check_reply(request.standing, thread)
    form = ReplyForm(request.POST, user=request.standing)
    if not form.is_valid():
        return _render_thread(request, thread, form, status=400)
    if "preview" in request.POST:
        return _render_thread(request, thread, form, preview=form.cleaned_data["body"])
    try:
        reply = services.reply_create(
            author=request.user, thread=thread, body=form.cleaned_data["body"], **form.authorship()
        )
    except ValidationError as error:  # slow mode or posting too fast: shown on the form, nothing lost
        form.add_error("body", error)
        return _render_thread(request, thread, form, status=400)
    if reply.is_held:
        messages.info(
            request,
            _("Your reply waits for a moderator's approval. Until then only you and the moderators can see it."),
        )
    else:
        messages.success(request, _("Your reply has been posted."))
    return redirect(reply)


@require_GET
def reply_detail(request, pk):
    """Send the visitor to the page of the thread where this reply stands."""
    reply = get_object_or_404(Reply.objects.select_related("thread__theme"), pk=pk)
    permissions.check_view_reply(request.standing, reply)
    if reply.is_held and not permissions.can_moderate(request.standing):
        # Its author finds it in the block of their waiting replies, on every page of the thread.
        return redirect(f"{reply.thread.get_absolute_url()}#{reply.anchor}")
    newer = Reply.objects.visible_to(request.standing).filter(
        thread_id=reply.thread_id, created_at__gt=reply.created_at
    )
    position = newer.count() + 1
    page = (position - 1) // settings.FORUM_REPLIES_PER_PAGE + 1
    url = reply.thread.get_absolute_url()
    if page > 1:
        url += f"?{urlencode({'page': page})}"
    return redirect(f"{url}#{reply.anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def thread_edit(request, pk):
    thread = get_object_or_404(Thread.objects.with_related().with_tag_list(), pk=pk)
    permissions.check_edit_thread(request.standing, thread)
    tags = ", ".join(name for name, _slug in thread.tag_list)
    form = ThreadForm(
        request.POST or None,
        user=request.standing,
        post=thread,
        initial={"title": thread.title, "body": thread.body, "tags": tags},
    )
    submission = _preview_or_save(
        request,
        form,
        lambda data: services.thread_edit(  # a refusing watched word: shown on the form
            acting_user=request.user,
            thread=thread,
            title=data["title"],
            body=data["body"],
            capacity=data.get("capacity") or None,
            note=data.get("note", ""),
            tags=data["tags"],
        ),
    )
    if submission.saved:
        _edit_saved(request, thread, submission.result)
        return redirect(next_url(request, thread.get_absolute_url()))
    return render(
        request,
        "forum/thread_form.html",
        {
            "theme": thread.theme,
            "thread": thread,
            "form": form,
            "preview": submission.preview,
            "next": next_url(request, ""),
            "tag_choices": selectors.tag_choices(request.standing),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reply_edit(request, pk):
    reply = get_object_or_404(Reply.objects.select_related("thread", "thread__theme", "author"), pk=pk)
    permissions.check_edit_reply(request.standing, reply)
    form = ReplyForm(request.POST or None, user=request.standing, post=reply, initial={"body": reply.body})
    submission = _preview_or_save(
        request,
        form,
        lambda data: services.reply_edit(  # a refusing watched word: shown on the form
            acting_user=request.user,
            reply=reply,
            body=data["body"],
            capacity=data.get("capacity") or None,
            note=data.get("note", ""),
        ),
    )
    if submission.saved:
        _edit_saved(request, reply, submission.result)
        return redirect(next_url(request, reply.get_absolute_url()))
    return render(
        request,
        "forum/reply_form.html",
        {"reply": reply, "form": form, "preview": submission.preview, "next": next_url(request, "")},
    )


@dataclass(frozen=True)
class Submission(Generic[Saved]):
    """What became of a thread or reply form: the text to preview, or what saving it returned."""

    preview: str | None = None
    saved: bool = False
    result: Saved | None = None


def _preview_or_save(request, form, save: Callable[[dict[str, Any]], Saved]) -> Submission[Saved]:
    """
    A posted, valid form is shown as a preview (its Preview button) or saved through ``save``,
    which gets the cleaned data. A ``ValidationError`` of the service (posting too fast, a
    refusing watched word) is shown on the form's text, nothing the member wrote is lost.
    """
    if request.method != "POST" or not form.is_valid():
        return Submission()
    if "preview" in request.POST:
        return Submission(preview=form.cleaned_data["body"])
    try:
        return Submission(saved=True, result=save(form.cleaned_data))
    except ValidationError as error:
        form.add_error("body", error)
        return Submission()


def _edit_saved(request, post, changed: bool) -> None:
    if changed and post.is_held:
        messages.info(request, _("Your changes have been saved. The post waits for a moderator's approval again."))
    elif changed:
        messages.success(request, _("Your changes have been saved."))


@require_GET
def thread_revisions(request, pk):
    thread = get_object_or_404(Thread.objects.with_related(), pk=pk)
    permissions.check_view_thread(request.standing, thread)
    permissions.check_view_revisions(request.standing, thread)
    return render(
        request,
        "forum/revision_list.html",
        {"post": thread, "thread": thread, "entries": selectors.revision_history(thread)},
    )


@require_GET
def reply_revisions(request, pk):
    reply = get_object_or_404(Reply.objects.select_related("thread", "thread__theme", "author"), pk=pk)
    permissions.check_view_reply(request.standing, reply)
    permissions.check_view_revisions(request.standing, reply)
    return render(
        request,
        "forum/revision_list.html",
        {"post": reply, "thread": reply.thread, "entries": selectors.revision_history(reply)},
    )


def _paginate(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
