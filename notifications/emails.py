"""
Notification e-mails, in the member's own language, as plain text and HTML,
each with a one-click unsubscribe link (RFC 8058) for what it is about.

A failing mail server loses nothing: the notification stays in the member's
list on the site, the attempt and the error are recorded on it, and
``retry_notification_emails`` (immediate e-mail) or the next digest run tries
again, up to ``MAX_ATTEMPTS`` times.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from accounts.standing import standing_of
from core.links import absolute_reverse, absolute_url
from outbox import services as outbox

from . import permissions, targets, tokens
from .models import Frequency, Kind, Notification
from .selectors import frequency_for

MAX_ATTEMPTS = 5
# A notification whose task has not run after this long is picked up by the retry command too
# (the worker was down, or enqueueing failed); younger ones are left to the worker.
RETRY_UNSENT_AFTER = timedelta(minutes=10)
DIGEST_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)


def target_url(notification) -> str:
    """Where the notification leads: its target (a reply on its page, at its anchor; a thread), else the list."""
    if notification.target is not None:
        return absolute_url(targets.url(notification.target))
    return absolute_reverse("notifications:list")


def unsubscribe_url(*, member, kinds) -> str:
    token = tokens.make_unsubscribe_token(member=member, kinds=kinds)
    return absolute_reverse("notifications:unsubscribe", kwargs={"token": token})


def _message(*, member, template: str, context: dict, kinds) -> EmailMultiAlternatives:
    """The e-mail to ``member``, rendered in their language, with the unsubscribe link and headers."""
    return outbox.render(
        template,
        {**context, "member": member, "preferences_url": absolute_reverse("notifications:preferences")},
        to=member.email,
        language=member.language,
        unsubscribe_url=unsubscribe_url(member=member, kinds=kinds),
    )


def _record_failure(pks, error: Exception) -> None:
    Notification.objects.filter(pk__in=pks).update(
        email_attempts=F("email_attempts") + 1, email_error=f"{type(error).__name__}: {error}"[:2000]
    )


def _record_success(pks) -> None:
    Notification.objects.filter(pk__in=pks, emailed_at__isnull=True).update(
        emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1, email_error=""
    )


# Immediate e-mail ----------------------------------------------------------------------------------


def send_notification(notification_id: int) -> bool:
    """
    Send one notification by e-mail, if the member still wants it at once and can
    still see what it is about. Returns whether it was sent. A mail server
    failure is recorded on the notification and raised again (the task fails
    visibly); the retry command sends it later.
    """
    notification = (
        Notification.objects.with_targets()
        .select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    member = notification.recipient
    # Moderation decisions reach a suspended member too: they are the statement of reasons.
    restricted_ok = notification.kind == Kind.MODERATION
    target = notification.target
    if not member.email or (target is None and notification.target_type_id is not None):
        return False  # no address, or what it was about is gone
    if not permissions.can_receive(member, target=target, include_restricted=restricted_ok):
        return False
    if frequency_for(member, notification.kind) != Frequency.IMMEDIATELY:
        return False
    message = _message(
        member=member,
        template="notifications/email/notification",
        context={"notification": notification, "target_url": target_url(notification)},
        kinds=[notification.kind],
    )
    try:
        message.send()
    except Exception as error:
        _record_failure([notification.pk], error)
        raise
    _record_success([notification.pk])
    return True


def retry_candidates(*, max_attempts: int = MAX_ATTEMPTS):
    """
    Immediate-frequency notifications that were not e-mailed: a failed attempt,
    or no attempt at all for longer than ``RETRY_UNSENT_AFTER``.
    """
    return (
        Notification.objects.awaiting_email(max_attempts=max_attempts)
        .with_email_frequency()
        .filter(email_frequency=Frequency.IMMEDIATELY)
        .filter(Q(email_attempts__gt=0) | Q(created_at__lt=timezone.now() - RETRY_UNSENT_AFTER))
        .order_by("created_at", "pk")
    )


@dataclass
class Outcome:
    """What an e-mail run did (or, dry, would do)."""

    sent: int = 0
    failed: int = 0
    notifications: int = 0
    errors: list[str] = field(default_factory=list)


def retry_failed(*, max_attempts: int = MAX_ATTEMPTS, dry_run: bool = False) -> Outcome:
    """Try the immediate e-mails that were not sent again; one failure does not stop the others."""
    outcome = Outcome()
    for pk in retry_candidates(max_attempts=max_attempts).values_list("pk", flat=True):
        outcome.notifications += 1
        if dry_run:
            continue
        try:
            if send_notification(pk):
                outcome.sent += 1
        except Exception as error:  # noqa: BLE001  (recorded on the notification; go on with the next)
            outcome.failed += 1
            outcome.errors.append(f"{pk}: {error}")
    return outcome


# Digests -------------------------------------------------------------------------------------------


def digest_batches(*, frequency: str, max_attempts: int = MAX_ATTEMPTS) -> list[tuple]:
    """
    Per member, the notifications for their ``frequency`` digest: not e-mailed or
    read yet, of kinds the member wants in that digest, about things they can
    still see. A list of ``(member, notifications)``, newest first.
    """
    if frequency not in DIGEST_FREQUENCIES:
        raise ValueError(f"Digests are daily or weekly, not {frequency!r}")
    pending = (
        Notification.objects.awaiting_email(max_attempts=max_attempts)
        .with_email_frequency()
        .filter(email_frequency=frequency)
        .with_targets()
        .select_related("recipient")
        .order_by("recipient_id", "-updated_at", "-pk")
    )
    by_member, members = defaultdict(list), {}
    for notification in pending:
        member = members.setdefault(notification.recipient_id, notification.recipient)
        if permissions.is_available(standing_of(member), notification):
            by_member[member.pk].append(notification)
    return [(members[pk], found) for pk, found in by_member.items()]


def group_by_topic(notifications) -> list[dict]:
    """
    The notifications per topic (a reply's and a thread's: the thread), the most recently active
    topic first; those about nothing last. Each group: its ``title`` (``None`` for those about
    nothing) and its ``items``, each a ``notification`` and its ``url``.
    """
    groups: dict = {}
    for notification in notifications:
        topic = targets.topic(notification.target) if notification.target is not None else None
        key = (type(topic), topic.pk) if topic is not None else None
        group = groups.setdefault(key, {"title": targets.title(topic) if topic is not None else None, "items": []})
        group["items"].append({"notification": notification, "url": target_url(notification)})
    return sorted(groups.values(), key=lambda group: group["title"] is None)


def send_digest(*, member, notifications, frequency: str) -> None:
    """One e-mail with all ``notifications``; marks them e-mailed, or records the failure and raises."""
    message = _message(
        member=member,
        template="notifications/email/digest",
        context={
            "frequency": frequency,
            "groups": group_by_topic(notifications),
            "count": len(notifications),
            "notifications_url": absolute_reverse("notifications:list"),
        },
        kinds={notification.kind for notification in notifications},
    )
    pks = [notification.pk for notification in notifications]
    try:
        message.send()
    except Exception as error:
        _record_failure(pks, error)
        raise
    _record_success(pks)


def send_digests(*, frequency: str, dry_run: bool = False) -> Outcome:
    """
    Each member one e-mail with everything for their ``frequency`` digest.
    Idempotent: what was sent is marked e-mailed and not sent again.
    """
    outcome = Outcome()
    for member, notifications in digest_batches(frequency=frequency):
        outcome.notifications += len(notifications)
        if dry_run:
            outcome.sent += 1
            continue
        try:
            send_digest(member=member, notifications=notifications, frequency=frequency)
        except Exception as error:  # noqa: BLE001  (recorded on the notifications; the next run tries again)
            outcome.failed += 1
            outcome.errors.append(f"{member.pk}: {error}")
        else:
            outcome.sent += 1
    return outcome
