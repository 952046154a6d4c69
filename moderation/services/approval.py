"""
Holding posts for a moderator's approval, and approving or rejecting them.

A new thread or reply is held (``Status.HELD``) when its theme is pre-moderated,
when it contains a watched word that holds, when it is one of the first posts of a
member who is not a verified civil servant, or when it carries a link while its
author has few approved posts (the last two are site settings). A watched word that
refuses stops the post with a message instead. Moderators of the theme are never held.
Only the author and moderators see a held post; its notifications go out on approval.

The forum asks ``hold_for``, ``hold_after_edit`` and ``record_hold`` through
``forum.holds``, where the moderation app registers this module at start-up.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import SiteSettings
from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from core.text import sentence
from forum import permissions, selectors, tasks
from forum.holds import Hold
from forum.models import HoldReason, Reply, Status, Thread
from forum.services import notices
from moderation.models import WATCHED_WORDS_CACHE_KEY, WatchedWord

from ..objection_links import objection_url

if TYPE_CHECKING:
    from accounts.models import User
    from forum.models import Theme

HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')


# Watched words --------------------------------------------------------------------------------


def _watched_words() -> list[tuple[str, str, str]]:
    """The active watched words as (phrase, action, message), from the cache after the first ask."""
    words = cache.get(WATCHED_WORDS_CACHE_KEY)
    if words is None:
        words = list(WatchedWord.objects.filter(is_active=True).values_list("phrase", "action", "message"))
        cache.set(WATCHED_WORDS_CACHE_KEY, words, timeout=None)
    return words


def watched_words_changed() -> None:
    """Forget the cached list; called whenever a watched word is saved or deleted."""
    cache.delete(WATCHED_WORDS_CACHE_KEY)


@lru_cache(maxsize=1024)
def watched_word_pattern(phrase: str) -> re.Pattern:
    """
    Whole words, any case; spaces match any white space and ``*`` any letters,
    so ``pharma*`` finds "Pharmacie" but ``ster`` does not find "monster".
    """
    words = [r"\w*".join(re.escape(part) for part in word.split("*")) for word in phrase.split() if word.strip("*")]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def watched_word_check(text: str) -> Hold | None:
    """
    Refuse ``text`` (``ValidationError`` with the word's message) when it holds a
    refusing watched word; otherwise the first holding word, as a ``Hold``, or ``None``.
    """
    hold = None
    for phrase, action, message in _watched_words():
        if not watched_word_pattern(phrase).search(text):
            continue
        if action == WatchedWord.Action.REFUSE:
            raise ValidationError(
                message
                or gettext("Your text contains “%(phrase)s”, which is not allowed here. Change it and try again.")
                % {"phrase": phrase},
                code="watched_word",
            )
        hold = hold or Hold(HoldReason.WATCHED_WORD, phrase)
    return hold


# Deciding whether a new post is held ------------------------------------------------------------


def external_links(body_html: str) -> list[str]:
    """The links in rendered text that lead off this site (mentions and site links do not count)."""
    site = urlsplit(settings.SITE_URL).netloc
    links = []
    for href in HREF.findall(body_html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.scheme in ("http", "https") and parts.netloc and parts.netloc != site:
            links.append(href)
    return links


def _approved_post_count(member: User, enough: int) -> int:
    """How many published posts ``member`` wrote, counted up to ``enough`` (two small index scans)."""
    mine = Q(author=member) | Q(written_by=member)
    threads = len(Thread.objects.filter(mine, status=Status.PUBLISHED).values("pk")[:enough])
    if threads >= enough:
        return threads
    return threads + len(Reply.objects.filter(mine, status=Status.PUBLISHED).values("pk")[: enough - threads])


def hold_for(*, writer: User, theme: Theme, title: str, body: str, body_html: str) -> Hold | None:
    """
    Whether a new post by ``writer`` (the member at the keyboard) in ``theme`` is held,
    and why; raises ``ValidationError`` for a refusing watched word. Moderators of the
    theme are neither held nor refused.
    """
    standing = standing_of(writer)
    if permissions.can_moderate_theme(standing, theme):
        return None
    watched = watched_word_check(f"{title}\n{body}")
    if watched:
        return watched
    if theme.is_premoderated:
        return Hold(HoldReason.THEME)
    site = SiteSettings.current()
    first_posts = 0 if writer.is_verified_civil_servant else site.hold_first_posts
    links = external_links(body_html) if site.hold_links_below else []
    enough = max(first_posts, site.hold_links_below if links else 0)
    if not enough:
        return None
    approved = _approved_post_count(writer, enough)
    if approved < first_posts:
        return Hold(HoldReason.NEW_MEMBER)
    if links and approved < site.hold_links_below:
        return Hold(HoldReason.LINK, links[0][:200])
    return None


def hold_after_edit(*, writer: User, post: Thread | Reply, theme: Theme) -> Hold | None:
    """
    Whether the author's edit of ``post`` holds it: refusing words refuse the edit,
    holding words hold a published post again. Moderators' edits are not checked.
    """
    standing = standing_of(writer)
    if permissions.can_moderate_theme(standing, theme):
        return None
    title = post.title if isinstance(post, Thread) else ""
    watched = watched_word_check(f"{title}\n{post.body}")
    return Hold(HoldReason.EDIT, watched.detail) if watched and not post.is_held else None


def record_hold(post: Thread | Reply, hold: Hold) -> None:
    """The automatic hold, in the moderation log (no moderator acted), and a word to the author."""
    ModerationLog.objects.record(
        actor=None,
        action=ModerationAction.HOLD,
        target=post,
        reason=str(HoldReason(hold.reason).label),
        data={"reason": hold.reason, "detail": hold.detail},
    )
    _tell_author_held(post, hold)


def _tell_author_held(post: Thread | Reply, hold: Hold) -> None:
    """The author's notification links to the waiting post, so they find it again; why, but not the word itself."""
    notices.tell_author(
        post,
        lambda thread: (
            gettext(
                "Your post in “%(thread)s” waits for a moderator's approval (%(reason)s). "
                "Until then only you and the moderators can see it."
            )
            % {"thread": thread.title, "reason": HoldReason(hold.reason).label}
        ),
        link=True,
    )


# Moderators' decisions -------------------------------------------------------------------------


@transaction.atomic
def post_approve(*, acting_user: User, post: Thread | Reply, reason: str = "") -> bool:
    """Publish a held thread or reply; its notifications go out now. Returns whether it changed."""
    standing = standing_of(acting_user)
    permissions.check_moderate_post(standing, post)
    model = type(post)
    now = timezone.now()
    if not model.objects.filter(pk=post.pk, status=Status.HELD).update(status=Status.PUBLISHED):
        return False
    if isinstance(post, Thread):
        selectors.theme_counts_changed()
    if isinstance(post, Reply):
        Thread.objects.filter(pk=post.thread_id).update(
            reply_count=F("reply_count") + 1, held_reply_count=F("held_reply_count") - 1
        )
        Thread.objects.filter(pk=post.thread_id, last_activity_at__lt=now).update(last_activity_at=now)
        transaction.on_commit(lambda: tasks.reply_posted.enqueue(post.pk), robust=True)
    else:
        Thread.objects.filter(pk=post.pk, last_activity_at__lt=now).update(last_activity_at=now)
        transaction.on_commit(lambda: tasks.thread_posted.enqueue(post.pk), robust=True)
    post.refresh_from_db()
    ModerationLog.objects.record(actor=acting_user, action=ModerationAction.APPROVE, target=post, reason=reason)
    _tell_author(post, approved=True, reason=reason)
    return True


@transaction.atomic
def post_reject(*, acting_user: User, post: Thread | Reply, reason: str) -> bool:
    """
    Do not publish a held thread or reply: it stays hidden, with the reason, for
    moderators, and its author gets the statement of reasons. Returns whether it changed.
    """
    standing = standing_of(acting_user)
    permissions.check_moderate_post(standing, post)
    model = type(post)
    if not model.objects.filter(pk=post.pk, status=Status.HELD).update(
        status=Status.HIDDEN, hidden_at=timezone.now(), hidden_by=acting_user, hidden_reason=reason
    ):
        return False
    if isinstance(post, Thread):
        selectors.theme_counts_changed()
    if isinstance(post, Reply):
        Thread.objects.filter(pk=post.thread_id).update(held_reply_count=F("held_reply_count") - 1)
    post.refresh_from_db()
    ModerationLog.objects.record(actor=acting_user, action=ModerationAction.REJECT, target=post, reason=reason)
    _tell_author(post, approved=False, reason=reason)
    return True


def _tell_author(post: Thread | Reply, *, approved: bool, reason: str) -> None:
    """Tell the author the decision; a rejection comes with its reason and how to object."""

    def compose(thread: Thread) -> str:
        if approved:
            return gettext("A moderator approved your post in “%(thread)s”; everyone can read it now.") % {
                "thread": thread.title
            }
        # Translators: %(reason)s is the moderator's reason as a sentence, with its own full stop.
        return gettext(
            "A moderator did not approve your post in “%(thread)s”. Reason: %(reason)s "
            "It is not deleted. Do you disagree? Object at %(url)s; another moderator will look at it."
        ) % {"thread": thread.title, "reason": sentence(reason), "url": objection_url()}

    notices.tell_author(post, compose, link=approved)
