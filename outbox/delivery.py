"""
Sending the queued mails (what the tasks do). A mail that went out is deleted; a failure is
recorded on the mail and raised again, so the task fails visibly, and ``retry_failed`` (the
``retry_mails`` command) sends it when the server is back, up to ``MAX_ATTEMPTS`` times.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from .models import Mail

MAX_ATTEMPTS = 5
# A mail whose task has not run after this long is picked up by the retry command too (the worker
# was down, or enqueueing failed); younger ones are left to the worker.
RETRY_UNSENT_AFTER = timedelta(minutes=10)
# A mail given up on is kept this long (for the administrator to see why), then deleted: its links
# (a password reset, a confirmation) have expired by then.
KEEP_UNSENT = timedelta(days=7)


def deliver(mail_id: int) -> bool:
    """Send one queued mail; returns whether there was one to send. A failure is recorded and raised."""
    mail = Mail.objects.filter(pk=mail_id).first()
    if mail is None:
        return False
    message = EmailMultiAlternatives(
        subject=mail.subject, body=mail.body, from_email=mail.from_email or None, to=[mail.to], headers=mail.headers
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    try:
        message.send()
    except Exception as error:
        Mail.objects.filter(pk=mail.pk).update(
            attempts=F("attempts") + 1, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    Mail.objects.filter(pk=mail.pk).delete()
    return True


def retry_candidates(*, max_attempts: int = MAX_ATTEMPTS):
    """Mails not sent: a failed attempt, or no attempt at all for longer than ``RETRY_UNSENT_AFTER``."""
    return Mail.objects.filter(attempts__lt=max_attempts).filter(
        Q(attempts__gt=0) | Q(created_at__lt=timezone.now() - RETRY_UNSENT_AFTER)
    )


@dataclass
class Outcome:
    """What a retry run did (or, dry, would do)."""

    sent: int = 0
    failed: int = 0
    mails: int = 0
    errors: list[str] = field(default_factory=list)


def retry_failed(*, max_attempts: int = MAX_ATTEMPTS, dry_run: bool = False) -> Outcome:
    """Try the mails that were not sent again; one failure does not stop the others."""
    outcome = Outcome()
    for pk in retry_candidates(max_attempts=max_attempts).values_list("pk", flat=True):
        outcome.mails += 1
        if dry_run:
            continue
        try:
            if deliver(pk):
                outcome.sent += 1
        except Exception as error:  # noqa: BLE001  (recorded on the mail; go on with the next)
            outcome.failed += 1
            outcome.errors.append(f"{pk}: {error}")
    if not dry_run:
        Mail.objects.filter(attempts__gte=max_attempts, created_at__lt=timezone.now() - KEEP_UNSENT).delete()
    return outcome
