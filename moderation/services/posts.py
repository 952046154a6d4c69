"""
Moderators' acts on threads and replies: hide, restore, lock, pin, move, close, slow mode.
Each checks the forum's permission, changes the post in one conditional ``UPDATE`` (so it is
idempotent and returns whether anything changed) and writes one log row in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog, Reason
from core.text import sentence
from forum import permissions, selectors
from forum.models import Reply, Status, Theme, Thread
from forum.services import notices

from ..objection_links import objection_url

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def thread_move(*, acting_user: User, thread: Thread, theme: Theme, reason: str = "") -> bool:
    """Move a thread to another theme. Returns whether it moved."""
    standing = standing_of(acting_user)
    # A moderator limited to themes moderates both the theme it leaves and the one it goes to.
    permissions.check_moderate_post(standing, thread)
    permissions.check_moderate_theme(standing, theme)
    old_theme_id = thread.theme_id
    if not Thread.objects.filter(pk=thread.pk).exclude(theme=theme).update(theme=theme):
        return False
    thread.theme = theme
    selectors.theme_counts_changed()
    ModerationLog.objects.record(
        actor=acting_user,
        action=ModerationAction.MOVE,
        target=thread,
        reason=reason,
        data={"from_theme": old_theme_id, "to_theme": theme.pk},
    )
    return True


def _set_hidden(*, acting_user: User, post: Thread | Reply, hidden: bool, reason: Reason) -> bool:
    standing = standing_of(acting_user)
    permissions.check_moderate_post(standing, post)
    model = type(post)
    wanted, current = (Status.HIDDEN, Status.PUBLISHED) if hidden else (Status.PUBLISHED, Status.HIDDEN)
    changes: dict[str, object] = {"status": wanted}
    if hidden:
        changes.update(hidden_at=timezone.now(), hidden_by=acting_user, hidden_reason=reason)
    # The state moves in one conditional UPDATE: two moderators acting at once
    # change it once, and log it once.
    if not model.objects.filter(pk=post.pk, status=current).update(**changes):
        return False
    if isinstance(post, Reply):
        _reply_visibility_changed(post, hidden=hidden)
    if isinstance(post, Thread):
        selectors.theme_counts_changed()
    post.refresh_from_db()
    ModerationLog.objects.record(
        actor=acting_user,
        action=ModerationAction.HIDE if hidden else ModerationAction.RESTORE,
        target=post,
        reason=reason,
    )
    _tell_author(post, hidden=hidden, reason=reason)
    return True


def _reply_visibility_changed(reply: Reply, *, hidden: bool) -> None:
    """
    The thread's counters follow a reply that was hidden or shown again: the reply count, and
    the latest activity, so lists do not call a thread new for a reply nobody can read.
    """
    threads = Thread.objects.filter(pk=reply.thread_id)
    if hidden:
        latest = (
            Reply.objects.filter(thread=OuterRef("pk"), status=Status.PUBLISHED)
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        threads.update(reply_count=F("reply_count") - 1, last_activity_at=Coalesce(Subquery(latest), F("created_at")))
    else:
        threads.update(reply_count=F("reply_count") + 1)
        threads.filter(last_activity_at__lt=reply.created_at).update(last_activity_at=reply.created_at)


def _tell_author(post: Thread | Reply, *, hidden: bool, reason: Reason) -> None:
    """The statement of reasons to the author: what was decided, on which post, why, and how to object."""

    def compose(thread: Thread) -> str:
        if hidden:
            # Translators: %(reason)s is the moderator's reason as a sentence, with its own full stop.
            return gettext(
                "A moderator hid your post in “%(thread)s”. Reason: %(reason)s "
                "It is not deleted. Do you disagree? Object at %(url)s; another moderator will look at it."
            ) % {"thread": thread.title, "reason": sentence(str(reason)), "url": objection_url()}
        return gettext("A moderator has shown your post in “%(thread)s” again.") % {"thread": thread.title}

    notices.tell_author(post, compose, link=False)


@transaction.atomic
def post_hide(*, acting_user: User, post: Thread | Reply, reason: Reason) -> bool:
    """Hide a thread or reply from everyone but moderators. Returns whether it changed."""
    return _set_hidden(acting_user=acting_user, post=post, hidden=True, reason=reason)


@transaction.atomic
def post_restore(*, acting_user: User, post: Thread | Reply, reason: Reason = "") -> bool:
    """Show a hidden thread or reply again. Returns whether it changed."""
    return _set_hidden(acting_user=acting_user, post=post, hidden=False, reason=reason)


# The reason for a pin or a lock is shown on the thread page while it lasts.
FLAG_REASONS = {"is_pinned": "pin_reason", "is_locked": "lock_reason"}


def _set_flag(*, acting_user: User, thread: Thread, field: str, value: bool, action: str, reason: str) -> bool:
    standing = standing_of(acting_user)
    permissions.check_moderate_post(standing, thread)
    changes = {field: value, FLAG_REASONS[field]: reason.strip() if value else ""}
    if not Thread.objects.filter(pk=thread.pk).exclude(**{field: value}).update(**changes):
        return False
    for name, changed in changes.items():
        setattr(thread, name, changed)
    if field == "is_pinned":
        selectors.theme_counts_changed()  # the home page lists pinned threads apart
    ModerationLog.objects.record(actor=acting_user, action=action, target=thread, reason=reason)
    return True


@transaction.atomic
def thread_lock(*, acting_user: User, thread: Thread, reason: str = "") -> bool:
    return _set_flag(
        acting_user=acting_user,
        thread=thread,
        field="is_locked",
        value=True,
        action=ModerationAction.LOCK,
        reason=reason,
    )


@transaction.atomic
def thread_unlock(*, acting_user: User, thread: Thread, reason: str = "") -> bool:
    return _set_flag(
        acting_user=acting_user,
        thread=thread,
        field="is_locked",
        value=False,
        action=ModerationAction.UNLOCK,
        reason=reason,
    )


@transaction.atomic
def thread_pin(*, acting_user: User, thread: Thread, reason: str = "") -> bool:
    return _set_flag(
        acting_user=acting_user,
        thread=thread,
        field="is_pinned",
        value=True,
        action=ModerationAction.PIN,
        reason=reason,
    )


@transaction.atomic
def thread_unpin(*, acting_user: User, thread: Thread, reason: str = "") -> bool:
    return _set_flag(
        acting_user=acting_user,
        thread=thread,
        field="is_pinned",
        value=False,
        action=ModerationAction.UNPIN,
        reason=reason,
    )


SLOW_MODE_MAX_SECONDS = 7 * 24 * 60 * 60  # a week


@transaction.atomic
def thread_close_at(*, acting_user: User, thread: Thread, closes_at: datetime | None, reason: str) -> bool:
    """
    Close ``thread`` for members' replies from ``closes_at`` (a date in the past
    closes it now); ``None`` takes the closing date away. Returns whether it changed.
    """
    standing = standing_of(acting_user)
    permissions.check_moderate_post(standing, thread)
    if closes_at is not None and timezone.is_naive(closes_at):
        raise ValueError("closes_at must be an aware datetime")
    if not Thread.objects.filter(pk=thread.pk).exclude(closes_at=closes_at).update(closes_at=closes_at):
        return False
    thread.closes_at = closes_at
    ModerationLog.objects.record(
        actor=acting_user,
        action=ModerationAction.CLOSE_AT,
        target=thread,
        reason=reason,
        data={"closes_at": closes_at.isoformat() if closes_at else None},
    )
    return True


@transaction.atomic
def thread_slow_mode(*, acting_user: User, thread: Thread, seconds: int, reason: str) -> bool:
    """
    Make members wait ``seconds`` between two replies in ``thread``; 0 turns
    slow mode off. Returns whether it changed.
    """
    standing = standing_of(acting_user)
    permissions.check_moderate_post(standing, thread)
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= SLOW_MODE_MAX_SECONDS:
        raise ValidationError(
            gettext("Slow mode takes a whole number of seconds from 0 to %(max)d.") % {"max": SLOW_MODE_MAX_SECONDS},
            code="invalid_slow_mode",
        )
    if not Thread.objects.filter(pk=thread.pk).exclude(slow_mode_seconds=seconds).update(slow_mode_seconds=seconds):
        return False
    thread.slow_mode_seconds = seconds
    ModerationLog.objects.record(
        actor=acting_user,
        action=ModerationAction.SLOW_MODE,
        target=thread,
        reason=reason,
        data={"seconds": seconds},
    )
    return True
