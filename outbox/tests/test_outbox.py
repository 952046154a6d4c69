"""The outbox: one renderer for every mail, queued after the commit, nothing lost when the mail server is down."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Approval
from forum.tests.factories import UserFactory
from outbox import delivery, services, tasks
from outbox.models import Mail
from outbox.testing import MAIL_SERVER_DOWN, after_commit

PASSWORD = "Zeer-lang-wachtwoord-2012"
SITE_URL = "https://ambtenaar20.example"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def sign_up(client, email="nieuw.lid@minbzk.nl"):
    data = {"display_name": "Nieuw Lid", "email": email, "accept_terms": "on"}
    return client.post(reverse("account_signup"), {**data, "password1": PASSWORD, "password2": PASSWORD})


@pytest.mark.django_db
def test_a_mail_waits_for_the_commit(client):
    """Queued in the request's transaction, sent only after it commits: nothing goes out before."""
    with after_commit() as callbacks:
        sign_up(client)
        [waiting] = Mail.objects.all()
        assert mail.outbox == []
    assert callbacks  # the task was enqueued by an on-commit callback
    assert mail.outbox[0].to == ["nieuw.lid@minbzk.nl"]
    assert not Mail.objects.filter(pk=waiting.pk).exists()  # sent mails are not kept


@pytest.mark.django_db
def test_sign_up_answers_as_usual_when_the_mail_server_is_down(client, settings):
    """The member is signed up and sent on; the confirmation mail waits and goes out when the server is back."""
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    with after_commit():
        response = sign_up(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    [waiting] = Mail.objects.all()
    assert (waiting.attempts, waiting.to) == (1, "nieuw.lid@minbzk.nl")
    assert waiting.error.startswith("ConnectionRefusedError")

    call_command("retry_mails", verbosity=0)
    assert Mail.objects.get().attempts == 2 and mail.outbox == []

    settings.EMAIL_BACKEND = LOCMEM
    call_command("retry_mails", verbosity=0)
    [message] = mail.outbox
    assert message.subject.startswith("[Ambtenaar 2.0] ")
    assert f"{SITE_URL}/accounts/confirm-email/" in message.body
    assert not Mail.objects.exists()


def test_a_membership_decision_does_not_fail_when_the_mail_server_is_down(moderator_client, settings):
    """The moderator's approval stands and they are sent on; the applicant's mail goes out later."""
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    applicant = UserFactory(approval=Approval.PENDING, language="en")
    with after_commit():
        response = moderator_client.post(reverse("accounts:application_decide", args=[applicant.pk, "goedkeuren"]))
    assert response.status_code == HTTPStatus.FOUND
    applicant.refresh_from_db()
    assert applicant.approval == Approval.APPROVED
    assert Mail.objects.get().attempts == 1

    settings.EMAIL_BACKEND = LOCMEM
    assert tasks.retry_mails.call() == 1
    [message] = mail.outbox
    assert message.to == [applicant.email]
    assert message.subject == "[Ambtenaar 2.0] Your membership has been approved"
    [(html, _mimetype)] = message.alternatives
    assert '<html lang="en">' in html  # the language the mail is in, not the moderator's


def test_the_task_fails_visibly_when_the_mail_server_does(db, settings):
    """Run as a task, a failure marks the task failed (for the worker's log) after recording it on the mail."""
    with after_commit():
        [queued] = services.send_mail(
            "accounts/email/membership_decision", {"member": UserFactory()}, to="a@example.nl", language="nl"
        )
        settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    queued.refresh_from_db()
    assert queued.attempts == 1
    assert tasks.send_mail.enqueue(queued.pk).status == "FAILED"
    settings.EMAIL_BACKEND = LOCMEM
    assert tasks.send_mail.enqueue(queued.pk).status == "SUCCESSFUL"
    assert len(mail.outbox) == 1


def test_retry_leaves_fresh_mails_to_the_worker_and_gives_up_after_five_attempts(db, capsys):
    fresh = Mail.objects.create(to="a@example.nl", subject="Vers", body="Tekst")
    Mail.objects.create(
        to="b@example.nl", subject="Vergeten", body="Tekst", created_at=timezone.now() - timedelta(hours=1)
    )
    given_up = Mail.objects.create(to="c@example.nl", subject="Opgegeven", body="Tekst", attempts=5)
    call_command("retry_mails", "--dry-run")
    assert "Would try 1 e-mail(s) again." in capsys.readouterr().out
    call_command("retry_mails")
    assert "Tried 1 e-mail(s) again: 1 sent, 0 failed." in capsys.readouterr().out
    assert [message.subject for message in mail.outbox] == ["Vergeten"]
    assert set(Mail.objects.values_list("pk", flat=True)) == {fresh.pk, given_up.pk}
    # A mail given up on is kept a week for the administrator to see, then deleted.
    Mail.objects.filter(pk=given_up.pk).update(created_at=timezone.now() - delivery.KEEP_UNSENT - timedelta(hours=1))
    call_command("retry_mails", verbosity=0)
    assert not Mail.objects.filter(pk=given_up.pk).exists()


def test_the_renderer_makes_html_only_from_a_template_and_adds_unsubscribe_headers(db):
    """allauth's mails have text only; a mail that can be stopped carries the one-click headers."""
    plain = services.render(
        "account/email/password_reset_key",
        {"password_reset_url": f"{SITE_URL}/x/"},
        to="a@example.nl",
        language="en",
        subject_prefix="[Ambtenaar 2.0] ",
    )
    assert plain.alternatives == []
    assert plain.subject == "[Ambtenaar 2.0] Password Reset Email"
    assert plain.body.endswith(SITE_URL + "/")  # the site's address, from the one renderer
    assert "List-Unsubscribe" not in plain.extra_headers
    assert plain.extra_headers["Auto-Submitted"] == "auto-generated"
    member = UserFactory()
    stoppable = services.render(
        "accounts/email/membership_decision",
        {"member": member},
        to=member.email,
        language="nl",
        unsubscribe_url=f"{SITE_URL}/stop/",
    )
    assert stoppable.extra_headers["List-Unsubscribe"] == f"<{SITE_URL}/stop/>"
    assert stoppable.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
