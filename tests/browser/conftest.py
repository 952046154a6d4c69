"""
Fixtures for the browser tests: Playwright driving the system Chromium.

The browser is never downloaded: the tests use ``/usr/bin/chromium`` from the
operating system (``apt-get install chromium``) and fail, not skip, when it is
missing, so a CI run without a browser cannot pass unnoticed.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an asyncio event loop in this thread; the test's own
# database calls (seeding, checks) would otherwise be refused by Django.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Milliseconds, for actions and for expect(): generous for a loaded CI machine, short enough to fail fast.
TIMEOUT = 10_000
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright():
    expect.set_options(timeout=TIMEOUT)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need the system Chromium at {CHROMIUM}; install it with "
            "`apt-get install chromium` (never `playwright install`)."
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(request, browser):
    """A page in a fresh browser context (no cookies from other tests), in Dutch."""
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        # A screenshot of where the scenario stopped, for the CI logs and artefacts.
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        path = ARTIFACTS_DIR / f"{request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"Screenshot of the failing page ({page.url}): {path}")
    context.close()


@pytest.fixture
def log_in(live_server, page):
    """
    Log a member in without the login form: ``log_in(user)`` makes a session with Django's test
    client and gives its cookie to the page's browser context.
    """

    def log_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in


@pytest.fixture(autouse=True)
def site_url_is_the_test_server(settings, live_server):
    """Links in e-mails point at the test server, as ``SITE_URL`` points at the real site in production."""
    settings.SITE_URL = live_server.url
