"""Moderators' decisions as members read them: one full stop, slow mode in minutes, a lock's and a pin's reason."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import ModerationAction, ModerationLog
from forum import services
from forum.tests.factories import ReplyFactory, ThreadFactory
from moderation import services as moderation_services
from notifications.models import Notification


def _moderate_url(thread, action):
    return reverse("moderation:thread_moderate", kwargs={"pk": thread.pk, "action": action})


@pytest.mark.parametrize("reason", ["Persoonlijke aanval.", "Persoonlijke aanval"])
def test_hidden_post_notice_has_one_full_stop_after_the_reason(moderator, reason, django_capture_on_commit_callbacks):
    """Notice and e-mail read "Reden: Persoonlijke aanval. Het bericht …", never "aanval.." or "aanval Het"."""
    reply = ReplyFactory(body="Jij snapt er niks van.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.post_hide(acting_user=moderator, post=reply, reason=reason)
    message = Notification.objects.get(recipient=reply.author, kind="moderation").message
    assert "Reden: Persoonlijke aanval. Het bericht is niet verwijderd." in message
    assert ".." not in message
    [email] = mail.outbox
    assert "Reden: Persoonlijke aanval. Het bericht is niet verwijderd." in email.body
    assert ".." not in email.body
    assert ".." not in email.alternatives[0][0]


def test_not_approved_notice_has_one_full_stop_after_the_reason(
    moderator, theme, other_user, django_capture_on_commit_callbacks
):
    theme.is_premoderated = True
    theme.save()
    reply = services.reply_create(author=other_user, thread=ThreadFactory(theme=theme), body="Koop nu!")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.post_reject(acting_user=moderator, post=reply, reason="Reclame.")
    message = Notification.objects.get(recipient=reply.author, kind="moderation").message
    assert "Reden: Reclame. Het bericht is niet verwijderd." in message and ".." not in message


def test_slow_mode_wait_reads_in_minutes(moderator, other_user, thread):
    """A member who must wait ten minutes reads "over 10 minuten", not seconds."""
    moderation_services.thread_slow_mode(acting_user=moderator, thread=thread, seconds=600, reason="Verhit")
    thread.refresh_from_db()
    services.reply_create(author=other_user, thread=thread, body="Eerste.")
    with pytest.raises(ValidationError) as error:
        services.reply_create(author=other_user, thread=thread, body="Tweede.")
    assert error.value.messages == ["Deze discussie staat in vertraagde modus. Je kunt over 10 minuten weer reageren."]


def test_slow_mode_is_set_and_shown_in_minutes(moderator_client, client, thread, other_user):
    """The moderator sets minutes; a member sees on the page how often they can reply."""
    moderator_client.post(_moderate_url(thread, "slow-mode"), {"minutes": "10", "reason": "Verhit"})
    thread.refresh_from_db()
    assert thread.slow_mode_seconds == 600
    page = moderator_client.get(thread.get_absolute_url()).content.decode()
    assert 'name="minutes"' in page and 'value="10"' in page
    client.force_login(other_user)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Deze discussie staat in vertraagde modus: je kunt hier eens per 10 minuten reageren." in page


@pytest.mark.parametrize(
    ("action", "undo", "shown"),
    [
        ("lock", "unlock", "Gesloten door de moderatie: Het onderwerp is uitgeput."),
        ("pin", "unpin", "Vastgezet door de moderatie: Belangrijk voor iedereen."),
    ],
)
def test_lock_and_pin_reason_is_logged_and_shown_to_readers(moderator_client, client, thread, action, undo, shown):
    """The reason of a lock or a pin goes into the log and stands on the thread page for every reader while it lasts."""
    reason = shown.split(": ", 1)[1]
    moderator_client.post(_moderate_url(thread, action), {"reason": reason})
    log = ModerationLog.objects.get(action=getattr(ModerationAction, action.upper()))
    assert log.reason == reason
    assert shown in client.get(thread.get_absolute_url()).content.decode()
    moderator_client.post(_moderate_url(thread, undo), {"reason": "Klaar."})
    assert "door de moderatie" not in client.get(thread.get_absolute_url()).content.decode()


def test_thread_page_offers_the_reason_with_lock_and_pin(moderator_client, thread):
    page = moderator_client.get(thread.get_absolute_url()).content.decode()
    assert f'id="lock-reason-{thread.pk}"' in page and f'id="pin-reason-{thread.pk}"' in page
