"""
Services for measures against members: warn, suspend, ban, lift, and moderators' notes. Each
measure states its reason to the member (a notification and, by their preference, an e-mail, in
the member's language), writes a moderation log row, and is enforced on every write path through
``accounts.permissions.can_post`` (suspension, ban: the member's standing reads
``moderation.selectors.sanction_state``, registered from ``ModerationConfig.ready()``), at login
(ban: ``moderation.adapters``) and on the next page (ban, warning: ``moderation.middleware``).
"""

from __future__ import annotations

from datetime import datetime, time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

from accounts import permissions
from accounts.models import User
from accounts.standing import standing_of
from core.links import absolute_reverse
from core.models import ModerationAction, ModerationLog
from core.text import sentence
from notifications.models import Kind
from notifications.services import notify_later

from .. import objection_links
from ..models import ModeratorNote, Sanction
from ..selectors import STATE_CACHE_KEY, last_day


def _forget(member: User) -> None:
    """Drop the cached state now and again after the commit (a reader in between may have cached the old one)."""
    key = STATE_CACHE_KEY.format(pk=member.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _check(acting_user: User, member: User) -> None:
    # Measures concern members, not posts in a theme: moderators of the whole site only.
    standing = standing_of(acting_user)
    if not permissions.is_site_moderator(standing):
        raise PermissionDenied
    if member.pk == acting_user.pk or member.is_former_member:
        raise PermissionDenied


def _until(ends_at: datetime) -> str:
    """Until when a suspension lasts, as the member reads it: "until and including 5 December 2026"."""
    local = timezone.localtime(ends_at)
    day_format = pgettext("post date format (Django date filter)", "j F Y")
    if local.time() == time.min:
        return gettext("The suspension lasts until and including %(date)s.") % {
            "date": formats.date_format(last_day(ends_at), day_format)
        }
    return gettext("The suspension lasts until %(date)s at %(time)s.") % {
        "date": formats.date_format(local, day_format),
        "time": formats.date_format(local, pgettext("post time format (Django date filter)", "G:i")),
    }


def _statement(member: User, sanction: Sanction, decision: ModerationLog) -> None:
    """
    The statement of reasons: what, which rule, why, until when, and how to object; a banned
    member gets a signed link to object to ``decision`` (the log row) that works without logging in.
    """
    with translation.override(member.language):
        what = {
            Sanction.Kind.WARNING: gettext("You have received a warning from a moderator."),
            Sanction.Kind.SUSPENSION: gettext("A moderator has suspended you: you can read, but not post or react."),
            Sanction.Kind.BAN: gettext("A moderator has banned you: you can no longer log in."),
        }[Sanction.Kind(sanction.kind)]
        parts = [what, gettext("Reason: %(reason)s") % {"reason": sentence(sanction.reason)}]
        if sanction.rule:
            parts.append(gettext("Rule: %(rule)s") % {"rule": sentence(sanction.rule)})
        if sanction.ends_at:
            parts.append(_until(sanction.ends_at))
        if sanction.kind == Sanction.Kind.BAN:
            # A banned member cannot log in: the signed link works without.
            url = objection_links.url(decision_pk=decision.pk, member_pk=member.pk)
        else:
            url = absolute_reverse("moderation:objection_list")
        parts.append(gettext("Do you disagree? Object at %(url)s; another moderator will look at it.") % {"url": url})
    notify_later(recipient=member, kind=Kind.MODERATION, message="\n".join(parts), include_restricted=True)


@transaction.atomic
def member_sanction(
    *, acting_user: User, member: User, kind: str, reason: str, rule: str = "", until: datetime | None = None
) -> Sanction:
    """Warn, suspend (until a date, or until lifted) or ban a member, with the reason they will read."""
    _check(acting_user, member)
    if kind not in Sanction.Kind.values:
        raise ValidationError(gettext("Choose a measure."), code="invalid_kind")
    if not reason.strip():
        raise ValidationError(gettext("Give the reason the member will read."), code="reason_required")
    if until is not None and until <= timezone.now():
        raise ValidationError(gettext("The end must be in the future."), code="past_end")
    sanction = Sanction.objects.create(
        member=member,
        kind=kind,
        reason=reason,
        rule=rule,
        ends_at=until if kind == Sanction.Kind.SUSPENSION else None,
        created_by=acting_user,
    )
    action = {
        Sanction.Kind.WARNING: ModerationAction.WARN,
        Sanction.Kind.SUSPENSION: ModerationAction.SUSPEND,
        Sanction.Kind.BAN: ModerationAction.BAN,
    }[Sanction.Kind(kind)]
    decision = ModerationLog.objects.record(
        actor=acting_user,
        action=action,
        target=member,
        reason=reason,
        data={"sanction": sanction.pk, "until": until.isoformat() if until else None},
    )
    _forget(member)
    _statement(member, sanction, decision)
    return sanction


@transaction.atomic
def sanction_lift(*, acting_user: User, sanction: Sanction, reason: str | Promise = "") -> bool:
    """End a measure early; returns whether it was still in force."""
    _check(acting_user, sanction.member)
    if not Sanction.objects.filter(pk=sanction.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=acting_user, lift_reason=reason
    ):
        return False
    ModerationLog.objects.record(
        actor=acting_user,
        action=ModerationAction.SANCTION_LIFT,
        target=sanction.member,
        reason=reason,
        data={"sanction": sanction.pk},
    )
    _forget(sanction.member)
    return True


@transaction.atomic
def warning_acknowledge(*, member: User, sanction: Sanction) -> bool:
    """The member confirms they read the warning."""
    if sanction.member_id != member.pk or sanction.kind != Sanction.Kind.WARNING:
        raise PermissionDenied
    changed = bool(
        Sanction.objects.filter(pk=sanction.pk, acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
    )
    _forget(member)
    return changed


@transaction.atomic
def moderator_note_add(*, acting_user: User, member: User, text: str) -> ModeratorNote:
    """A private note about a member, for moderators only."""
    standing = standing_of(acting_user)
    if not permissions.is_site_moderator(standing):
        raise PermissionDenied
    if member.is_former_member:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError(gettext("Write the note."), code="text_required")
    return ModeratorNote.objects.create(member=member, author=acting_user, text=text)
