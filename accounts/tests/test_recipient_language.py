"""
Notices and e-mails are written in the language of the member who reads them, whatever the
language of the moderator who acted; the member's language follows what they chose on the site.
"""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Approval, User
from forum.tests.factories import ThreadFactory, UserFactory
from moderation import services as moderation_services
from notifications.models import Kind, Notification
from outbox.testing import after_commit

PASSWORD = "Zeer-lang-wachtwoord-2012"


def hide(client, post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("moderation:thread_moderate", args=[post.pk, "hide"]), {"reason": "Spam"})
    assert response.status_code == 302


def moderation_notice(member) -> str:
    return Notification.objects.get(recipient=member, kind=Kind.MODERATION).message


def test_english_member_reads_a_dutch_moderators_decision_in_english(
    moderator_client, theme, django_capture_on_commit_callbacks
):
    author = UserFactory(language="en")
    hide(moderator_client, ThreadFactory(theme=theme, author=author), django_capture_on_commit_callbacks)
    assert moderation_notice(author).startswith("A moderator hid your post")
    [message] = mail.outbox
    assert message.body.startswith(f"Dear {author.display_name},")
    assert "A moderator hid your post" in message.body


def test_dutch_member_reads_an_english_moderators_decision_in_dutch(
    moderator_client, theme, django_capture_on_commit_callbacks
):
    moderator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    author = UserFactory(language="nl")
    hide(moderator_client, ThreadFactory(theme=theme, author=author), django_capture_on_commit_callbacks)
    assert moderation_notice(author).startswith("Een moderator heeft je bericht")
    [message] = mail.outbox
    assert message.body.startswith(f"Beste {author.display_name},")
    assert "Een moderator heeft je bericht" in message.body


@pytest.mark.parametrize(
    ("member_language", "moderator_language", "expected"),
    [
        ("en", "nl", "A moderator has approved your membership"),
        ("nl", "en", "Een moderator heeft je lidmaatschap"),
    ],
)
def test_membership_decision_mail_in_the_applicants_language(
    moderator_client, django_capture_on_commit_callbacks, member_language, moderator_language, expected
):
    moderator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = moderator_language
    applicant = UserFactory(language=member_language, approval=Approval.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(reverse("accounts:application_decide", args=[applicant.pk, "goedkeuren"]))
    [message] = mail.outbox
    assert expected in message.body


def test_switching_language_while_logged_in_sets_the_language_of_notices(
    client, user, moderator, theme, django_capture_on_commit_callbacks
):
    """A member who switches the site to English gets the next moderation notice and e-mail in English."""
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    moderator_client = Client()
    moderator_client.force_login(moderator)
    hide(moderator_client, ThreadFactory(theme=theme, author=user), django_capture_on_commit_callbacks)
    assert moderation_notice(user).startswith("A moderator hid your post")
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    user.refresh_from_db()
    assert user.language == "nl"


@pytest.mark.django_db
def test_a_visitor_switches_language_without_an_account(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl"])
def test_signing_up_stores_the_language_of_the_page(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data = {"display_name": "Nieuw Lid", "email": "nieuw.lid@minbzk.nl", "accept_terms": "on"}
    client.post(reverse("account_signup"), {**data, "password1": PASSWORD, "password2": PASSWORD})
    assert User.objects.get(email="nieuw.lid@minbzk.nl").language == language


def test_the_default_reason_of_an_upheld_report_is_in_the_authors_language(
    moderator, other_user, theme, django_capture_on_commit_callbacks
):
    """A Dutch moderator who upholds reports without a note: the English author reads the reason in English."""
    author = UserFactory(language="en")
    thread = ThreadFactory(theme=theme, author=author)
    moderation_services.report_file(reporter=other_user, target=thread, reason="spam")
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        moderation_services.reports_resolve(acting_user=moderator, target=thread, uphold=True)
    notice = moderation_notice(author)
    assert "Reason: Hidden after reports." in notice
    assert "Verborgen" not in notice
    thread.refresh_from_db()
    assert thread.hidden_reason == "Verborgen na meldingen."  # the log keeps the moderator's words


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("member_language", "page_language", "subject"),
    [("en", "nl", "[Ambtenaar 2.0] Password Reset Email"), ("nl", "en", "[Ambtenaar 2.0] Nieuw wachtwoord")],
)
def test_password_reset_mail_in_the_members_language(client, member_language, page_language, subject):
    """Whatever the language of the page the reset was asked on, the member reads the mail in their own."""
    member = UserFactory(language=member_language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = page_language
    with after_commit():
        client.post(reverse("account_reset_password"), {"email": member.email})
    [message] = mail.outbox
    assert message.subject == subject
