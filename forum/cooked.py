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

import secrets
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Organisation, User

from .models import Reply, Thread

SITE = "site"
# Part of every key: a release that changes what is kept (its fields, not its templates) starts afresh.
FORMAT = 2
# Kept parts not read for this long go (a release with other templates renders them afresh).
TIMEOUT = 24 * 60 * 60
# Saving a member with only these fields changes nothing shown with their posts.
NOT_SHOWN = frozenset({"last_login", "password", "language"})


def enabled() -> bool:
    return getattr(settings, "FORUM_POST_CACHE", True)


@dataclass(frozen=True)
class Cooked:
    """The kept parts of one post, as its templates rendered them (marked safe by the template engine)."""

    byline: str
    badges: str
    label: str  # the appreciation button's words (the author's name for a reply)


# Versions ----------------------------------------------------------------------------------------


def _version_key(scope) -> str:
    return f"forum:cooked:version:{scope}"


def versions(thread_id) -> tuple[int, int]:
    """The thread's and the site's current versions: read them before reading the posts."""
    keys = [_version_key(thread_id), _version_key(SITE)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.randbits(62), timeout=None)
            found[key] = cache.get(key, 0)
    return found[keys[0]], found[keys[1]]


def _replace(scope) -> None:
    """A new version for ``scope``: now, and again after the commit of the change."""
    if not enabled():
        return
    _write_version(scope)
    transaction.on_commit(partial(_write_version, scope), robust=True)


def _write_version(scope) -> None:
    cache.set(_version_key(scope), secrets.randbits(62), timeout=None)


def refresh_all() -> None:
    """Every post rendered afresh on its next showing (after a change made outside the site)."""
    _replace(SITE)


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


def _kept(items) -> list:
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
        cache.set_many(missing, timeout=TIMEOUT)
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
    _replace(instance.thread_id if isinstance(instance, Reply) else instance.pk)


def _member_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # A new member or organisation has no posts yet; logging in or a new password shows nowhere.
    if created or (update_fields is not None and set(update_fields) <= NOT_SHOWN):
        return
    _replace(SITE)


def connect_signals() -> None:
    for model in (Thread, Reply):
        post_save.connect(_post_changed, sender=model, dispatch_uid=f"cooked-{model.__name__}-save")
        post_delete.connect(_post_changed, sender=model, dispatch_uid=f"cooked-{model.__name__}-delete")
    for model in (User, Organisation):
        post_save.connect(_member_changed, sender=model, dispatch_uid=f"cooked-{model.__name__}-save")
        post_delete.connect(_member_changed, sender=model, dispatch_uid=f"cooked-{model.__name__}-delete")
