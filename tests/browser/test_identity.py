"""Members and identity in a real browser: joining with the terms, and two-factor authentication with TOTP."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import Page, expect

from accounts import services as account_services
from accounts.models import TermsAcceptance, User
from accounts.tests.authenticator import authenticator_code
from forum.tests.factories import UserFactory

DISPLAY_NAME = "Sanne Bakker"
EMAIL = "sanne.bakker@example.org"
PASSWORD = "Binnenhof-1-Den-Haag-kwetsbaar"
MEMBER_PASSWORD = "een-lang-wachtwoord"  # UserFactory's

CONFIRMATION_URL = re.compile(r"https?://[^/\s]+/accounts/confirm-email/[^/\s]+/")
LOGOUT_FORM = '.site-header form[action$="/accounts/logout/"]'


@pytest.mark.browser
def test_visitor_signs_up_accepting_the_terms(live_server, page: Page):
    """
    With terms in force, a visitor who does not tick the terms box stays on the sign-up form;
    ticking it, signing up and confirming the address records the acceptance of that version.
    """
    terms = account_services.terms_publish(version=2, title="Algemene voorwaarden", body="Wees aardig en eerlijk.")
    page.goto(live_server.url + "/accounts/signup/")

    fill_sign_up_form(page)
    submit(page.locator("form.account-form"))
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.locator("[name=accept_terms]")).not_to_be_checked()
    assert not User.objects.filter(email=EMAIL).exists()

    fill_sign_up_form(page)  # the passwords are not sent back
    page.locator("[name=accept_terms]").check()
    submit(page.locator("form.account-form"))
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    confirm_email_address(page, EMAIL)

    member = User.objects.get(email=EMAIL)
    assert EmailAddress.objects.get(user=member).verified
    acceptance = TermsAcceptance.objects.get(member=member)
    assert acceptance.terms == terms
    assert acceptance.accepted_at is not None


@pytest.mark.browser
def test_member_sets_up_totp_and_logs_in_with_it(live_server, page: Page):
    """
    A member logs in, opens the authenticator set-up, confirms their password, types the code for
    the secret the page shows, sees the recovery codes, logs out, and logs in again with password
    and code.
    """
    member = UserFactory(display_name="Joost Mulder")

    log_in_with_password(page, live_server.url, member.email)
    expect(page.locator(LOGOUT_FORM)).to_have_count(1)

    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:  # allauth asks for the password before a security change
        page.locator("[name=password]").fill(MEMBER_PASSWORD)
        submit(page.locator("form.account-form"))
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    expect(page.locator("form.account-form img")).to_have_count(1)  # the QR code

    page.locator("[name=code]").fill(totp_code(secret))
    submit(page.locator("form.account-form"))

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10 and all(codes)
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()

    submit(page.locator(LOGOUT_FORM))
    expect(page.locator(LOGOUT_FORM)).to_have_count(0)

    log_in_with_password(page, live_server.url, member.email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(page.locator(LOGOUT_FORM)).to_have_count(0)  # the password alone does not log in
    page.locator("[name=code]").fill(totp_code(secret))
    submit(page.locator('form[action$="/accounts/2fa/authenticate/"]'))

    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    expect(page.locator(LOGOUT_FORM)).to_have_count(1)
    expect(page.locator(".site-header")).to_contain_text("Mijn profiel")


# Helpers --------------------------------------------------------------------------------


def submit(form):
    """Click the form's own submit button (not one that belongs to another form, like allauth's Cancel)."""
    form.locator("button[type=submit]:not([form])").first.click()


def fill_sign_up_form(page: Page):
    page.locator("[name=display_name]").fill(DISPLAY_NAME)
    page.locator("[name=email]").fill(EMAIL)
    page.locator("[name=password1]").fill(PASSWORD)
    page.locator("[name=password2]").fill(PASSWORD)


def confirm_email_address(page: Page, email: str):
    messages = [message for message in mail.outbox if email in message.to]
    assert len(messages) == 1, f"expected one verification mail to {email}, got {len(messages)}"
    match = CONFIRMATION_URL.search(messages[0].body)
    assert match, f"no confirmation link in the mail:\n{messages[0].body}"
    page.goto(match.group())
    submit(page.locator('form[action*="/accounts/confirm-email/"]'))
    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: the member is logged in and sent on from the confirm page.
    expect(page).not_to_have_url(re.compile(r"/accounts/confirm-email/"))
    expect(page.locator(LOGOUT_FORM)).to_have_count(1)


def log_in_with_password(page: Page, base_url: str, email: str):
    page.goto(base_url + "/accounts/login/")
    form = page.locator('form[action$="/accounts/login/"]')
    form.locator("[name=login]").fill(email)
    form.locator("[name=password]").fill(MEMBER_PASSWORD)
    submit(form)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def totp_code(secret: str) -> str:
    """What an authenticator app shows now for ``secret`` (pyotp); never a code about to expire."""
    return authenticator_code(secret, margin=3)
