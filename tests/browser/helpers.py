"""Helpers shared by the browser tests."""

from contextlib import contextmanager

from django.conf import settings
from django.test import Client

from .conftest import ARTIFACTS_DIR, TIMEOUT


@contextmanager
def browsing_as(browser, request, base_url: str, member=None, *, language: str | None = None, **options):
    """
    A page in a new browser context of its own, with ``member`` logged in (a session from Django's
    test client) or as a visitor, in Dutch unless ``language`` sets the language cookie. A screenshot
    is kept when the test fails in it.
    """
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", **options)
    context.set_default_timeout(TIMEOUT)
    cookies = []
    if member is not None:
        client = Client()
        client.force_login(member)
        session = client.cookies[settings.SESSION_COOKIE_NAME]
        cookies.append({"name": session.key, "value": session.value, "url": base_url})
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url})
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    try:
        yield page
    except BaseException:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        who = member.pk if member is not None else "visitor"
        path = ARTIFACTS_DIR / f"{request.node.name}-{who}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"Screenshot of the failing page ({page.url}): {path}")
        raise
    finally:
        context.close()
