"""
The forum asks whether a post is held through one registration point (``forum.holds``);
moderation fills it at start-up. The forum imports nothing of moderation to hold a post.
"""

from core.models import ModerationAction, ModerationLog
from forum import holds, services
from forum.models import HoldReason, Status
from moderation.models import WatchedWord
from moderation.services import approval


def test_moderation_registers_its_hold_policy_at_start_up():
    assert holds._policy is approval


def test_a_watched_word_holds_a_new_reply_through_the_registration_point(db, thread, user):
    WatchedWord.objects.create(phrase="casino", action=WatchedWord.Action.HOLD)
    reply = services.reply_create(author=user, thread=thread, body="Kom naar het casino")
    assert reply.status == Status.HELD and reply.hold_reason == HoldReason.WATCHED_WORD
    assert ModerationLog.objects.filter(action=ModerationAction.HOLD, target_id=reply.pk).exists()


def test_without_a_registered_policy_the_forum_holds_nothing(db, thread, user, monkeypatch):
    WatchedWord.objects.create(phrase="casino", action=WatchedWord.Action.HOLD)
    monkeypatch.setattr(holds, "_policy", None)
    reply = services.reply_create(author=user, thread=thread, body="Kom naar het casino")
    assert reply.status == Status.PUBLISHED
    assert not ModerationLog.objects.filter(action=ModerationAction.HOLD).exists()


def test_an_edit_that_adds_a_watched_word_holds_the_post_again(db, thread, user):
    WatchedWord.objects.create(phrase="casino", action=WatchedWord.Action.HOLD)
    reply = services.reply_create(author=user, thread=thread, body="Een gewone reactie")
    assert reply.status == Status.PUBLISHED
    services.reply_edit(acting_user=user, reply=reply, body="Nu met casino")
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.status == Status.HELD and reply.hold_reason == HoldReason.EDIT
    assert thread.held_reply_count == 1
