"""
The sign-up, confirmation and password pages and their messages, in Dutch: Django's and allauth's
words included, in the site's own wording, and a real way to reach a moderator where they say
"neem contact met ons op".
"""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from outbox.testing import after_commit

PASSWORD = "Zeer-lang-wachtwoord-2012"
CONTACT = "Neem contact met ons op</a>"


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


def contact_link(page: str) -> str:
    """The link to the problem report form, which remembers the page it came from."""
    return f'<a href="{reverse("moderation:problem_report")}?pagina={page}">{CONTACT}'


@pytest.mark.django_db
def test_the_sign_up_page_gives_the_password_rules_in_dutch(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert "Je wachtwoord moet minstens 10 tekens lang zijn." in html
    assert "Je wachtwoord mag geen veelgebruikt wachtwoord zijn." in html
    assert "Your password" not in html


@pytest.mark.django_db
def test_a_too_short_password_is_refused_in_dutch(client):
    html = signup(client, password1="kort", password2="kort").content.decode()
    assert "Dit wachtwoord is te kort. Het moet minstens 10 tekens lang zijn." in html
    assert "This password is too short" not in html


@pytest.mark.django_db
def test_a_password_like_the_address_is_refused_in_natural_dutch(client):
    html = signup(client, password1="nieuw.lid@minbzk", password2="nieuw.lid@minbzk").content.decode()
    assert "Het wachtwoord lijkt te veel op je e-mailadres." in html


@pytest.mark.django_db
def test_a_too_short_password_is_refused_in_english_on_the_english_page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = signup(client, password1="kort", password2="kort").content.decode()
    assert "This password is too short. It must contain at least 10 characters." in html


@pytest.mark.django_db
def test_after_signing_up_the_confirmation_page_is_dutch_with_a_way_to_reach_us(client):
    response = signup(client)
    html = client.get(response["Location"]).content.decode()
    assert "Bevestigingsmail verzonden naar nieuw.lid@minbzk.nl." in html
    assert "Bevestigings e-mail" not in html
    assert "<h1>Bevestig je e-mailadres</h1>" in html.replace("\n", "").replace("    ", "")
    assert "Volg de link in die e-mail om je aanmelding af te ronden." in html
    assert "a.u.b." not in html
    page = reverse("account_email_verification_sent")
    assert contact_link(page) in html
    assert client.get(f"{reverse('moderation:problem_report')}?pagina={page}").status_code == 200


@pytest.mark.django_db
def test_the_confirmation_mail_is_plain_dutch(client):
    signup(client)
    [message] = mail.outbox
    assert "Je ontvangt deze e-mail omdat Nieuw Lid dit adres heeft opgegeven voor een account op Ambtenaar 2.0." in (
        message.body
    )
    assert "Klopt dat? Bevestig het met deze link:" in message.body
    assert "testserver" not in message.body


@pytest.mark.django_db
def test_an_expired_confirmation_link_says_so_in_dutch(client):
    html = client.get(reverse("account_confirm_email", args=["verlopen"])).content.decode()
    assert "Deze bevestigingslink is verlopen of ongeldig." in html
    assert "Vraag een nieuwe bevestigingsmail aan</a>" in html


@pytest.mark.django_db
def test_the_password_reset_pages_offer_a_way_to_reach_us(client, user):
    page = reverse("account_reset_password")
    html = client.get(page).content.decode()
    assert contact_link(page) in html
    response = client.post(page, {"email": user.email})
    done = response["Location"]
    html = client.get(done).content.decode()
    assert "We hebben je een e-mail gestuurd met een link om een nieuw wachtwoord te kiezen." in html
    assert contact_link(done) in html
    assert "a.u.b." not in html


@pytest.mark.django_db
def test_no_account_page_says_contact_us_without_a_link(client, user):
    """Every "neem contact met ons op" on the account pages is a link to the problem report form."""
    pages = [reverse("account_reset_password"), reverse("account_email_verification_sent")]
    client.post(reverse("account_reset_password"), {"email": user.email})
    pages.append(reverse("account_reset_password_done"))
    for page in pages:
        html = client.get(page).content.decode()
        assert html.count("contact met ons op") == html.count(CONTACT), page


def test_the_account_pages_use_the_sites_dutch_words(client, user):
    client.force_login(user)
    html = client.get(reverse("account_email")).content.decode()
    assert "Huidig e-mailadres" in html
    assert "Huidig email" not in html
    html = client.get(reverse("mfa_index")).content.decode()
    assert "Twee-factor-authenticatie" not in html
    assert "<h1>Tweestapsverificatie</h1>" in html.replace("\n", "").replace("    ", "")
