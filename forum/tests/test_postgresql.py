"""Behaviour that only PostgreSQL, the production database, can show: real concurrency."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from core.models import ModerationLog
from forum import services
from forum.models import Reply, Thread
from forum.tests.factories import ModeratorFactory, ReplyFactory, ThreadFactory, UserFactory
from moderation import services as moderation_services

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

WORKERS = 8


def run_concurrently(function, times):
    """Run ``function`` ``times`` times over several threads, each with its own connection."""
    barrier = threading.Barrier(WORKERS)

    def worker(index):
        try:
            if index < WORKERS:
                barrier.wait(timeout=10)
            return function(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(worker, range(times)))


def test_concurrent_views_are_all_counted():
    """
    Eighty visitors opening a thread at once raise its view count by exactly eighty;
    each view commits without waiting for the disk, the connection's setting untouched.
    """
    thread = ThreadFactory()
    executed = []

    def visit(_):
        with connection.execute_wrapper(lambda execute, sql, *args: executed.append(sql) or execute(sql, *args)):
            response = Client().get(thread.get_absolute_url())
        assert response.status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"

    run_concurrently(visit, 80)
    thread.refresh_from_db()
    assert thread.view_count == 80
    assert sum("set_config('synchronous_commit', 'off', true)" in sql for sql in executed) == 80


def test_concurrent_replies_are_all_counted():
    """Replies posted at the same moment each raise the reply count."""
    thread = ThreadFactory()
    authors = [UserFactory() for _ in range(WORKERS)]

    def post(index):
        services.reply_create(author=authors[index % WORKERS], thread=thread, body=f"Reactie {index}")

    run_concurrently(post, 40)
    thread.refresh_from_db()
    assert thread.reply_count == 40 == Reply.objects.filter(thread=thread).count()


def test_two_moderators_hiding_at_once_log_once():
    """Two moderators hiding the same reply at the same moment change it once and log it once."""
    reply = ReplyFactory()
    moderators = [ModeratorFactory() for _ in range(WORKERS)]

    def hide(index):
        return moderation_services.post_hide(
            acting_user=moderators[index], post=Reply.objects.get(pk=reply.pk), reason="Spam"
        )

    results = run_concurrently(hide, WORKERS)
    assert results.count(True) == 1
    assert ModerationLog.objects.filter(action="hide").count() == 1
    assert Thread.objects.get(pk=reply.thread_id).reply_count == 0


def test_nul_bytes_are_refused_before_postgresql_sees_them(client):
    """PostgreSQL cannot store NUL bytes: the form refuses them with a message instead of a 500."""
    user = UserFactory()
    thread = ThreadFactory()
    client.force_login(user)
    response = client.post(f"/discussie/{thread.pk}/reageren/", {"body": "tekst\x00met nul"})
    assert response.status_code == 400
    assert response.context["reply_form"].errors["body"]
    assert not Reply.objects.exists()


def test_concurrent_reports_hide_once():
    """Eight members reporting one reply at the same moment hide it once and log it once."""
    from moderation.models import Report

    reply = ReplyFactory()
    reporters = [UserFactory() for _ in range(WORKERS)]

    def report(index):
        moderation_services.report_file(reporter=reporters[index], target=Reply.objects.get(pk=reply.pk), reason="spam")

    run_concurrently(report, WORKERS)
    reply.refresh_from_db()
    assert reply.status == "hidden"
    assert Report.objects.count() == WORKERS
    assert ModerationLog.objects.filter(action="auto_hide").count() == 1
    assert Thread.objects.get(pk=reply.thread_id).reply_count == 0


def test_concurrent_read_positions_keep_the_latest():
    """Many tabs of one member recording their read position at once leave one row, at the latest time."""
    from datetime import timedelta

    from django.utils import timezone

    from forum.models import ThreadVisit

    thread = ThreadFactory()
    member = UserFactory()
    start = timezone.now() - timedelta(hours=1)

    def mark(index):
        services.thread_mark_read(member=member, thread=thread, until=start + timedelta(minutes=index))

    run_concurrently(mark, 40)
    visit = ThreadVisit.objects.get(member=member, thread=thread)
    assert visit.last_read_at == start + timedelta(minutes=39)
