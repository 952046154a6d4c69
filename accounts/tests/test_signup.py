import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.standing import standing_of
from outbox.testing import after_commit

PASSWORD = "Zeer-lang-wachtwoord-2012"


def signup(client, **overrides):
    data = {
        "display_name": "Nieuw Lid",
        "email": "nieuw.lid@minbzk.nl",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
        **overrides,
    }
    with after_commit():
        return client.post(reverse("account_signup"), data)


@pytest.mark.django_db
def test_signup_asks_display_name_and_sends_verification(client):
    """Sign-up stores the display name and sends a confirmation mail; posting waits for it."""
    response = signup(client)
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email="nieuw.lid@minbzk.nl")
    assert user.display_name == "Nieuw Lid"
    assert user.handle == "nieuw-lid"
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_confirming_the_address_lets_the_member_post(client):
    """After following the link in the mail the member is logged in and verified."""
    signup(client)
    url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    response = client.post(url)
    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(email="nieuw.lid@minbzk.nl").verified is True
    from accounts.permissions import has_verified_email

    user = User.objects.get(email="nieuw.lid@minbzk.nl")
    assert has_verified_email(standing_of(user)) is True
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_unverified_member_cannot_log_in_before_confirming(client):
    """Verification is mandatory: login without it leads to the confirmation notice."""
    signup(client)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "nieuw.lid@minbzk.nl", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("display_name", ["", "   ", "a\x00b", "tab\there" * 20, "x" * 81])
def test_bad_display_names_are_refused(client, display_name):
    """Empty, control characters or over-long names give a form error and no account."""
    response = signup(client, display_name=display_name)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["display_name"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_duplicate_address_makes_no_second_account(client, user):
    """A taken address makes no account and reveals nothing: its owner is told by mail instead."""
    response = signup(client, email=user.email.upper())
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.filter(email__iexact=user.email).count() == 1
    assert mail.outbox[0].to == [user.email]


@pytest.mark.django_db
def test_account_pages_use_the_site_frame(client):
    """allauth's pages carry the site's header, footer and language."""
    html = client.get(reverse("account_login")).content.decode()
    assert 'class="site-header"' in html and 'class="site-footer' in html
    assert '<html lang="nl">' in html
    assert 'name="robots" content="noindex"' in html


@pytest.mark.django_db
def test_password_reset_mail_is_sent(client, user):
    """A member who forgot their password gets a reset mail."""
    with after_commit():
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1 and user.email in mail.outbox[0].to


@pytest.mark.django_db
def test_profile_page_lists_the_members_posts(client, thread, reply, moderator):
    """A profile shows members the name, member-since date and the member's threads and replies."""
    client.force_login(moderator)
    html = client.get(thread.author.get_absolute_url()).content.decode()
    assert thread.author.display_name in html and thread.title in html
    html = client.get(reply.author.get_absolute_url()).content.decode()
    assert reverse("forum:reply", kwargs={"pk": reply.pk}) in html


@pytest.mark.django_db
def test_profile_does_not_list_hidden_posts(client, hidden_reply, user):
    """What moderators hid does not appear on the author's profile for other members."""
    client.force_login(user)
    html = client.get(hidden_reply.author.get_absolute_url()).content.decode()
    assert reverse("forum:reply", kwargs={"pk": hidden_reply.pk}) not in html


@pytest.mark.django_db
def test_signup_requires_accepting_the_terms(client):
    """Without ticking the terms box there is no account, and the box shows an error."""
    response = signup(client, accept_terms="")
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["accept_terms"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_acceptance_is_stored_with_version_and_time(client):
    """The member's acceptance records which version of the terms, and when."""
    from accounts import services

    terms = services.terms_publish(version=3, title="Algemene voorwaarden", body="Wees aardig.")
    signup(client)
    acceptance = User.objects.get(email="nieuw.lid@minbzk.nl").terms_acceptances.get()
    assert acceptance.terms == terms and acceptance.accepted_at is not None


def test_login_and_sign_up_pages_use_the_sites_own_words(client, db):
    """The header says "Inloggen" and "Lid worden", so allauth's pages do too, and "je" rather than "u"."""
    login = client.get(reverse("account_login")).content.decode()
    assert "Inloggen" in login
    assert "Aanmelden" not in login
    signup = client.get(reverse("account_signup")).content.decode()
    assert "Lid worden" in signup
    assert "Registreren" not in signup
    assert "Log dan in" in signup
    assert "Uw " not in signup
