"""
Services for measures against members: warn, suspend, ban, lift. Each states
its reason to the member (a notification and, by their preference, an e-mail),
writes a moderation log row, and is enforced on every write path through
``accounts.permissions.can_post`` (suspension, ban) and at login (ban).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

from core.links import absolute_reverse
from core.models import ModerationAction, ModerationLog
from core.text import sentence
from moderation import objection_links
from moderation.models import ModeratorNote, Sanction

from . import permissions
from .models import User
from .standing import standing_of

if TYPE_CHECKING:
    from moderation.models import ModeratorNote

# v2: the state is a ``SanctionState`` (it was a dict).
STATE_CACHE_KEY = "accounts:sanction-state:v2:{pk}"


@dataclass(frozen=True, slots=True)
class SanctionState:
    """
    What restricts a member now. ``restricted``: a suspension or ban is in force (may read, not
    post); ``until``: when the last restricting measure ends (``None`` while one lasts until
    lifted, or when nothing restricts); ``unacknowledged_warning``: the pk of a warning the
    member has not yet confirmed reading.
    """

    banned: bool = False
    restricted: bool = False
    until: datetime | None = None
    unacknowledged_warning: int | None = None


def _in_force(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(lifted_at__isnull=True, starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def sanction_state(member: User) -> SanctionState:
    """
    What restricts ``member`` now (a ``SanctionState``). Kept in the shared cache (every app server
    sees a change at once: the services delete the key) so pages cost no query. During a
    page, the member's ``Standing`` keeps it (``accounts.standing``), so the many permission
    checks of one page ask the cache once.
    """
    key = STATE_CACHE_KEY.format(pk=member.pk)
    state = cache.get(key)
    if state is None:
        sanctions = list(
            Sanction.objects.filter(member=member)
            .filter(_in_force() | Q(kind=Sanction.Kind.WARNING, acknowledged_at__isnull=True, lifted_at__isnull=True))
            .values("pk", "kind", "ends_at", "acknowledged_at")
        )
        restricting = [s for s in sanctions if s["kind"] in (Sanction.Kind.SUSPENSION, Sanction.Kind.BAN)]
        # Until the last one ends; while one lasts until lifted, no end.
        ends = [s["ends_at"] for s in restricting if s["ends_at"] is not None]
        state = SanctionState(
            banned=any(s["kind"] == Sanction.Kind.BAN for s in restricting),
            restricted=bool(restricting),
            until=max(ends) if restricting and len(ends) == len(restricting) else None,
            unacknowledged_warning=next(
                (s["pk"] for s in sanctions if s["kind"] == Sanction.Kind.WARNING and s["acknowledged_at"] is None),
                None,
            ),
        )
        # A suspension ends by itself: never cache past its end.
        timeout = 300
        if state.until is not None:
            timeout = max(1, min(timeout, int((state.until - timezone.now()).total_seconds())))
        cache.set(key, state, timeout=timeout)
    return state


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


def last_day(ends_at: datetime) -> date:
    """
    The last day, in the site's time zone, on which a measure ending at ``ends_at`` is in force.
    A suspension "until 5 December" ends at the start of 6 December (the form stores the end of
    the chosen day): its last day is 5 December, and on 6 December the member can post again.
    """
    return timezone.localtime(ends_at - timedelta(microseconds=1)).date()


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
    from notifications.models import Kind
    from notifications.services import notify_later

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
