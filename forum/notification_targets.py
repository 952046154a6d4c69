"""
What notifications may be about in the forum: a thread, or a reply (grouped under its thread in a
digest). Notifications, a layer below, learn here who may see one, its title and its addresses;
``ForumConfig.ready()`` calls ``register`` once.
"""

from operator import attrgetter

from django.urls import reverse

from notifications import targets

from . import permissions
from .models import Reply, Thread

# The list and the e-mails load their targets without the text, which they do not show.
TEXT = ("body", "body_html")


def register() -> None:
    targets.register(
        Thread,
        can_see=permissions.can_view_thread,
        title=attrgetter("title"),
        url=Thread.get_absolute_url,
        permalink=lambda pk: reverse("forum:thread_short", kwargs={"pk": pk}),
        queryset=lambda: Thread.objects.defer(*TEXT),
    )
    targets.register(
        Reply,
        can_see=permissions.can_view_reply,
        title=attrgetter("thread.title"),
        url=Reply.get_absolute_url,
        permalink=lambda pk: reverse("forum:reply", kwargs={"pk": pk}),
        topic=attrgetter("thread"),
        queryset=lambda: Reply.objects.select_related("thread").defer(*TEXT, *(f"thread__{name}" for name in TEXT)),
    )
