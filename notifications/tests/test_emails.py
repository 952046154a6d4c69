"""Notification e-mails: in the member's language, text and HTML, unsubscribe link and headers, nothing lost."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum import services as forum_services
from forum.tests.factories import ThreadFactory, UserFactory
from notifications import emails, selectors, services, tasks, tokens
from notifications.models import Frequency, Kind, Notification, Preference

from .conftest import SITE_URL
from .mail import FAILING_BACKEND


@pytest.fixture
def reply_to(django_capture_on_commit_callbacks):
    """Reply to a thread through the forum service and run the notification tasks after the commit."""

    def reply(thread, author, body="Goed punt."):
        with django_capture_on_commit_callbacks(execute=True):
            return forum_services.reply_create(author=author, thread=thread, body=body)

    return reply


def html_part(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def unsubscribe_path(message):
    link = re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert link.startswith(f"{SITE_URL}/meldingen/afmelden/")
    return link.removeprefix(SITE_URL)


def test_email_in_english_for_a_member_who_chose_english(reply_to, english_member, other_user, theme):
    """Subject, text and HTML are in English, with an absolute link to the reply."""
    thread = ThreadFactory(theme=theme, author=english_member, title="Open data & privacy")
    reply = reply_to(thread, other_user)
    [message] = mail.outbox
    assert message.to == [english_member.email]
    name = other_user.display_name
    assert message.subject == f"[Ambtenaar 2.0] {name} replied to your discussion “Open data & privacy”"
    assert message.body.startswith("Dear Harro Ranter,")
    assert f"{SITE_URL}{reply.get_absolute_url()}" in message.body
    assert "Open data & privacy" in message.body  # plain text is not HTML-escaped
    html = html_part(message)
    assert '<html lang="en">' in html
    assert f'href="{SITE_URL}{reply.get_absolute_url()}"' in html
    assert "Open data &amp; privacy" in html


def test_email_in_dutch_by_default(reply_to, member, other_user, theme):
    """A member who did not choose another language gets Dutch e-mail, whatever the site's language was."""
    thread = ThreadFactory(theme=theme, author=member)
    reply_to(thread, other_user)
    [message] = mail.outbox
    assert message.body.startswith("Beste Fatou van den Hoff,")
    assert '<html lang="nl">' in html_part(message)


def test_email_has_one_click_unsubscribe_headers_and_links(reply_to, member, other_user, theme):
    """List-Unsubscribe points to the signed link (RFC 8058), which is also in the text and HTML."""
    thread = ThreadFactory(theme=theme, author=member)
    reply_to(thread, other_user)
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_path(message)
    assert f"{SITE_URL}{path}" in message.body
    assert f'href="{SITE_URL}{path}"' in html_part(message)
    assert f"{SITE_URL}{reverse('notifications:preferences')}" in message.body
    token = path.removeprefix("/meldingen/afmelden/").rstrip("/")
    assert tokens.read_unsubscribe_token(token) == tokens.Unsubscribe(member.pk, (Kind.REPLY_TO_THREAD,))


def test_a_mail_client_unsubscribes_with_one_post(reply_to, member, other_user, theme):
    """The POST a mail program sends (no login, no CSRF token) turns that kind of e-mail off, and only that."""
    thread = ThreadFactory(theme=theme, author=member)
    reply_to(thread, other_user)
    path = unsubscribe_path(mail.outbox[0])
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == HTTPStatus.OK
    assert Preference.objects.get(member=member, kind=Kind.REPLY_TO_THREAD).frequency == Frequency.NEVER
    assert selectors.frequencies_for(member)[Kind.MENTION] == Frequency.IMMEDIATELY
    reply_to(thread, UserFactory())
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=member).count() == 2


def test_a_failing_mail_server_loses_nothing(reply_to, member, other_user, theme, settings, client):
    """The error is recorded, the notification stays in the list, and the retry command sends it later."""
    thread = ThreadFactory(theme=theme, author=member)
    settings.EMAIL_BACKEND = FAILING_BACKEND
    reply_to(thread, other_user)
    notification = Notification.objects.get()
    assert notification.emailed_at is None
    assert notification.email_attempts == 1
    assert "421 Service not available" in notification.email_error
    client.force_login(member)
    page = client.get(reverse("notifications:list"))
    assert reverse("notifications:open", kwargs={"pk": notification.pk}) in page.content.decode()

    call_command("retry_notification_emails", verbosity=0)
    notification.refresh_from_db()
    assert notification.email_attempts == 2 and notification.emailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("retry_notification_emails", verbosity=0)
    notification.refresh_from_db()
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert notification.emailed_at is not None
    assert (notification.email_attempts, notification.email_error) == (3, "")
    call_command("retry_notification_emails", verbosity=0)
    assert len(mail.outbox) == 1


def test_the_task_fails_visibly_when_the_mail_server_does(notification, settings):
    """Run as a task, a mail failure marks the task failed (for the worker's log) after recording it."""
    settings.EMAIL_BACKEND = FAILING_BACKEND
    result = tasks.send_notification_email.enqueue(notification.pk)
    assert result.status == "FAILED"
    notification.refresh_from_db()
    assert notification.email_attempts == 1 and notification.email_error


def test_the_retry_task_does_what_the_command_does(notification, settings):
    """The retry task (for a scheduler that runs tasks) sends a failed e-mail once the server is back."""
    settings.EMAIL_BACKEND = FAILING_BACKEND
    assert tasks.send_notification_email.enqueue(notification.pk).status == "FAILED"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.retry_notification_emails.call() == 1
    assert tasks.retry_notification_emails.call() == 0
    assert len(mail.outbox) == 1


def test_retries_stop_after_five_attempts(notification, capsys):
    """A notification tried five times is left alone; it is still in the member's list."""
    Notification.objects.filter(pk=notification.pk).update(email_attempts=5, email_error="550 Mailbox unavailable")
    call_command("retry_notification_emails")
    assert mail.outbox == []
    assert "Tried 0 notification e-mail(s) again" in capsys.readouterr().out


def test_retry_leaves_fresh_notifications_to_the_worker(notification):
    """A notification whose task has not run yet is not sent by the retry command; a forgotten one is."""
    call_command("retry_notification_emails", verbosity=0)
    assert mail.outbox == []
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(hours=1))
    call_command("retry_notification_emails", verbosity=0)
    assert len(mail.outbox) == 1


def test_retry_skips_digest_kinds_read_ones_and_dry_runs(member, other_user, thread, capsys):
    """Only immediate kinds are retried, not what the member already read; --dry-run sends nothing."""
    failed = {"email_attempts": 1, "email_error": "421"}
    followed = services.notify(recipient=member, kind=Kind.REPLY_IN_FOLLOWED, actor=other_user, target=thread)
    read = services.notify(recipient=member, kind=Kind.MENTION, actor=other_user, target=thread)
    services.notification_mark_read(acting_user=member, notification=read)
    waiting = services.notify(recipient=member, kind=Kind.REPLY_TO_THREAD, actor=other_user, target=thread)
    Notification.objects.filter(pk__in=[followed.pk, read.pk, waiting.pk]).update(**failed)
    call_command("retry_notification_emails", "--dry-run")
    assert "Would try 1 notification e-mail(s) again." in capsys.readouterr().out
    assert mail.outbox == []
    call_command("retry_notification_emails", verbosity=0)
    assert len(mail.outbox) == 1
    assert list(Notification.objects.filter(emailed_at__isnull=False)) == [waiting]


def test_no_email_when_the_member_changed_their_mind_or_the_post_was_hidden(notification, member, moderator, hide_post):
    """At sending time the member's current choice and what they may see count, not those at notify time."""
    services.preference_set(member=member, kind=Kind.MENTION, frequency=Frequency.NEVER)
    assert emails.send_notification(notification.pk) is False
    services.preference_set(member=member, kind=Kind.MENTION, frequency=Frequency.IMMEDIATELY)
    hide_post(acting_user=moderator, post=notification.target, reason="Spam")
    assert emails.send_notification(notification.pk) is False
    assert mail.outbox == []
    assert Notification.objects.get(pk=notification.pk).email_attempts == 0


# The unsubscribe link ----------------------------------------------------------------------------------


def unsubscribe_url(member, kinds=Kind.MENTION):
    token = tokens.make_unsubscribe_token(member=member, kinds=kinds)
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def english_client():
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    return client


def test_unsubscribe_page_asks_first_without_login(member):
    """Opening the link (as mail scanners do) changes nothing: it shows what stops and one button."""
    response = english_client().get(unsubscribe_url(member))
    main = re.search(r"<main.*</main>", response.content.decode(), re.S).group()
    assert response.status_code == HTTPStatus.OK
    assert "a mention of my name" in main
    assert main.count('type="submit"') == 1
    assert "Stop these e-mails" in main
    assert not Preference.objects.exists()


def test_unsubscribe_button_turns_the_kind_off(member):
    """The button sets the kind to "never"; the member is told and can choose again."""
    response = english_client().post(unsubscribe_url(member))
    assert response.status_code == HTTPStatus.OK
    assert "We no longer e-mail you about" in response.content.decode()
    assert Preference.objects.get(member=member, kind=Kind.MENTION).frequency == Frequency.NEVER


def test_a_forged_token_is_a_bad_request(member):
    """A token we did not sign, or one changed to name another member, is refused with a clear page."""
    token = tokens.make_unsubscribe_token(member=member, kinds=Kind.MENTION)
    payload, _, rest = token.partition(":")
    other = signing.TimestampSigner(salt=tokens.SALT).sign_object({"m": member.pk + 1, "k": ["mention"]})
    forged = [
        "nonsense",
        f"{other.partition(':')[0]}:{rest}",
        signing.dumps({"m": member.pk, "k": ["mention"]}),  # signed, but under another salt
        token[:-2],
    ]
    for bad in forged:
        for method in ("get", "post"):
            url = reverse("notifications:unsubscribe", kwargs={"token": bad})
            response = getattr(english_client(), method)(url)
            assert response.status_code == HTTPStatus.BAD_REQUEST, bad
            assert "This link does not work" in response.content.decode()
    assert not Preference.objects.exists()


def test_an_expired_token_is_refused(member, monkeypatch):
    """A link older than 60 days no longer works and says so."""
    sixty_one_days_ago = int(timezone.now().timestamp()) - 61 * 24 * 3600
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(sixty_one_days_ago))
    url = unsubscribe_url(member)
    monkeypatch.undo()
    response = english_client().post(url)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This link has expired" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_token_of_59_days_still_works(member, monkeypatch):
    """Until it expires, an old link works."""
    fifty_nine_days_ago = int(timezone.now().timestamp()) - 59 * 24 * 3600
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(fifty_nine_days_ago))
    url = unsubscribe_url(member)
    monkeypatch.undo()
    assert english_client().post(url).status_code == HTTPStatus.OK
    assert Preference.objects.get(member=member).frequency == Frequency.NEVER


def test_a_token_for_a_closed_account_is_not_found(member):
    """A link for an account that was closed since leads nowhere."""
    url = unsubscribe_url(member)
    type(member).objects.filter(pk=member.pk).update(is_former_member=True)
    response = english_client().post(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "This link does not work" in response.content.decode()


def test_unsubscribe_pages_have_nothing_inline(member):
    """The unsubscribe pages keep to the strict CSP: no inline script or style, nothing from elsewhere."""
    for response in (english_client().get(unsubscribe_url(member)), english_client().get("/meldingen/afmelden/x/")):
        html = response.content.decode()
        assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', html)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
        assert not re.search(r"<style[\s>]", html) and ' style="' not in html, "inline style"
