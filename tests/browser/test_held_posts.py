"""
A post held for approval, in the browser: its author posts in a pre-moderated theme and sees it
marked as waiting, other members do not see it, and a moderator approves it from the moderation
queue with the keyboard alone, after which everyone reads it.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from forum.models import Status, Theme, Thread
from forum.tests.factories import ModeratorFactory, UserFactory

from .helpers import browsing_as
from .test_keyboard import tab_to

SEEDED_THREAD_TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"

pytestmark = pytest.mark.browser


def test_a_held_reply_waits_then_a_moderator_approves_it_by_keyboard(live_server, browser, request):
    call_command("seed_forum")
    thread = Thread.objects.get(title=SEEDED_THREAD_TITLE)
    Theme.objects.filter(pk=thread.theme_id).update(is_premoderated=True)
    author, reader, moderator = UserFactory(), UserFactory(), ModeratorFactory()
    url = live_server.url + thread.get_absolute_url()
    text = "Een nieuw perspectief op de Rob-adviezen"

    with browsing_as(browser, request, live_server.url, author, language="en") as page:
        page.goto(url)
        page.locator("textarea[name=body]").fill(text)
        page.locator(".reply-form button[type=submit]:not([name])").click()
        expect(page.locator(".messages")).to_contain_text("waits for a moderator's approval")
        held = page.locator(".held-replies article")
        expect(held).to_contain_text(text)
        expect(held.locator(".held-notice")).to_contain_text("Waiting for approval")

    with browsing_as(browser, request, live_server.url, reader) as page:
        page.goto(url)
        expect(page.locator("main")).not_to_contain_text(text)

    with browsing_as(browser, request, live_server.url, moderator, language="en") as page:
        page.goto(live_server.url + "/moderatie/")
        item = page.locator(".held-queue > li").first
        expect(item).to_contain_text(text)
        expect(item).to_contain_text("Held because: the theme is pre-moderated")
        page.locator("body").focus()
        tab_to(page, ".held-queue button.btn-success")
        page.keyboard.press("Enter")
        expect(page.locator(".messages")).to_contain_text("The post has been approved")
        expect(page.locator(".held-queue")).to_contain_text("No posts are waiting for approval.")

    assert thread.replies.get(body=text).status == Status.PUBLISHED
    with browsing_as(browser, request, live_server.url, reader) as page:
        page.goto(url)
        expect(page.locator(".reply-list")).to_contain_text(text)
