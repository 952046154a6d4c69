"""Daily and weekly summaries: one e-mail per member, grouped by discussion, never sent twice."""

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory
from notifications import selectors, services, tasks
from notifications.models import Frequency, Kind, Notification

from .conftest import SITE_URL
from .mail import FAILING_BACKEND


@pytest.fixture
def followed_activity(english_member, theme):
    """For the English member: two replies in one followed thread, one in another, and an appreciation."""
    first = ThreadFactory(theme=theme, title="Open data")
    second = ThreadFactory(theme=theme, title="Thuiswerken")
    writers = [UserFactory(display_name=name) for name in ("Davied", "sietze zijl", "Harro Ranter")]
    for thread, writer in [(first, writers[0]), (second, writers[1]), (first, writers[2])]:
        reply = ReplyFactory(thread=thread, author=writer)
        services.notify(recipient=english_member, kind=Kind.REPLY_IN_FOLLOWED, actor=writer, target=reply)
    services.notify(recipient=english_member, kind=Kind.REACTION, actor=writers[0], target=first, group_key="t")
    return first, second


def send(frequency, *args):
    call_command("send_digests", "--frequency", frequency, *args, verbosity=0)


def test_daily_digest_is_one_email_grouped_by_thread(english_member, followed_activity):
    """All daily kinds in one e-mail, per discussion (most recent first), each item linked."""
    first, second = followed_activity
    send("daily")
    [message] = mail.outbox
    assert message.to == [english_member.email]
    assert message.subject == "[Ambtenaar 2.0] Your daily summary: 3 notifications"
    text = message.body
    assert text.startswith("Dear Harro Ranter,")
    assert text.index("== Open data ==") < text.index("== Thuiswerken ==")
    open_data = text[text.index("== Open data ==") : text.index("== Thuiswerken ==")]
    assert "Harro Ranter wrote in “Open data”, which you follow" in open_data
    assert "Davied wrote in “Open data”, which you follow" in open_data
    assert "sietze zijl wrote in “Thuiswerken”" in text[text.index("== Thuiswerken ==") :]
    assert "appreciate" not in text  # appreciations are in the weekly summary
    [(html, _mimetype)] = message.alternatives
    assert re.search(r"<h2>\s*Open data\s*</h2>", html) and re.search(r"<h2>\s*Thuiswerken\s*</h2>", html)
    for reply_notification in Notification.objects.filter(kind=Kind.REPLY_IN_FOLLOWED):
        assert f'href="{SITE_URL}{reply_notification.target.get_absolute_url()}"' in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_digest_is_sent_once(english_member, followed_activity):
    """What a digest contained is marked e-mailed; running again sends nothing."""
    send("daily")
    assert Notification.objects.filter(kind=Kind.REPLY_IN_FOLLOWED, emailed_at__isnull=True).count() == 0
    send("daily")
    assert len(mail.outbox) == 1


def test_weekly_digest_has_the_weekly_kinds(english_member, followed_activity):
    """The weekly run sends the appreciations, bundled into one sentence."""
    send("weekly")
    [message] = mail.outbox
    assert message.subject == "[Ambtenaar 2.0] Your weekly summary: 1 notification"
    assert "Davied appreciates your post" in message.body
    assert "which you follow" not in message.body


def test_each_member_gets_the_digest_they_chose(english_member, followed_activity):
    """A member who wants replies in followed threads weekly gets them in the weekly summary, not the daily."""
    services.preference_set(member=english_member, kind=Kind.REPLY_IN_FOLLOWED, frequency=Frequency.WEEKLY)
    send("daily")
    assert mail.outbox == []
    send("weekly")
    assert "Your weekly summary: 4 notifications" in mail.outbox[0].subject


def test_digests_leave_out_read_immediate_never_and_hidden(
    english_member, followed_activity, member, moderator, hide_post
):
    """Read notifications, immediate kinds, kinds set to never and hidden posts stay out of the summary."""
    first, second = followed_activity
    read = Notification.objects.about(first.replies.first()).get(kind=Kind.REPLY_IN_FOLLOWED)
    services.notification_mark_read(acting_user=english_member, notification=read)
    services.notify(recipient=english_member, kind=Kind.MENTION, actor=member, target=first)
    hide_post(acting_user=moderator, post=second, reason="Dubbel")
    services.preference_set(member=member, kind=Kind.REPLY_IN_FOLLOWED, frequency=Frequency.NEVER)
    services.notify(recipient=member, kind=Kind.REPLY_IN_FOLLOWED, actor=english_member, target=first)
    send("daily")
    [message] = mail.outbox
    assert message.to == [english_member.email]
    assert "Your daily summary: 1 notification" in message.subject
    assert "Thuiswerken" not in message.body and "mentioned you" not in message.body


def test_one_email_per_member(english_member, followed_activity, member, theme):
    """Two members with daily notifications get one summary each, in their own language."""
    services.notify(recipient=member, kind=Kind.REPLY_IN_FOLLOWED, actor=english_member, target=followed_activity[0])
    send("daily")
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {english_member.email, member.email}
    assert by_address[member.email].body.startswith("Beste Fatou van den Hoff,")


def test_dry_run_sends_and_marks_nothing(english_member, followed_activity, capsys):
    """--dry-run says what would be sent and leaves everything waiting."""
    call_command("send_digests", "--frequency", "daily", "--dry-run")
    assert "Would send 1 daily digest(s) with 3 notification(s)." in capsys.readouterr().out
    assert mail.outbox == []
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_a_failed_digest_is_sent_by_the_next_run(english_member, followed_activity, settings, capsys):
    """When the mail server fails, the error is recorded on the notifications and the next run sends them."""
    settings.EMAIL_BACKEND = FAILING_BACKEND
    send("daily")
    assert "Not sent to member" in capsys.readouterr().err
    failed = Notification.objects.filter(kind=Kind.REPLY_IN_FOLLOWED)
    assert all(n.email_attempts == 1 and "421" in n.email_error and n.emailed_at is None for n in failed)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send("daily")
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(kind=Kind.REPLY_IN_FOLLOWED, emailed_at__isnull=True).exists()


def test_the_digest_unsubscribe_link_stops_its_kinds(english_member, followed_activity):
    """One click on the summary's link stops the kinds it contained; others stay as they were."""
    send("daily")
    link = re.fullmatch(r"<(.+)>", mail.outbox[0].extra_headers["List-Unsubscribe"]).group(1)
    response = Client(enforce_csrf_checks=True).post(link.removeprefix(SITE_URL))
    assert response.status_code == HTTPStatus.OK
    frequencies = selectors.frequencies_for(english_member)
    assert frequencies[Kind.REPLY_IN_FOLLOWED] == Frequency.NEVER
    assert frequencies[Kind.REACTION] == Frequency.WEEKLY
    assert f"{SITE_URL}{reverse('notifications:preferences')}" in mail.outbox[0].body


def test_the_digest_task_does_what_the_command_does(english_member, followed_activity):
    """The task sends the digests too (for a scheduler that runs tasks), once."""
    assert tasks.send_digests.call("daily") == 1
    assert tasks.send_digests.call("daily") == 0
    assert len(mail.outbox) == 1


def test_only_daily_and_weekly_digests_exist(db):
    """Another frequency is refused by the command."""
    with pytest.raises(CommandError):
        send("hourly")
