"""Notification e-mails, in the member's own language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification


def send_notification(notification_id: int) -> bool:
    """Send one notification by e-mail; record a failure so it can be retried. Returns whether it was sent."""
    notification = (
        Notification.objects.select_related("recipient", "actor", "thread", "reply__thread")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return False
    recipient = notification.recipient
    context = {"notification": notification, "member": recipient, "site_url": settings.SITE_URL}
    with translation.override(recipient.language):
        subject = " ".join(render_to_string("notifications/email/notification_subject.txt", context).split())
        text = render_to_string("notifications/email/notification_message.txt", context)
        html = render_to_string("notifications/email/notification_message.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001  (any mail server failure: keep it, retry later)
        Notification.objects.filter(pk=notification.pk).update(
            email_attempts=notification.email_attempts + 1, email_error=str(error)[:2000]
        )
        raise
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            emailed_at=timezone.now(), email_attempts=notification.email_attempts + 1, email_error=""
        )
    return True
