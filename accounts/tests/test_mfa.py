"""
Two-factor authentication (allauth.mfa, TOTP): required for moderators and administrators when
the site says so, asked for at login once set up, and allauth's limits on failed logins.
"""

import re
from http import HTTPStatus

import pytest
from allauth.account import app_settings as account_settings
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from django.templatetags.static import static
from django.urls import reverse

from accounts import permissions
from accounts import services as account_services
from accounts.adapters import LOGGED_IN_AT_SESSION_KEY
from accounts.models import SiteSettings
from accounts.standing import standing_of
from accounts.tests.authenticator import authenticator_code
from core.models import ModerationLog
from forum.tests.factories import TOTP_SECRET, AdministratorFactory, ModeratorFactory, UserFactory, add_totp

PASSWORD = "een-lang-wachtwoord"  # UserFactory's


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now (pyotp), never one about to expire."""
    return authenticator_code(secret)


def wrong_code(secret: str = TOTP_SECRET) -> str:
    return f"{(int(totp_code(secret)) + 1) % 10**mfa_settings.TOTP_DIGITS:0{mfa_settings.TOTP_DIGITS}}"


def log_in_with_password(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def logged_in_user_id(client):
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def error_codes(form, field):
    return [error.code for error in form.errors.as_data().get(field, [])]


@pytest.fixture
def moderator_without_totp(db):
    """A moderator who has not set up two-factor authentication (the factory's ``role=False``)."""
    moderator = ModeratorFactory(role=False)
    assert permissions.holds_moderator_role(standing_of(moderator))
    assert not Authenticator.objects.filter(user=moderator).exists()
    return moderator


@pytest.fixture
def member_with_totp(db):
    member = UserFactory()
    add_totp(member)
    return member


# Required for staff ---------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["home", "thread", "applications"])
def test_moderator_without_totp_is_sent_to_set_it_up(client, moderator_without_totp, thread, url_name):
    """Every page outside the account pages sends the moderator to allauth's TOTP activation first."""
    url = {
        "home": reverse("forum:home"),
        "thread": thread.get_absolute_url(),
        "applications": reverse("accounts:applications"),
    }[url_name]
    client.force_login(moderator_without_totp)
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_activate_totp")


def test_administrator_without_totp_is_sent_to_set_it_up(client, db):
    """Administrators are held to the same rule."""
    administrator = AdministratorFactory(totp=False)
    client.force_login(administrator)
    response = client.get(reverse("forum:home"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_activate_totp")


def test_account_pages_stay_reachable_without_totp(client, moderator_without_totp):
    """The account pages (where two-factor authentication is set up) are not redirected."""
    client.force_login(moderator_without_totp)
    assert client.get(reverse("account_email")).status_code == HTTPStatus.OK
    assert client.get(reverse("mfa_index")).status_code == HTTPStatus.OK


def test_staff_with_totp_pass(client, moderator, administrator, thread):
    """Moderators and administrators who set up TOTP reach every page."""
    for staff in (moderator, administrator):
        client.force_login(staff)
        assert client.get(reverse("forum:home")).status_code == HTTPStatus.OK
        assert client.get(thread.get_absolute_url()).status_code == HTTPStatus.OK


def test_members_are_never_sent_to_set_up_totp(user_client, thread):
    """Ordinary members are not asked for two-factor authentication."""
    assert SiteSettings.current().mfa_required_for_staff is True
    assert user_client.get(reverse("forum:home")).status_code == HTTPStatus.OK
    assert user_client.get(thread.get_absolute_url()).status_code == HTTPStatus.OK


def test_moderators_pass_when_the_site_does_not_require_totp(client, moderator_without_totp):
    """With the site setting off, a moderator without TOTP reaches the pages."""
    site = SiteSettings.current()
    site.mfa_required_for_staff = False
    site.save()
    client.force_login(moderator_without_totp)
    assert client.get(reverse("forum:home")).status_code == HTTPStatus.OK
    assert client.get(reverse("accounts:applications")).status_code == HTTPStatus.OK


def test_moderator_sets_up_totp_when_asked_and_then_passes(client, moderator_without_totp):
    """
    The whole path: log in, be sent to the activation page (no second password right after
    logging in), enter a code for the secret shown, see the recovery codes, and reach the site.
    """
    response = log_in_with_password(client, moderator_without_totp)
    response = client.get(response["Location"])
    assert response["Location"] == reverse("mfa_activate_totp")

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == HTTPStatus.OK
    secret = page.context["form"].secret
    assert f'value="{secret}"' in page.content.decode()  # shown, for typing into an app
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    assert response.status_code == HTTPStatus.OK
    assert error_codes(response.context["form"], "code") == ["incorrect_code"]
    assert not Authenticator.objects.filter(user=moderator_without_totp).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=moderator_without_totp, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == HTTPStatus.OK
    assert client.get(reverse("forum:home")).status_code == HTTPStatus.OK


def test_the_set_up_page_shows_the_same_secret_until_it_is_confirmed(transactional_db, client, moderator_without_totp):
    """
    Loading the set-up page again (a second tab, the browser's own requests) shows the same
    secret, and a code from the first load is accepted; once confirmed, a new set-up gets a new one.
    """
    log_in_with_password(client, moderator_without_totp)
    first = client.get(reverse("mfa_activate_totp")).context["form"].secret
    client.get("/favicon.ico", headers={"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"})
    second = client.get(reverse("mfa_activate_totp"))
    assert second.context["form"].secret == first
    assert f'value="{first}"' in second.content.decode()

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(first)})  # committed: allauth's signal
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=moderator_without_totp, type=Authenticator.Type.TOTP).exists()
    assert account_services.totp_pending_secret(moderator_without_totp) != first


def test_the_set_up_page_reads_as_the_sites_dutch(client, moderator_without_totp):
    """The set-up page says what to do in the site's Dutch (not allauth's "verificatie code")."""
    log_in_with_password(client, moderator_without_totp)
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "Authenticator-app instellen" in html
    assert "Scan de QR-code hieronder met je authenticator-app, of typ de sleutel eronder over in de app." in html
    assert "Code uit de app" in html
    assert "verificatie code" not in html


def test_the_password_is_asked_again_some_time_after_logging_in(client, moderator_without_totp):
    """allauth's reauthentication still holds once the login is older than its time (five minutes)."""
    log_in_with_password(client, moderator_without_totp)
    assert client.get(reverse("mfa_activate_totp")).status_code == HTTPStatus.OK
    session = client.session
    session[LOGGED_IN_AT_SESSION_KEY] -= account_settings.REAUTHENTICATION_TIMEOUT + 1
    session.save()

    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == HTTPStatus.OK


# Only page visits are sent to the set-up ---------------------------------------------------


def test_the_icon_is_served_to_a_moderator_without_totp(client, moderator_without_totp):
    """The browser's own request for /favicon.ico gets the site's icon, not the set-up page."""
    client.force_login(moderator_without_totp)
    for headers in ({"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}, {}):
        response = client.get("/favicon.ico", headers=headers)
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


@pytest.mark.parametrize("url", ["/", "/beheer/"])
def test_pages_carry_the_sites_icon_and_app_icon(client, administrator, url):
    """The site's pages and the admin's name the site's own icon; the files are there."""
    client.force_login(administrator)
    html = client.get(url).content.decode()
    icons = {
        static("icons/icon.svg"): "image/svg+xml",
        static("icons/apple-touch-icon.png"): "image/png",
    }
    for href, content_type in icons.items():
        assert f'href="{href}"' in html
        response = client.get(href)
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == content_type
    if url == "/":
        manifest = static("icons/site.webmanifest")
        assert f'<link rel="manifest" href="{manifest}">' in html
        assert client.get(manifest).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image", "Accept": "image/avif,image/webp,*/*"},
        {"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty", "Accept": "*/*"},
        {"Accept": "image/avif,image/webp,image/png,*/*;q=0.8"},  # a browser without Sec-Fetch headers
        {"HX-Request": "true", "Accept": "text/html, */*"},
        {"HX-Request": "true", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"},
    ],
    ids=["image", "fetch", "image-without-sec-fetch", "htmx", "htmx-with-sec-fetch"],
)
def test_requests_that_are_not_page_visits_are_not_redirected(client, moderator_without_totp, headers):
    client.force_login(moderator_without_totp)
    response = client.get(reverse("forum:home"), headers=headers)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Accept": "text/html,*/*;q=0.8"},
        {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
        {},
    ],
    ids=["browser", "browser-without-sec-fetch", "plain-client"],
)
def test_page_visits_are_redirected_to_the_set_up(client, moderator_without_totp, headers):
    client.force_login(moderator_without_totp)
    response = client.get(reverse("forum:home"), headers=headers)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_activate_totp")


# Logging in with TOTP ---------------------------------------------------------------------


def test_login_asks_for_the_code_after_the_password(client, member_with_totp):
    """The password alone does not log in: allauth asks for the authenticator code."""
    response = log_in_with_password(client, member_with_totp)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_authenticate")
    assert logged_in_user_id(client) is None

    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == HTTPStatus.OK
    assert "code" in page.context["form"].fields


def test_a_wrong_code_is_refused(client, member_with_totp):
    """A wrong code gives a form error and no session."""
    log_in_with_password(client, member_with_totp)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code()})
    assert response.status_code == HTTPStatus.OK
    assert error_codes(response.context["form"], "code") == ["incorrect_code"]
    assert logged_in_user_id(client) is None


def test_the_right_code_logs_in(client, member_with_totp):
    """Password and then the current code log the member in."""
    log_in_with_password(client, member_with_totp)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == HTTPStatus.FOUND
    assert logged_in_user_id(client) == member_with_totp.pk
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


def test_a_used_code_cannot_log_in_again(client, member_with_totp):
    """A code that has just been used is refused the second time (no replay)."""
    code = totp_code()
    log_in_with_password(client, member_with_totp)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert logged_in_user_id(client) == member_with_totp.pk
    client.post(reverse("account_logout"))

    log_in_with_password(client, member_with_totp)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert error_codes(response.context["form"], "code") == ["incorrect_code"]
    assert logged_in_user_id(client) is None


def test_the_code_page_needs_the_password_first(client, member_with_totp):
    """Without a password step the code page sends the visitor to the login page."""
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert logged_in_user_id(client) is None


# Rate limits ----------------------------------------------------------------------------


def test_many_failed_logins_for_one_address_are_limited(client, user, other_user):
    """
    After allauth's limit of failed logins for an address (ACCOUNT_RATE_LIMITS "login_failed",
    5 per 5 minutes per address by default) even the right password is refused for a while;
    another member's login is not affected.
    """
    for _attempt in range(5):
        response = log_in_with_password(client, user, password="fout-wachtwoord")
        assert response.status_code == HTTPStatus.OK
        assert "too_many_login_attempts" not in error_codes(response.context["form"], "__all__")

    response = log_in_with_password(client, user)

    assert response.status_code == HTTPStatus.OK
    assert error_codes(response.context["form"], "__all__") == ["too_many_login_attempts"]
    assert logged_in_user_id(client) is None
    assert log_in_with_password(client, other_user).status_code == HTTPStatus.FOUND
    assert logged_in_user_id(client) == other_user.pk


# Pages --------------------------------------------------------------------------------


def test_mfa_pages_use_the_site_frame(client, member_with_totp):
    """allauth's two-factor pages carry the site's header, footer and language."""
    log_in_with_password(client, member_with_totp)
    pages = [client.get(reverse("mfa_authenticate"))]
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    pages.append(client.get(reverse("mfa_index")))
    for response in pages:
        html = response.content.decode()
        assert response.status_code == HTTPStatus.OK
        assert 'class="site-header"' in html and 'class="site-footer' in html
        assert re.search(r'<html lang="nl">', html)


def test_moderator_powers_wait_for_two_factor(moderator_without_totp, reply):
    """Without two-factor authentication a moderator's acts are refused, also by direct POST."""
    from django.core.exceptions import PermissionDenied

    from moderation import services

    assert not permissions.is_moderator(standing_of(moderator_without_totp))
    with pytest.raises(PermissionDenied):
        services.post_hide(acting_user=moderator_without_totp, post=reply, reason="Spam")
    assert not ModerationLog.objects.exists()
