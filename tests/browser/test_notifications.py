"""
Notifications end to end in a real browser: a mention reaches the bell, the
notification leads to the reply, and marking read works with htmx and, without
JavaScript, as a plain form post.

The assertions use element selectors, ids and numbers rather than Dutch wording,
which the translators may still change.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from forum.models import Reply, Thread
from forum.tests.factories import UserFactory
from notifications import services
from notifications.models import Kind, Notification

from .helpers import browsing_as

THREAD_TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"
MENTIONED = "Anouk Jansen"
AUTHOR = "Bram de Wit"
REPLY_TEXT = f"Goed punt @{MENTIONED}, wat vind jij?"

BELL = "header a.notification-bell"
LIST_PATH = "/meldingen/"
MARK_ALL = 'form[action="/meldingen/gelezen/"] button[type=submit]'


def expect_bell(page: Page, unread: int):
    """The header's bell names the number of unread notifications, and shows it only when there are any."""
    bell = page.locator(BELL)
    expect(bell).to_have_attribute("aria-label", re.compile(rf"(?<!\d){unread}(?!\d)"))
    if unread:
        expect(bell.locator(".notification-count")).to_have_text(str(unread))
    else:
        expect(bell.locator(".notification-count")).to_have_count(0)


def mention(member, thread, actor):
    return services.notify(recipient=member, kind=Kind.MENTION, actor=actor, target=thread)


@pytest.mark.browser
def test_a_member_is_mentioned_sees_the_bell_opens_the_notification_and_lands_on_the_reply(
    request, live_server, browser, page: Page, log_in
):
    """
    Bram mentions Anouk in a reply on the seeded thread; Anouk's bell shows one unread
    notification, which opens the thread at Bram's reply, and then the bell is empty.
    """
    call_command("seed_forum")
    thread = Thread.objects.get(title=THREAD_TITLE)
    anouk = UserFactory(display_name=MENTIONED)
    bram = UserFactory(display_name=AUTHOR)

    log_in(bram)
    page.goto(live_server.url + thread.get_absolute_url())
    reply_form = page.locator('form[action$="/reageren/"]')
    reply_form.locator("textarea[name=body]").fill(REPLY_TEXT)
    reply_form.locator("button[type=submit]:not([name=preview])").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(thread.get_absolute_url())}#reactie-\d+$"))

    # The task runs after the commit (the immediate backend, in the live server's thread).
    reply = Reply.objects.get(thread=thread, author=bram)
    notification = Notification.objects.get(recipient=anouk)
    assert (notification.kind, notification.target, notification.read_at) == (Kind.MENTION, reply, None)

    with browsing_as(browser, request, live_server.url, anouk) as anouks_page:
        anouks_page.goto(live_server.url + "/")
        expect_bell(anouks_page, 1)

        anouks_page.locator(BELL).click()
        expect(anouks_page).to_have_url(live_server.url + LIST_PATH)
        item = anouks_page.locator(f"#notification-{notification.pk}")
        expect(item).to_have_class(re.compile(r"\bnotification-item--unread\b"))
        expect(item.locator("a.notification-link")).to_contain_text(AUTHOR)
        expect(item.locator("a.notification-link")).to_contain_text(THREAD_TITLE)

        item.locator("a.notification-link").click()
        expect(anouks_page).to_have_url(f"{live_server.url}{thread.get_absolute_url()}#reactie-{reply.pk}")
        landed = anouks_page.locator(f"#reactie-{reply.pk}")
        expect(landed.locator(".post-body")).to_have_text(REPLY_TEXT)
        expect(landed).to_be_in_viewport()
        expect_bell(anouks_page, 0)

    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.browser
def test_with_javascript_marking_read_updates_the_item_and_the_bell_without_a_reload(request, live_server, browser):
    """With htmx, "mark as read" and "mark all as read" change the list, the bell and the status in place."""
    call_command("seed_forum")
    thread = Thread.objects.get(title=THREAD_TITLE)
    anouk, bram = UserFactory(display_name=MENTIONED), UserFactory(display_name=AUTHOR)
    first, second, third = (mention(anouk, thread, bram) for _ in range(3))

    with browsing_as(browser, request, live_server.url, anouk) as page:
        page.goto(live_server.url + LIST_PATH)
        expect_bell(page, 3)
        page.evaluate("window.stillTheSamePage = true")

        page.locator(f"#notification-{first.pk} form button[type=submit]").click()
        item = page.locator(f"#notification-{first.pk}")
        expect(item).not_to_have_class(re.compile(r"\bnotification-item--unread\b"))
        expect(item.locator("form")).to_have_count(0)
        expect(item.locator("a.notification-link")).to_be_focused()
        expect_bell(page, 2)
        expect(page.locator("#notifications-status[role=status]")).not_to_be_empty()

        page.locator(MARK_ALL).click()
        expect(page.locator(".notification-item--unread")).to_have_count(0)
        expect(page.locator(MARK_ALL)).to_have_count(0)
        expect(page.locator("#notifications")).to_be_focused()
        expect_bell(page, 0)
        assert page.evaluate("window.stillTheSamePage") is True
        assert page.url == live_server.url + LIST_PATH

    assert not Notification.objects.filter(pk__in=[first.pk, second.pk, third.pk], read_at__isnull=True).exists()


@pytest.mark.browser
def test_without_javascript_mark_all_read_is_a_plain_form_post(request, live_server, browser):
    """With JavaScript off, "mark all as read" posts the form, and the list comes back read, with a message."""
    call_command("seed_forum")
    thread = Thread.objects.get(title=THREAD_TITLE)
    anouk, bram = UserFactory(display_name=MENTIONED), UserFactory(display_name=AUTHOR)
    notifications = [mention(anouk, thread, bram) for _ in range(2)]

    with browsing_as(browser, request, live_server.url, anouk, java_script_enabled=False) as page:
        page.goto(live_server.url + LIST_PATH)
        expect_bell(page, 2)
        expect(page.locator(".notification-item--unread")).to_have_count(2)

        with page.expect_navigation():
            page.locator(MARK_ALL).click()
        expect(page).to_have_url(live_server.url + LIST_PATH)
        expect(page.locator(".notification-item")).to_have_count(2)
        expect(page.locator(".notification-item--unread")).to_have_count(0)
        expect(page.locator(MARK_ALL)).to_have_count(0)
        expect(page.locator(".messages[role=status] .alert-success")).to_have_count(1)
        expect_bell(page, 0)

    assert not Notification.objects.filter(pk__in=[n.pk for n in notifications], read_at__isnull=True).exists()
