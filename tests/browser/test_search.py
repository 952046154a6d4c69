"""
Search in a real browser: a visitor finds the seeded thread by a stemmed word from the header's
search box and opens it; on a phone the box fits; the new-thread form shows similar discussions as
the title is typed (htmx) and with the check button.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from forum.models import Theme, Thread
from forum.tests.factories import UserFactory

from .test_accessibility import SEEDED_THEME_SLUG, SEEDED_THREAD_TITLE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def seeded(db):
    call_command("seed_forum", verbosity=0)
    return Thread.objects.get(title=SEEDED_THREAD_TITLE)


def test_a_visitor_finds_the_seeded_thread_by_a_stemmed_word_and_opens_it(live_server, page: Page, seeded):
    page.goto(live_server.url + "/")
    box = page.get_by_role("search").get_by_label("Zoek in discussies, leden en organisaties")
    box.fill("meningsuitingen")
    box.press("Enter")
    expect(page).to_have_url(live_server.url + "/zoeken/?q=meningsuitingen")
    hit = page.locator(".search-hit").filter(has=page.locator("mark", has_text="meningsuiting")).first
    expect(hit).to_be_visible()
    hit.get_by_role("link", name=SEEDED_THREAD_TITLE).click()
    expect(page.locator("h1")).to_have_text(SEEDED_THREAD_TITLE)
    assert page.url.startswith(live_server.url + seeded.get_absolute_url())


def test_on_a_phone_the_search_box_fits_the_header(live_server, page: Page, seeded):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    box = page.locator(".site-search input[name=q]")
    expect(box).to_be_visible()
    right = page.evaluate("document.querySelector('.site-search').getBoundingClientRect().right")
    assert right <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box.fill("ambtenaren")
    page.locator(".site-search button").click()
    expect(page.locator(".search-hit").first).to_be_visible()


def test_similar_discussions_follow_the_title_as_it_is_typed(live_server, page: Page, seeded, log_in):
    log_in(UserFactory())
    page.goto(live_server.url + f"/thema/{Theme.objects.get(slug=SEEDED_THEME_SLUG).slug}/nieuw/")
    page.locator("[name=title]").press_sequentially("Ruimte voor meningsuiting", delay=20)
    similar = page.locator("#similar-threads")
    expect(similar.get_by_role("link", name=SEEDED_THREAD_TITLE)).to_be_visible()
    # Without waiting for htmx: the button asks the same, and what was written stays.
    page.locator("[name=body]").fill("Mijn eigen vraag.")
    page.locator("main form button[name=check]").click()
    expect(similar.get_by_role("link", name=SEEDED_THREAD_TITLE)).to_be_visible()
    expect(page.locator("[name=body]")).to_have_value("Mijn eigen vraag.")
