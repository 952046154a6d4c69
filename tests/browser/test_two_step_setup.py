"""
A new moderator sets up two-step verification in a real browser: every request the pages make
is let through (the icon, the style sheets, the scripts), as in Chromium with default settings.
The code is computed from the key the set-up page shows, as an authenticator app does it
(RFC 6238, with pyotp).
"""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.authenticator import authenticator_code
from forum.tests.factories import ModeratorFactory

PASSWORD = "een-lang-wachtwoord"  # UserFactory's


def authenticator_app_code(key: str) -> str:
    """The code an authenticator app shows now for ``key`` (pyotp, RFC 6238), waiting out a period about to end."""
    return authenticator_code(key, margin=3)


def load_as_image(page, url: str) -> int:
    """Load ``url`` the way a browser loads the tab's icon (an image request); its width, or -1."""
    return page.evaluate(
        """url => new Promise(resolve => {
            const image = new Image();
            image.onload = () => resolve(image.naturalWidth);
            image.onerror = () => resolve(-1);
            image.src = url;
        })""",
        url,
    )


@pytest.mark.browser
def test_a_new_moderator_sets_up_two_step_verification_and_reaches_the_queue(live_server, page):
    moderator = ModeratorFactory(role=False)  # the role, without two-step verification yet
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append((response.status, response.url)))
    page.on("requestfailed", lambda request: failed.append((request.failure, request.url)))

    # The login form, as the moderator uses it.
    page.goto(live_server.url + reverse("account_login"))
    page.locator("#id_login").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()

    # Straight to the set-up page: no second password.
    expect(page).to_have_url(live_server.url + reverse("mfa_activate_totp"))
    key = page.locator("#authenticator_secret").input_value()
    assert len(key) >= 16

    # The tab's icon and the page's own requests, as the browser makes them, change nothing.
    assert load_as_image(page, "/favicon.ico") > 0
    assert load_as_image(page, page.locator("link[rel=icon]").get_attribute("href")) > 0
    assert load_as_image(page, page.locator("link[rel=apple-touch-icon]").get_attribute("href")) > 0
    page.reload()
    expect(page.locator("#authenticator_secret")).to_have_value(key)

    page.locator("input[name=code]").fill(authenticator_app_code(key))
    page.locator("form.account-form button[type=submit]").click()

    expect(page).to_have_url(live_server.url + reverse("mfa_view_recovery_codes"))
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()

    page.goto(live_server.url + reverse("moderation:moderation_queue"))
    expect(page).to_have_url(live_server.url + reverse("moderation:moderation_queue"))
    expect(page.locator("h1")).to_be_visible()
    assert failed == []
