"""
Telling members. Every notification goes through ``notify``, which skips the
actor themself, members who cannot see what it is about, and closed accounts;
e-mail follows each member's preference and is sent by a task after the commit
(``emails``). Who is to be told of what happens in the forum (followers,
mentioned members, a thread's author) is the forum's rule: its services pass the
recipients here, and calls ``notify_later``: the notification is made by a task
(``notify_task``) after the commit. The member's own acts are here too: marking read, choosing how
often to be e-mailed per kind, and the one-click unsubscribe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from accounts.standing import standing_of

from . import permissions, tasks
from .models import DEFAULT_FREQUENCY, Frequency, Kind, Notification, Preference
from .selectors import frequency_for

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import Model

    from accounts.models import User


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: str,
    actor: User | None = None,
    target: Model | None = None,
    message: str = "",
    group_key: str = "",
    include_restricted: bool = False,
) -> Notification | None:
    """
    Tell ``recipient`` of something, about ``target`` (an object of a model registered in
    ``targets``: a thread, a reply) or about nothing. With a ``group_key`` an unread notification
    for the same thing is bundled: its count goes up instead of a new one.
    Returns the notification, or ``None`` when nobody is to be told.
    """
    if actor is not None and recipient.pk == actor.pk:
        return None
    if not permissions.can_receive(recipient, target=target, include_restricted=include_restricted):
        return None
    now = timezone.now()
    if group_key:
        bundled = Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
        if bundled.update(actor=actor, actor_count=F("actor_count") + 1, updated_at=now):
            return bundled.first()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                actor=actor,
                target=target,
                message=message,
                group_key=group_key,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        # Another request created the bundle at the same moment: add to it.
        bundled = Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
        bundled.update(actor=actor, actor_count=F("actor_count") + 1, updated_at=now)
        return bundled.first()
    if frequency_for(recipient, kind) == Frequency.IMMEDIATELY:
        transaction.on_commit(lambda: tasks.send_notification_email.enqueue(notification.pk), robust=True)
    return notification


def notify_later(
    *,
    recipient: User,
    kind: str,
    actor: User | None = None,
    target: Model | None = None,
    message: str = "",
    group_key: str = "",
    include_restricted: bool = False,
) -> None:
    """
    How the rest of the site tells a member of something (``notify``'s arguments): after the
    commit, a task makes the notification and e-mails it. Nothing is told of what was rolled back,
    and the request never waits for it or fails on it.
    """
    arguments: dict[str, Any] = {
        "recipient_id": recipient.pk,
        "kind": str(kind),
        "actor_id": actor.pk if actor is not None else None,
        "target_type_id": ContentType.objects.get_for_model(target).pk if target is not None else None,
        "target_id": target.pk if target is not None else None,
        "message": str(message),
        "group_key": group_key,
        "include_restricted": include_restricted,
    }
    transaction.on_commit(lambda: notify_task.enqueue(**arguments), robust=True)


# A task here rather than in ``tasks``: it runs ``notify``, and this module enqueues ``tasks``' own.
@task()
def notify_task(
    *,
    recipient_id: int,
    kind: str,
    actor_id: int | None = None,
    target_type_id: int | None = None,
    target_id: int | None = None,
    message: str = "",
    group_key: str = "",
    include_restricted: bool = False,
) -> bool:
    """Make (and e-mail) one notification queued by ``notify_later``; returns whether one was made."""
    members = get_user_model().objects
    recipient = members.filter(pk=recipient_id).first()
    target = _target(target_type_id, target_id)
    if recipient is None or (target_type_id is not None and target is None):
        return False  # gone since: an erased member, a deleted post
    notification = notify(
        recipient=recipient,
        kind=kind,
        actor=members.filter(pk=actor_id).first() if actor_id else None,
        target=target,
        message=message,
        group_key=group_key,
        include_restricted=include_restricted,
    )
    return notification is not None


def _target(type_id: int | None, pk: int | None) -> Model | None:
    """What a queued notification is about, if it is still there."""
    if type_id is None or pk is None:
        return None
    return ContentType.objects.get_for_id(type_id).get_all_objects_for_this_type(pk=pk).first()


# The member's own list and settings ---------------------------------------------------------------


def notification_mark_read(*, acting_user: User, notification: Notification) -> bool:
    """Mark one notification read; only its recipient can. Returns whether it was unread."""
    permissions.check_view_notification(standing_of(acting_user), notification)
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    if changed:
        notification.read_at = now
    return bool(changed)


def notifications_mark_all_read(*, acting_user: User) -> int:
    """Mark all of the member's unread notifications read; returns how many there were."""
    if not permissions.can_have_notifications(standing_of(acting_user)):
        return 0
    return acting_user.notifications.unread().update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, member: User, kind: str, frequency: str) -> bool:
    """Set how ``member`` hears of ``kind`` by e-mail. Returns whether anything changed."""
    if kind not in Kind.values or frequency not in Frequency.values:
        raise ValueError(f"Unknown kind or frequency: {kind!r}, {frequency!r}")
    preference, created = Preference.objects.select_for_update().get_or_create(
        member=member, kind=kind, defaults={"frequency": frequency}
    )
    if created:
        return frequency != DEFAULT_FREQUENCY[kind]
    if preference.frequency == frequency:
        return False
    preference.frequency = frequency
    preference.save(update_fields=["frequency"])
    return True


@transaction.atomic
def preferences_update(*, member: User, frequencies: dict[str, str], language: str) -> bool:
    """
    The settings page: a frequency per kind and the language of the e-mails.
    Returns whether anything changed.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    changed = False
    for kind, frequency in frequencies.items():
        changed |= preference_set(member=member, kind=kind, frequency=frequency)
    if member.language != language:
        member.language = language
        member.save(update_fields=["language"])
        changed = True
    return changed


@transaction.atomic
def preferences_unsubscribe(*, member: User, kinds: Iterable[str]) -> list[str]:
    """
    Stop e-mail about ``kinds`` (the one-click link in an e-mail): their
    frequency becomes "never". The notifications stay in the list on the site.
    Returns the kinds that changed.
    """
    return [kind for kind in kinds if preference_set(member=member, kind=kind, frequency=Frequency.NEVER)]
