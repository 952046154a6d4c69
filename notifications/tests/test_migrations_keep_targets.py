"""
Notifications keep what they are about when their keys into the forum (``thread``, ``reply``)
become a generic target (notifications/0002-0004).

A database is migrated back to notifications/0001 (the other apps as they are now), filled through
the models of then with notifications about a thread, about a reply (which named its thread too),
about nothing, read and bundled ones, migrated forward, and every notification is found again with
the same id and values, pointing at the same thread or reply. Migrating back gives each its thread
and reply keys again. Runs on SQLite and, in the PostgreSQL suite, on PostgreSQL.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("notifications", "0001_notifications_preferences")
WHEN = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
KEPT = ["recipient_id", "kind", "actor_id", "actor_count", "message", "group_key", "created_at", "read_at"]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _migrate_to_before():
    """Notifications back to 0001, the other apps as they are; returns the models of that moment."""
    _executor().migrate([BEFORE])
    executor = _executor()
    nodes = [BEFORE, *(node for node in executor.loader.graph.leaf_nodes() if node[0] != BEFORE[0])]
    return executor.loader.project_state(nodes, at_end=True).apps


def _migrate_to_latest():
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _fill(apps) -> dict:
    """A thread with a reply, a second thread, and notifications about each, about both, about nothing."""
    model = apps.get_model
    User = model("accounts", "User")
    member = User.objects.create(email="lid@example.nl", display_name="Lid", handle="lid", password="!")
    writer = User.objects.create(email="schrijver@example.nl", display_name="Schrijver", handle="s", password="!")
    theme = model("forum", "Theme").objects.create(name="Wonen", slug="wonen", created_at=WHEN)
    Thread, Reply = model("forum", "Thread"), model("forum", "Reply")
    threads = [
        Thread.objects.create(
            theme=theme,
            title=title,
            slug=title.lower(),
            author=writer,
            body="Vraag",
            body_html="<p>Vraag</p>",
            created_at=WHEN,
            last_activity_at=WHEN,
        )
        for title in ("Huurtoeslag", "Thuiswerken")
    ]
    replies = [
        Reply.objects.create(thread=thread, author=writer, body="Ja", body_html="<p>Ja</p>", created_at=WHEN)
        for thread in (threads[0], threads[0], threads[1])
    ]
    Notification_ = model("notifications", "Notification")

    def notify(kind, **fields):
        return Notification_.objects.create(
            **{"recipient": member, "kind": kind, "actor": writer, "created_at": WHEN, "updated_at": WHEN, **fields}
        )

    return {
        notify("mention", thread=threads[0]).pk: threads[0],
        notify("reply_in_followed", thread=threads[1]).pk: threads[1],
        notify("reply_to_thread", thread=threads[0], reply=replies[0]).pk: replies[0],
        notify("mention", thread=threads[0], reply=replies[1], read_at=WHEN).pk: replies[1],
        notify("reaction", thread=threads[1], reply=replies[2], actor_count=3, group_key="reaction:reply:x").pk: (
            replies[2]
        ),
        notify("moderation", message="Je reactie is verborgen.", actor=None).pk: None,
    }


def test_every_notification_keeps_its_target_forward_and_back():
    old_apps = _migrate_to_before()
    try:
        about = _fill(old_apps)
        OldNotification = old_apps.get_model("notifications", "Notification")
        before = {row.pk: {name: getattr(row, name) for name in KEPT} for row in OldNotification.objects.all()}
        old_keys = dict(OldNotification.objects.values_list("pk", "thread_id").order_by("pk"))
        old_replies = dict(OldNotification.objects.values_list("pk", "reply_id").order_by("pk"))

        _migrate_to_latest()

        assert Notification.objects.count() == len(about) == len(before)
        notifications = Notification.objects.with_targets().order_by("pk")
        for notification in notifications:
            assert {name: getattr(notification, name) for name in KEPT} == before[notification.pk]
            then = about[notification.pk]
            if then is None:
                assert (notification.target_type_id, notification.target_id, notification.target) == (None, None, None)
                continue
            now = notification.target
            assert (now._meta.label, now.pk) == (then._meta.label, then.pk)
            thread = then if then._meta.model_name == "thread" else then.thread
            assert notification.target_title == thread.title
            assert notification.is_about_topic == (then._meta.model_name == "thread")

        # Back: each notification has its thread (a reply's notification its reply's thread) and reply again.
        back_apps = _migrate_to_before()
        BackNotification = back_apps.get_model("notifications", "Notification")
        assert dict(BackNotification.objects.values_list("pk", "thread_id").order_by("pk")) == old_keys
        assert dict(BackNotification.objects.values_list("pk", "reply_id").order_by("pk")) == old_replies
    finally:
        _migrate_to_latest()
