"""Moderators' acts on threads and replies (``moderation.services.posts``) and problem reports, as services."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from core.models import ModerationLog
from forum.models import Status
from moderation import services as moderation_services
from notifications.models import Notification


def test_hide_and_restore_reply_keep_count_and_log(reply, moderator):
    """Hiding keeps the reply, records who, when and why, and adjusts the published count."""
    assert moderation_services.post_hide(acting_user=moderator, post=reply, reason="Vertrouwelijk") is True
    reply.refresh_from_db()
    reply.thread.refresh_from_db()
    assert reply.status == Status.HIDDEN and reply.hidden_by == moderator and reply.hidden_reason == "Vertrouwelijk"
    assert reply.thread.reply_count == 0
    assert moderation_services.post_hide(acting_user=moderator, post=reply, reason="Nog eens") is False
    assert moderation_services.post_restore(acting_user=moderator, post=reply) is True
    reply.thread.refresh_from_db()
    assert reply.thread.reply_count == 1
    actions = list(ModerationLog.objects.order_by("pk").values_list("action", "reason", "actor"))
    assert actions == [("hide", "Vertrouwelijk", moderator.pk), ("restore", "", moderator.pk)]


def test_member_cannot_hide(reply, user):
    """Only moderators hide; a refused attempt leaves no trace."""
    with pytest.raises(PermissionDenied):
        moderation_services.post_hide(acting_user=user, post=reply, reason="Weg ermee")
    assert not ModerationLog.objects.exists()


@pytest.mark.parametrize(
    ("service", "field", "value"),
    [
        (moderation_services.thread_lock, "is_locked", True),
        (moderation_services.thread_pin, "is_pinned", True),
    ],
)
def test_lock_and_pin_are_idempotent(thread, moderator, service, field, value):
    """Locking or pinning twice changes the thread once and logs once."""
    assert service(acting_user=moderator, thread=thread, reason="Reden") is True
    assert service(acting_user=moderator, thread=thread, reason="Reden") is False
    thread.refresh_from_db()
    assert getattr(thread, field) is value
    assert ModerationLog.objects.count() == 1


def test_unlock_and_unpin(locked_thread, moderator):
    """Unlocking reopens the thread for replies."""
    assert moderation_services.thread_unlock(acting_user=moderator, thread=locked_thread) is True
    locked_thread.refresh_from_db()
    assert locked_thread.is_locked is False
    assert moderation_services.thread_unpin(acting_user=moderator, thread=locked_thread) is False


def test_problem_report_from_visitor(db):
    """Visitors may report a problem; no member is linked."""
    report = moderation_services.problem_report_file(
        reporter=AnonymousUser(), message="Link werkt niet", page_url="/thema/x/"
    )
    assert report.reporter is None and report.state == "open"


def test_hiding_sends_the_author_a_statement_of_reasons(reply, moderator, django_capture_on_commit_callbacks):
    """The author hears which post was hidden, why, and where to object; a restore is told too."""
    reply.author.language = "en"
    reply.author.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.post_hide(acting_user=moderator, post=reply, reason="Persoonsgegevens van een burger")
    statement = Notification.objects.get(recipient=reply.author, kind="moderation")
    assert "Persoonsgegevens van een burger" in statement.message
    assert reply.thread.title in statement.message and "/bezwaar/" in statement.message
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.post_restore(acting_user=moderator, post=reply)
    assert Notification.objects.filter(recipient=reply.author, kind="moderation").count() == 2
