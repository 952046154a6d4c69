"""
Appreciating a reply on the thread page, with and without JavaScript. Every button submits the
page's one appreciation form (``form="reaction-form"``) to its own reply's address: without
JavaScript the browser posts it and comes back to the button; with htmx the block and the status
region are swapped in place.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from forum.models import Reaction
from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory


@pytest.fixture
def replies(db):
    thread = ThreadFactory(title="Waarderingen op de pagina")
    author = UserFactory(display_name="Schrijver Een")
    return [ReplyFactory(thread=thread, author=author, body=f"Reactie nummer {number}.") for number in range(3)]


def appreciate_button(page: Page, reply):
    return page.locator(f"#reaction-button-reply-{reply.pk}")


@pytest.mark.browser
def test_member_appreciates_a_reply_in_place_and_takes_it_back(live_server, page: Page, log_in, replies):
    member = UserFactory(display_name="Waarderend Lid")
    log_in(member)
    reply = replies[1]
    page.goto(live_server.url + reply.thread.get_absolute_url())
    button = appreciate_button(page, reply)
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("button", name="Waardeer de reactie van Schrijver Een")).to_have_count(3)
    url = page.url

    button.click()
    expect(appreciate_button(page, reply)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#reaction-reply-{reply.pk}")).to_contain_text("1 waardering")
    expect(page.locator("#engagement-status")).to_have_text("Je waardeert deze reactie.")
    assert page.url == url  # swapped in place, no new page
    assert Reaction.objects.filter(member=member, reply=reply).count() == 1
    expect(appreciate_button(page, replies[0])).to_have_attribute("aria-pressed", "false")

    appreciate_button(page, reply).click()  # the swapped-in button submits the page's form too
    expect(appreciate_button(page, reply)).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"#reaction-reply-{reply.pk}")).not_to_contain_text("waardering")
    assert not Reaction.objects.filter(member=member, reply=reply).exists()


@pytest.mark.browser
def test_without_javascript_the_button_posts_and_comes_back_to_it(live_server, browser, replies):
    member = UserFactory(display_name="Lid Zonder Script")
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", java_script_enabled=False)
    try:
        client = Client()
        client.force_login(member)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        reply = replies[2]
        page.goto(f"{live_server.url}{reply.thread.get_absolute_url()}?sort=oldest")

        appreciate_button(page, reply).click()
        expect(page).to_have_url(re.compile(rf"\?sort=oldest#reaction-reply-{reply.pk}$"))
        expect(appreciate_button(page, reply)).to_have_attribute("aria-pressed", "true")
        expect(page.get_by_text("Je waardeert deze reactie.")).to_be_visible()
        assert Reaction.objects.filter(member=member, reply=reply).count() == 1
    finally:
        context.close()
