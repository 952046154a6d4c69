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


def test_view_is_counted_once_per_visitor(thread):
    """A visitor counts one view per thread, however often the page is opened."""
    viewed = ViewedThreads()
    assert services.thread_register_view(thread=thread, viewed=viewed) is True
    assert services.thread_register_view(thread=thread, viewed=viewed) is False
    assert services.thread_register_view(thread=thread, viewed=ViewedThreads()) is True
    thread.refresh_from_db()
    assert thread.view_count == 2
