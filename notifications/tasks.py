"""Background work: runs after the commit, in the worker in production (django-tasks)."""

from django_tasks import task

from . import emails


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification at once. A failure is recorded, the task fails, and the retry command sends it later."""
    return emails.send_notification(notification_id)


@task()
def send_digests(frequency: str) -> int:
    """Send the daily or weekly digests (what `manage.py send_digests` does). Returns how many were sent."""
    return emails.send_digests(frequency=frequency).sent


@task()
def retry_notification_emails() -> int:
    """Try the immediate e-mails that failed again (what `manage.py retry_notification_emails` does)."""
    return emails.retry_failed().sent
