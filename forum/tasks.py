"""Background work of the forum: runs after the commit, in the worker in production (django-tasks)."""

from django_tasks import task

from .models import ContentKind, Reply, Status, Thread
from .services import recipients


@task()
def reply_posted(reply_id: int) -> int:
    """Work out and send the notifications for a new reply."""
    reply = (
        Reply.objects.select_related("thread__theme", "thread__author", "author", "written_by")
        .filter(pk=reply_id)
        .first()
    )
    return len(recipients.reply_posted(reply)) if reply else 0


@task()
def thread_posted(thread_id: int) -> int:
    """Work out and send the notifications for a new thread."""
    thread = Thread.objects.select_related("theme", "author", "written_by").filter(pk=thread_id).first()
    return len(recipients.thread_posted(thread)) if thread else 0


@task()
def mentions_added(kind: str, post_id: int, previous_body: str) -> int:
    """Tell the members an edit mentions for the first time (``kind``: a ``ContentKind``, thread or reply)."""
    model = Thread if kind == ContentKind.THREAD else Reply
    related = ("theme", "author", "written_by") if model is Thread else ("thread__theme", "author", "written_by")
    post = model.objects.select_related(*related).filter(pk=post_id, status=Status.PUBLISHED).first()
    return len(recipients.mentions_added(post, previous_body)) if post else 0
