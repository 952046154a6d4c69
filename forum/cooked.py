"""
The rendered parts of the thread page that are the same for every viewer ("cooked", as
Discourse keeps its posts), kept in Django's cache, so that several app servers share them
through Redis.

What is kept, per thread or reply: its byline ("Reply by <author> on <date> at <time>",
``forum/_byline.html``), its badges (``forum/_author_badges.html``) and the words of its
appreciation button (``forum/_appreciate_label.html``), in the active language
and time zone, with or without who wrote it for an organisation account (which only some
viewers may see); and, for visitors, each reply's whole card (``forum/_reply_card.html``),
since a visitor has nothing of their own on it. Everything that depends on the request, the
CSRF token, the view count, the viewer's own buttons and links, unread markers, is rendered
around them on every request; the text itself is stored rendered already (``body_html``,
core/text.py).

Invalidation, in this module only: each kept part is filed under two versions, its thread's
and the site's. Saving or deleting a thread or a reply gives its thread a new version;
saving or deleting a member or an organisation (their names and badges show with every post
they wrote) gives the site a new one (signals, :func:`connect_signals`). A version is random,
never incremented, so it never comes back; it is replaced right away and again once the
change commits, so a page rendered while the change's transaction ran is not kept under the
version that follows it. The versions are read before the posts are, for the same reason.
"""

from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Organisation, User

from . import versions as kept_versions
from .models import Reply, Theme, Thread
from .versions import LISTING, SITE, enabled

# Part of every key: a release that changes what is kept (its fields, not its templates) starts afresh.
FORMAT = 2
# Kept parts not read for this long go (a release with other templates renders them afresh).
TIMEOUT = 24 * 60 * 60
# Parts of the lists of discussions also show what changes without a save (the view count, counted
# in one UPDATE of its own): they are kept this long at most, the lag of the count they show.
LISTING_TIMEOUT = 10
# Saving a member with only these fields changes nothing shown with their posts.
NOT_SHOWN = frozenset({"last_login", "password", "language"})

__all__ = [
    "LISTING",
    "SITE",
    "TIMEOUT",
    "Cooked",
    "KeptListing",
    "enabled",
    "kept_listing",
    "listed",
    "posts",
    "refresh_all",
    "versions",
    "visitor_cards",
]


@dataclass(frozen=True)
class Cooked:
    """The kept parts of one post, as its templates rendered them (marked safe by the template engine)."""

    byline: str
    badges: str
    label: str  # the appreciation button's words (the author's name for a reply)


# Versions (forum/versions.py) ----------------------------------------------------------------------


def versions(thread_id) -> tuple[int, int]:
    """The thread's and the site's current versions: read them before reading the posts."""
    thread_version, site_version = kept_versions.current(thread_id, SITE)
    return thread_version, site_version


def refresh_all() -> None:
    """Every post rendered afresh on its next showing (after a change made outside the site)."""
    kept_versions.replace(SITE)


# The kept parts ----------------------------------------------------------------------------------


def posts(items, *, versions) -> list[Cooked]:
    """
    The cooked parts of ``items``, pairs of a thread or reply and whether the viewer may see who
    wrote it for an organisation account, in their order: from the cache where they are, rendered
    (and kept) where not. ``versions``: :func:`versions`, read before the posts were.
    """
    context = _context(versions)
    return _kept(
        (_key(post, real_author_visible, context), partial(_render, post, real_author_visible))
        for post, real_author_visible in items
    )


def visitor_cards(items, *, versions, page_context) -> list[str]:
    """
    Whole reply cards (``forum/_reply_card.html``) as every visitor sees them, for ``items``,
    pairs of a reply's card (``forum.selectors.PostCard``, a visitor's) and its :class:`Cooked`
    parts. Only for a visitor's page: a visitor has no buttons, forms or links of their own on a
    card (no CSRF token, nothing per request), so each card is the same for all of them. What
    changes without a save, the number of appreciations, is part of the key. ``page_context``:
    the names the page passes to the card.
    """
    context = _context(versions)
    page_context = {**page_context, "csrf_token": "", "request": None}  # never a visitor's own
    return _kept(
        (
            f"forum:cooked:{FORMAT}:visitor-card:{card.post.pk}:{card.post.reaction_count}:{_joined(context)}",
            partial(
                render_to_string,
                "forum/_reply_card.html",
                {**page_context, "reply": card.post, "card": card, "cooked": parts},
            ),
        )
        for card, parts in items
    )


@dataclass(frozen=True)
class KeptListing:
    """
    What a ``{% cache %}`` fragment of a page of lists files its parts under (``{% kept_listing %}``):
    the lists' and the site's versions, how long to keep them (nothing when the cache is off),
    and whose they are: ``members`` see members-only profiles in the latest activity.
    """

    version: str
    timeout: int
    audience: str


def kept_listing(*, member: bool) -> KeptListing:
    return KeptListing(
        version=_joined(kept_versions.current(LISTING, SITE)),
        timeout=LISTING_TIMEOUT if enabled() else 0,
        audience="members" if member else "public",
    )


def listed(threads, *, show_theme: bool) -> list[tuple[Thread, str]]:
    """
    The threads of a list of discussions (home and theme pages), each with what its line says
    below the title, the same for every viewer (``forum/_thread_summary.html``: who started it,
    when, in what capacity and theme; replies, views, last activity), kept for
    ``LISTING_TIMEOUT`` at most under the lists' and the site's versions. The title and what is
    the viewer's own (the unread marker) are rendered around it.
    """
    threads = list(threads)
    context = _context(kept_versions.current(LISTING, SITE))
    summaries = _kept(
        (
            (
                f"forum:cooked:{FORMAT}:listed:{thread.pk}:{int(show_theme)}:{_joined(context)}",
                partial(render_to_string, "forum/_thread_summary.html", {"thread": thread, "show_theme": show_theme}),
            )
            for thread in threads
        ),
        timeout=LISTING_TIMEOUT,
    )
    return list(zip(threads, summaries, strict=True))


def _kept(items, *, timeout: int = TIMEOUT) -> list:
    """The values of ``items``, pairs of a cache key and what renders the value, in one round trip each way."""
    items = list(items)
    found = cache.get_many([key for key, _render in items]) if enabled() else {}
    missing = {}
    result = []
    for key, render in items:
        value = found.get(key)
        if value is None:
            value = missing[key] = render()
        result.append(value)
    if missing and enabled():
        cache.set_many(missing, timeout=timeout)
    return result


def _context(versions) -> tuple:
    return (*versions, translation.get_language(), timezone.get_current_timezone_name())


def _joined(context) -> str:
    return ":".join(str(part) for part in context)


def _key(post, real_author_visible, context) -> str:
    kind = "reply" if isinstance(post, Reply) else "thread"
    return f"forum:cooked:{FORMAT}:{kind}:{post.pk}:{int(bool(real_author_visible))}:{_joined(context)}"


def _render(post, real_author_visible) -> Cooked:
    is_reply = isinstance(post, Reply)
    return Cooked(
        byline=render_to_string("forum/_byline.html", {"post": post, "is_reply": is_reply}),
        badges=render_to_string(
            "forum/_author_badges.html", {"post": post, "real_author_visible": real_author_visible}
        ),
        label=render_to_string("forum/_appreciate_label.html", {"post": post, "is_reply": is_reply}),
    )


# Invalidation ------------------------------------------------------------------------------------


def _post_changed(sender, instance, **kwargs):
    kept_versions.replace(instance.thread_id if isinstance(instance, Reply) else instance.pk)
    kept_versions.replace(LISTING)


def _theme_changed(sender, instance, **kwargs):
    kept_versions.replace(LISTING)


def _member_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # Logging in or a new password shows nowhere.
    if update_fields is not None and set(update_fields) <= NOT_SHOWN:
        return
    if created:  # no posts yet, but a new member shows in the latest activity
        kept_versions.replace(LISTING)
        return
    kept_versions.replace(SITE)


def connect_signals() -> None:
    for model in (Thread, Reply):
        post_save.connect(_post_changed, sender=model, dispatch_uid=f"cooked-{model.__name__}-save")
        post_delete.connect(_post_changed, sender=model, dispatch_uid=f"cooked-{model.__name__}-delete")
    post_save.connect(_theme_changed, sender=Theme, dispatch_uid="cooked-Theme-save")
    post_delete.connect(_theme_changed, sender=Theme, dispatch_uid="cooked-Theme-delete")
    for model in (User, Organisation):
        post_save.connect(_member_changed, sender=model, dispatch_uid=f"cooked-{model.__name__}-save")
        post_delete.connect(_member_changed, sender=model, dispatch_uid=f"cooked-{model.__name__}-delete")
