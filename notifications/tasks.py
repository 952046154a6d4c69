"""Background work: runs after the commit, in the worker in production (django-tasks)."""

from django_tasks import task


@task()
def reply_posted(reply_id: int) -> int:
    """Work out and send the notifications for a new reply."""
    from forum.models import Reply

    from . import services

    reply = (
        Reply.objects.select_related("thread__theme", "thread__author", "author", "written_by")
        .filter(pk=reply_id)
        .first()
    )
    return len(services.reply_posted(reply)) if reply else 0


@task()
def thread_posted(thread_id: int) -> int:
    """Work out and send the notifications for a new thread."""
    from forum.models import Thread

    from . import services

    thread = Thread.objects.select_related("theme", "author", "written_by").filter(pk=thread_id).first()
    return len(services.thread_posted(thread)) if thread else 0


@task()
def mentions_added(kind: str, post_id: int, previous_body: str) -> int:
    """Tell the members an edit mentions for the first time (``kind``: "thread" or "reply")."""
    from forum.models import Reply, Status, Thread

    from . import services

    model = Thread if kind == "thread" else Reply
    related = ("theme", "author", "written_by") if kind == "thread" else ("thread__theme", "author", "written_by")
    post = model.objects.select_related(*related).filter(pk=post_id, status=Status.PUBLISHED).first()
    return len(services.mentions_added(post, previous_body)) if post else 0


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification at once. A failure is recorded, the task fails, and the retry command sends it later."""
    from . import emails

    return emails.send_notification(notification_id)


@task()
def send_digests(frequency: str) -> int:
    """Send the daily or weekly digests (what `manage.py send_digests` does). Returns how many were sent."""
    from . import emails

    return emails.send_digests(frequency=frequency).sent


@task()
def retry_notification_emails() -> int:
    """Try the immediate e-mails that failed again (what `manage.py retry_notification_emails` does)."""
    from . import emails

    return emails.retry_failed().sent
