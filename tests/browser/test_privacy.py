"""Privacy end to end in a real browser: a member downloads their data and closes their account."""

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from core.models import ModerationAction, ModerationLog
from forum.models import Reply, Thread
from forum.tests.factories import UserFactory

THREAD_TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"
PASSWORD = "een-lang-wachtwoord"  # UserFactory's
DISPLAY_NAME = "Bram Kwetsbaar-Blauw"
EMAIL = "bram@gemeente-deventer.example"
REPLY_TEXT = "Mijn bijdrage blijft staan, ook als ik vertrek — groet uit Deventer ✓"
EXPORT_FILENAME = "ambtenaar20-mijn-gegevens.json"
FORMER_MEMBER = re.compile(r"voormalig lid|former member", re.IGNORECASE)


@pytest.mark.browser
def test_member_downloads_their_data_and_closes_their_account(live_server, page: Page):
    """
    A member logs in through the login form and replies to the seeded thread. On "My data"
    they download a JSON file that holds their reply, then close their account with their
    password. They are logged out, and the thread still shows their reply, now under
    "former member" instead of their name.
    """
    call_command("seed_forum", verbosity=0)
    member = UserFactory(display_name=DISPLAY_NAME, email=EMAIL)
    thread = Thread.objects.get(title=THREAD_TITLE)
    thread_url = live_server.url + thread.get_absolute_url()

    log_in_with_form(page, live_server.url, EMAIL, PASSWORD)
    page.goto(thread_url)
    post_reply(page, REPLY_TEXT)

    page.locator("header.site-header").locator(f'a[href="{reverse("accounts:my_data")}"]').click()
    expect(page).to_have_url(live_server.url + reverse("accounts:my_data"))
    data = download_my_data(page)
    assert data["profile"]["display_name"] == DISPLAY_NAME
    assert data["profile"]["email"] == EMAIL
    assert REPLY_TEXT in [reply["body"] for reply in data["replies"]]
    assert data["terms_acceptances"], "the member accepted the seeded terms"

    page.locator(f'main a[href="{reverse("accounts:close_account")}"]').click()
    close_account(page, PASSWORD)
    expect(page).to_have_url(live_server.url + reverse("forum:home"))
    expect(page.locator(".messages .alert-success")).to_have_count(1)
    expect(page.locator('form[action$="/accounts/logout/"]')).to_have_count(0)
    expect(page.locator(f'header a[href="{reverse("account_login")}"]')).to_have_count(1)

    member = User.objects.get(pk=member.pk)
    assert member.is_former_member and not member.is_active and member.email is None
    assert ModerationLog.objects.filter(action=ModerationAction.ACCOUNT_DELETE, target_id=member.pk).exists()

    page.goto(thread_url)
    reply = page.locator("article.reply").filter(has_text=REPLY_TEXT)
    expect(reply).to_have_count(1)
    expect(reply.locator("h3")).to_have_text(FORMER_MEMBER)
    expect(reply.locator("h3")).not_to_contain_text(DISPLAY_NAME)
    expect(page.locator("main")).not_to_contain_text(DISPLAY_NAME)
    assert Reply.objects.get(body=REPLY_TEXT).author_id == member.pk


def log_in_with_form(page: Page, base_url: str, email: str, password: str):
    page.goto(base_url + reverse("account_login"))
    page.locator("[name=login]").fill(email)
    page.locator("[name=password]").fill(password)
    page.locator("form.account-form button[type=submit]").click()
    expect(page.locator('form[action$="/accounts/logout/"]')).to_have_count(1)


def post_reply(page: Page, text: str):
    reply_form = page.locator('form[action$="/reageren/"]')
    reply_form.locator("textarea[name=body]").fill(text)
    reply_form.locator("button[type=submit]:not([name=preview])").click()
    expect(page.locator("article.reply").filter(has_text=text)).to_have_count(1)


def download_my_data(page: Page) -> dict:
    with page.expect_download() as download_info:
        page.locator(f'main a[href="{reverse("accounts:my_data_download")}"]').click()
    download = download_info.value
    assert download.suggested_filename == EXPORT_FILENAME
    with open(download.path(), encoding="utf-8") as file:
        return json.load(file)


def close_account(page: Page, password: str):
    form = page.locator("form.close-account-form")
    form.locator("[name=password]").fill(password)
    form.locator("[name=confirm]").check()
    form.locator("button[type=submit]").click()
