"""
Every link in an e-mail or a notification leads to the address the site is served on
(settings.SITE_URL; in development the port `make run` serves on), never to another port or host.
"""

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Approval
from forum import services as forum_services
from forum.tests.factories import ThreadFactory, UserFactory
from moderation import services as moderation_services
from moderation.services import sanctions
from notifications import services as notification_services
from notifications.models import Kind, Notification

SERVED_ON = "http://127.0.0.1:8001"
PASSWORD = "Zeer-lang-wachtwoord-2012"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _served_on_another_port(settings):
    settings.SITE_URL = SERVED_ON


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value for name, value in attrs if name == "href" and value]


def links_in_text(text: str) -> list[str]:
    return [word.strip("<>()\"'.,;:“”") for word in text.split() if "://" in word]


def links_in(message) -> list[str]:
    """Every address in the mail: its text, its HTML part (if any) and its headers."""
    links = links_in_text(message.body) + links_in_text(message.extra_headers.get("List-Unsubscribe", ""))
    for html, _mimetype in getattr(message, "alternatives", []):
        parser = _Hrefs()
        parser.feed(html)
        links += parser.hrefs
    return links


def assert_links_lead_to_the_site(message):
    links = links_in(message)
    assert links, f"no links in {message.subject!r}"
    for link in links:
        assert link.startswith(f"{SERVED_ON}/"), f"{link} in {message.subject!r}"
        assert ":8000" not in link and "testserver" not in link


def test_notification_and_digest_mails_link_to_the_site(user, other_user, theme, django_capture_on_commit_callbacks):
    thread = ThreadFactory(theme=theme, author=user)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.reply_create(author=other_user, thread=thread, body="Goed punt.")
    [immediate] = mail.outbox
    assert_links_lead_to_the_site(immediate)
    mail.outbox.clear()
    notification_services.notify(recipient=user, kind=Kind.REPLY_IN_FOLLOWED, actor=other_user, target=thread)
    call_command("send_digests", "--frequency", "daily", verbosity=0)
    [digest] = mail.outbox
    assert_links_lead_to_the_site(digest)


def test_moderation_notices_and_their_mails_link_to_the_site(
    user, moderator, thread, django_capture_on_commit_callbacks
):
    """A hidden post and a warning: the notice on the site and the e-mail both lead to the objection page."""
    objections = f"{SERVED_ON}{reverse('moderation:objection_list')}"
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.post_hide(acting_user=moderator, post=thread, reason="Off-topic")
    with django_capture_on_commit_callbacks(execute=True):
        sanctions.member_sanction(acting_user=moderator, member=user, kind="warning", reason="Let op je toon")
    notices = Notification.objects.filter(recipient=user, kind=Kind.MODERATION)
    assert notices.count() == 2
    for notice in notices:
        assert objections in links_in_text(notice.message)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert_links_lead_to_the_site(message)
        assert objections in links_in(message)


def test_membership_decision_mail_links_to_the_site(moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.member_approve(acting_user=moderator, member=UserFactory(approval=Approval.PENDING))
    [message] = mail.outbox
    assert_links_lead_to_the_site(message)


def test_unsubscribe_link_leads_to_the_site(user, other_user, theme, django_capture_on_commit_callbacks):
    thread = ThreadFactory(theme=theme, author=user)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.reply_create(author=other_user, thread=thread, body="Goed punt.")
    [message] = mail.outbox
    unsubscribe = links_in_text(message.extra_headers["List-Unsubscribe"])
    assert len(unsubscribe) == 1
    assert unsubscribe[0].startswith(f"{SERVED_ON}/meldingen/afmelden/")


@pytest.mark.django_db
def test_sign_up_confirmation_mail_links_to_the_site(client, django_capture_on_commit_callbacks):
    data = {"display_name": "Nieuw Lid", "email": "nieuw.lid@minbzk.nl", "accept_terms": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {**data, "password1": PASSWORD, "password2": PASSWORD})
    [message] = mail.outbox
    assert_links_lead_to_the_site(message)
    assert any(link.startswith(f"{SERVED_ON}/accounts/confirm-email/") for link in links_in(message))


def test_sign_up_with_a_known_address_mails_links_to_the_site(client, user, django_capture_on_commit_callbacks):
    data = {"display_name": "Nog een", "email": user.email, "accept_terms": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {**data, "password1": PASSWORD, "password2": PASSWORD})
    [message] = mail.outbox
    assert_links_lead_to_the_site(message)
    assert f"{SERVED_ON}{reverse('account_reset_password')}" in links_in(message)


def test_password_reset_mails_link_to_the_site(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
        client.post(reverse("account_reset_password"), {"email": "onbekend@example.nl"})
    reset, unknown = mail.outbox
    assert_links_lead_to_the_site(reset)
    assert any(link.startswith(f"{SERVED_ON}/accounts/password/reset/key/") for link in links_in(reset))
    assert_links_lead_to_the_site(unknown)
    assert f"{SERVED_ON}{reverse('account_signup')}" in links_in(unknown)


def _site_url_in_development(**environ) -> str:
    env = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT", "DEBUG"}}
    env.update(DJANGO_DEVELOPMENT="true", DJANGO_SETTINGS_MODULE="config.settings", **environ)
    result = subprocess.run(  # noqa: S603 (a fixed command)
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    return result.stdout.strip()


def test_in_development_the_site_url_follows_the_port():
    assert _site_url_in_development() == "http://127.0.0.1:8000"
    assert _site_url_in_development(PORT="8001") == "http://127.0.0.1:8001"
    assert _site_url_in_development(PORT="8001", SITE_URL="https://forum.example/") == "https://forum.example"


def test_make_run_serves_and_links_on_the_same_port():
    env = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT"}}
    result = subprocess.run(  # noqa: S603 (a fixed command, printed and not run)
        [shutil.which("make"), "--dry-run", "run", "PORT=8001"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    [runserver] = [line for line in result.stdout.splitlines() if "runserver" in line]
    assert "SITE_URL=http://127.0.0.1:8001 " in runserver
    assert runserver.endswith("runserver 127.0.0.1:8001")
