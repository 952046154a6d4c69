"""Background work: sending the queued mails, after the commit, in the worker in production (django-tasks)."""

from django_tasks import task

from . import delivery


@task()
def send_mail(mail_id: int) -> bool:
    """Send one queued mail. A failure is recorded, the task fails, and ``retry_mails`` sends it later."""
    return delivery.deliver(mail_id)


@task()
def retry_mails() -> int:
    """Send the mails that failed again (what `manage.py retry_mails` does). Returns how many were sent."""
    return delivery.retry_failed().sent
