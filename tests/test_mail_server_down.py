"""
A mail server that is down makes no request fail: every mail is sent by a task after the commit,
what failed is kept, and the retry commands send it once the server is back (docs/deployment.md).
"""

import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Approval
from forum.models import ThreadFollow
from forum.tests.factories import ThreadFactory, UserFactory
from notifications import services as notification_services
from notifications.models import Frequency, Kind, Notification
from outbox.models import Mail
from outbox.testing import MAIL_SERVER_DOWN, after_commit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Zeer-lang-wachtwoord-2012"


def server_back(settings):
    """The server is back: the retry commands (cron, every quarter of an hour) send what waited."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("retry_notification_emails", verbosity=0)
    call_command("retry_mails", verbosity=0)
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_moderator_hides_a_post(moderator_client, theme, settings):
    author = UserFactory()
    thread = ThreadFactory(theme=theme, author=author)
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    with after_commit():
        response = moderator_client.post(
            reverse("moderation:thread_moderate", args=[thread.pk, "hide"]), {"reason": "Spam"}
        )
    assert response.status_code == HTTPStatus.FOUND
    notice = Notification.objects.get(recipient=author, kind=Kind.MODERATION)
    assert notice.email_attempts == 1 and notice.emailed_at is None
    assert server_back(settings) == [author.email]


def test_a_membership_decision(moderator_client, settings):
    applicant = UserFactory(approval=Approval.PENDING)
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    with after_commit():
        response = moderator_client.post(
            reverse("accounts:application_decide", args=[applicant.pk, "afwijzen"]), {"reason": "Geen ambtenaar"}
        )
    assert response.status_code == HTTPStatus.FOUND
    applicant.refresh_from_db()
    assert applicant.approval == Approval.REFUSED
    assert server_back(settings) == [applicant.email]
    assert "Geen ambtenaar" in mail.outbox[0].body


def test_a_sign_up(client, db, settings):
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    data = {"display_name": "Nieuw Lid", "email": "nieuw.lid@minbzk.nl", "accept_terms": "on"}
    with after_commit():
        response = client.post(reverse("account_signup"), {**data, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert Mail.objects.get().attempts == 1
    assert server_back(settings) == ["nieuw.lid@minbzk.nl"]


def test_a_reply_with_followers(client, theme, settings):
    author, follower, replier = UserFactory(), UserFactory(), UserFactory()
    thread = ThreadFactory(theme=theme, author=author)
    ThreadFollow.objects.create(member=follower, thread=thread)
    notification_services.preference_set(member=follower, kind=Kind.REPLY_IN_FOLLOWED, frequency=Frequency.IMMEDIATELY)
    client.force_login(replier)
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    with after_commit():
        response = client.post(reverse("forum:reply_create", args=[thread.pk]), {"body": "Goed punt."})
    assert response.status_code == HTTPStatus.FOUND
    assert Notification.objects.filter(email_attempts=1, emailed_at__isnull=True).count() == 2
    assert server_back(settings) == sorted([author.email, follower.email])


def test_production_runs_tasks_in_the_database_with_a_worker():
    """Outside development the tasks wait in the database for `manage.py db_worker`; in development they run at once."""

    def backend(**environ):
        env = {key: value for key, value in os.environ.items() if key not in {"TASKS_BACKEND", "DJANGO_DEVELOPMENT"}}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x" * 50, SITE_URL="https://a.example", **environ
        )
        code = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
        result = subprocess.run(  # noqa: S603 (a fixed command)
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=True
        )
        return result.stdout.strip()

    assert backend(DEBUG="false") == "django_tasks_db.DatabaseBackend"
    assert backend(DJANGO_DEVELOPMENT="true") == "django_tasks.backends.immediate.ImmediateBackend"
