"""The main path of the site, end to end in a real browser: a visitor reads, joins and replies."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from forum.models import Reply, Thread

THREAD_TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"
THREAD_AUTHOR = "Fatou van den Hoff"
SEEDED_VIEWS = 287
# The five seeded replies, newest first (the thread page's default order), as the Dutch site heads them.
SEEDED_REPLY_HEADINGS = [
    "Reactie van sietze zijl op 10 april 2012 om 0.25",
    "Reactie van Davied op 6 april 2012 om 9.33",
    "Reactie van Harro Ranter op 5 april 2012 om 17.52",
    "Reactie van Fatou van den Hoff op 5 april 2012 om 14.57",
    "Reactie van Davied op 5 april 2012 om 8.47",
]
MEMBERS_WALL = "Je moet lid zijn van Ambtenaar 2.0 om reacties te kunnen toevoegen!"
JOIN_BUTTON = "Word lid van Ambtenaar 2.0"

DISPLAY_NAME = "Anouk de Vries"
EMAIL = "anouk.de.vries@gemeente-zwolle.example"
PASSWORD = "Thorbecke-plein-1848-kwetsbaar-blauw"
REPLY_TEXT = "Ik ben het eens met Fatou — groet uit Zwolle ✓"

CONFIRMATION_URL = re.compile(r"https?://[^/\s]+/accounts/confirm-email/[^/\s]+/")


@pytest.mark.browser
def test_visitor_reads_thread_signs_up_confirms_email_and_replies(live_server, page: Page):
    """
    A visitor opens the seeded thread from the home page and sees the article, its
    author, the view counter (this visit included), the five replies newest first and
    the members-only wall. They join, confirm their e-mail address with the link from
    the verification mail (which logs them in), and post a reply that then stands on
    the thread page under their name.
    """
    call_command("seed_forum")
    thread = Thread.objects.get(title=THREAD_TITLE)

    open_thread_from_home_page(page, live_server.url)
    assert page.url == live_server.url + thread.get_absolute_url()
    check_thread_page_as_visitor(page)

    page.get_by_role("link", name=JOIN_BUTTON, exact=True).click()
    sign_up(page)
    confirm_email_address(page)
    assert EmailAddress.objects.filter(email=EMAIL, verified=True, user__display_name=DISPLAY_NAME).exists()

    page.goto(live_server.url + thread.get_absolute_url())
    post_reply(page, REPLY_TEXT)
    expect(page).to_have_url(re.compile(rf"{re.escape(thread.get_absolute_url())}#reactie-\d+$"))

    thread.refresh_from_db()
    assert Reply.objects.filter(thread=thread).count() == 6
    assert thread.reply_count == 6
    assert Reply.objects.get(thread=thread, author__display_name=DISPLAY_NAME).body == REPLY_TEXT


def open_thread_from_home_page(page: Page, base_url: str):
    page.goto(base_url + "/")
    page.locator(".thread-list").get_by_role("link", name=THREAD_TITLE, exact=True).click()
    expect(page.locator("h1")).to_have_text(THREAD_TITLE)


def check_thread_page_as_visitor(page: Page):
    thread = page.locator("article.thread")
    expect(thread.locator(".post-meta")).to_contain_text(THREAD_AUTHOR)
    expect(thread.locator(".post-body")).to_contain_text("In gesprek of verkeerd verbonden?")
    # to_have_text compares with whitespace normalised, so template line breaks do not matter.
    # The views stand with the thread's other facts, next to the article on a wide screen.
    expect(page.locator(".thread-aside .thread-views")).to_have_text(f"Weergaven: {SEEDED_VIEWS + 1}")
    expect(page.locator("article.reply h3")).to_have_text(SEEDED_REPLY_HEADINGS)
    expect(page.locator(".members-wall")).to_contain_text(MEMBERS_WALL)
    expect(page.locator('form[action$="/reageren/"]')).to_have_count(0)


def sign_up(page: Page):
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    page.locator("[name=display_name]").fill(DISPLAY_NAME)
    page.locator("[name=email]").fill(EMAIL)
    page.locator("[name=password1]").fill(PASSWORD)
    page.locator("[name=password2]").fill(PASSWORD)
    page.locator("[name=accept_terms]").check()
    page.locator("form.account-form button[type=submit]").click()
    # allauth sends the verification mail, then shows the "check your inbox" page.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))


def confirm_email_address(page: Page):
    messages = [message for message in mail.outbox if EMAIL in message.to]
    assert len(messages) == 1, f"expected one verification mail to {EMAIL}, got {len(messages)}"
    match = CONFIRMATION_URL.search(messages[0].body)
    assert match, f"no confirmation link in the mail:\n{messages[0].body}"
    page.goto(match.group())
    page.locator('form[action*="/accounts/confirm-email/"] button[type=submit]').click()
    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: the member is logged in and sent on from the confirm page.
    expect(page).not_to_have_url(re.compile(r"/accounts/confirm-email/"))
    expect(page.locator('form[action$="/accounts/logout/"]')).to_have_count(1)


def post_reply(page: Page, text: str):
    reply_form = page.locator('form[action$="/reageren/"]')
    reply_form.locator("textarea[name=body]").fill(text)
    reply_form.locator("button[type=submit]:not([name=preview])").click()
    # The reply is posted and the member lands on it in the thread page.
    new_reply = page.locator("article.reply").filter(has_text=text)
    expect(new_reply).to_have_count(1)
    expect(new_reply.locator("h3")).to_have_text(
        re.compile(rf"^\s*Reactie van {re.escape(DISPLAY_NAME)} op \d{{1,2}} \w+ \d{{4}} om \d{{1,2}}\.\d{{2}}\s*$")
    )
    expect(new_reply.locator(".post-body")).to_have_text(text)
