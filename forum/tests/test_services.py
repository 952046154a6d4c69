import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.models import ModerationAction, ModerationLog
from forum import services
from forum.models import Reply, Revision, Status, Thread
from forum.viewed import ViewedThreads


def test_thread_create_renders_and_sets_activity(user, theme):
    """A new thread stores its Markdown and the sanitised HTML beside it."""
    thread = services.thread_create(author=user, theme=theme, title="Open data", body="**Graag** jullie mening")
    assert thread.body_html == "<p><strong>Graag</strong> jullie mening</p>\n"
    assert thread.status == Status.PUBLISHED
    assert thread.last_activity_at == thread.created_at
    assert thread.slug == "open-data"


def test_thread_create_requires_verified_email(unverified_user, theme):
    """A member without a verified address cannot start a thread, and nothing is stored."""
    with pytest.raises(PermissionDenied):
        services.thread_create(author=unverified_user, theme=theme, title="Titel", body="Tekst")
    assert not Thread.objects.exists()


def test_reply_create_moves_counters_in_the_database(thread, other_user):
    """A reply raises the reply count and the thread's last activity."""
    before = thread.last_activity_at
    reply = services.reply_create(author=other_user, thread=thread, body="Eens!")
    thread.refresh_from_db()
    assert thread.reply_count == 1
    assert thread.last_activity_at == reply.created_at > before


def test_reply_to_locked_thread_is_refused(locked_thread, other_user):
    """Nobody but a moderator replies to a locked thread."""
    with pytest.raises(PermissionDenied):
        services.reply_create(author=other_user, thread=locked_thread, body="Toch nog even")
    assert not Reply.objects.exists()


def test_moderator_may_reply_to_locked_thread(locked_thread, moderator):
    """A moderator can still explain why a thread was locked."""
    services.reply_create(author=moderator, thread=locked_thread, body="Gesloten wegens herhaling.")
    locked_thread.refresh_from_db()
    assert locked_thread.reply_count == 1


def test_reply_to_hidden_thread_is_not_found(hidden_thread, other_user):
    """A hidden thread does not exist for members."""
    with pytest.raises(Http404):
        services.reply_create(author=other_user, thread=hidden_thread, body="Hallo?")


def test_thread_edit_keeps_the_previous_text(thread, user):
    """An edit keeps the old title and text as a revision."""
    old_title, old_body = thread.title, thread.body
    assert services.thread_edit(acting_user=user, thread=thread, title="Nieuwe titel", body="Nieuwe tekst") is True
    revision = Revision.objects.get(thread=thread)
    assert (revision.title, revision.body, revision.edited_by) == (old_title, old_body, user)
    thread.refresh_from_db()
    assert thread.title == "Nieuwe titel" and thread.edited_at is not None
    assert "Nieuwe tekst" in thread.body_html


def test_unchanged_edit_stores_no_revision(thread, user):
    """Saving the same text again changes nothing."""
    assert services.thread_edit(acting_user=user, thread=thread, title=thread.title, body=thread.body) is False
    assert not Revision.objects.exists()


def test_reply_edit_by_moderator_is_logged(reply, moderator):
    """A moderator's edit of someone else's reply is recorded in the moderation log."""
    services.reply_edit(acting_user=moderator, reply=reply, body="Persoonsgegevens verwijderd.")
    assert Revision.objects.filter(reply=reply).count() == 1
    assert ModerationLog.objects.get().action == ModerationAction.EDIT


def test_reply_edit_by_someone_else_is_refused(reply, user):
    """A member cannot edit another member's reply."""
    with pytest.raises(PermissionDenied):
        services.reply_edit(acting_user=user, reply=reply, body="Ander verhaal")
    reply.refresh_from_db()
    assert reply.body != "Ander verhaal"


def test_hide_and_restore_reply_keep_count_and_log(reply, moderator):
    """Hiding keeps the reply, records who, when and why, and adjusts the published count."""
    assert services.post_hide(acting_user=moderator, post=reply, reason="Vertrouwelijk") is True
    reply.refresh_from_db()
    reply.thread.refresh_from_db()
    assert reply.status == Status.HIDDEN and reply.hidden_by == moderator and reply.hidden_reason == "Vertrouwelijk"
    assert reply.thread.reply_count == 0
    assert services.post_hide(acting_user=moderator, post=reply, reason="Nog eens") is False
    assert services.post_restore(acting_user=moderator, post=reply) is True
    reply.thread.refresh_from_db()
    assert reply.thread.reply_count == 1
    actions = list(ModerationLog.objects.order_by("pk").values_list("action", "reason", "actor"))
    assert actions == [("hide", "Vertrouwelijk", moderator.pk), ("restore", "", moderator.pk)]


def test_member_cannot_hide(reply, user):
    """Only moderators hide; a refused attempt leaves no trace."""
    with pytest.raises(PermissionDenied):
        services.post_hide(acting_user=user, post=reply, reason="Weg ermee")
    assert not ModerationLog.objects.exists()


@pytest.mark.parametrize(
    ("service", "field", "value"),
    [
        (services.thread_lock, "is_locked", True),
        (services.thread_pin, "is_pinned", True),
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
    assert services.thread_unlock(acting_user=moderator, thread=locked_thread) is True
    locked_thread.refresh_from_db()
    assert locked_thread.is_locked is False
    assert services.thread_unpin(acting_user=moderator, thread=locked_thread) is False


def test_view_is_counted_once_per_visitor(thread):
    """A visitor counts one view per thread, however often the page is opened."""
    viewed = ViewedThreads()
    assert services.thread_register_view(thread=thread, viewed=viewed) is True
    assert services.thread_register_view(thread=thread, viewed=viewed) is False
    assert services.thread_register_view(thread=thread, viewed=ViewedThreads()) is True
    thread.refresh_from_db()
    assert thread.view_count == 2


def test_problem_report_from_visitor(db):
    """Visitors may report a problem; no member is linked."""
    from django.contrib.auth.models import AnonymousUser

    report = services.problem_report_file(reporter=AnonymousUser(), message="Link werkt niet", page_url="/thema/x/")
    assert report.reporter is None and report.state == "open"


def test_hiding_sends_the_author_a_statement_of_reasons(reply, moderator, django_capture_on_commit_callbacks):
    """The author hears which post was hidden, why, and where to object; a restore is told too."""
    from notifications.models import Notification

    reply.author.language = "en"
    reply.author.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(acting_user=moderator, post=reply, reason="Persoonsgegevens van een burger")
    statement = Notification.objects.get(recipient=reply.author, kind="moderation")
    assert "Persoonsgegevens van een burger" in statement.message
    assert reply.thread.title in statement.message and "/bezwaar/" in statement.message
    with django_capture_on_commit_callbacks(execute=True):
        services.post_restore(acting_user=moderator, post=reply)
    assert Notification.objects.filter(recipient=reply.author, kind="moderation").count() == 2
