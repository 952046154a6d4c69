"""
On a phone (390 by 844 pixels, as an iPhone 12 to 15) and at a glance: the header is one row with a
menu button that works with and without JavaScript, the thread page offers a way to its replies,
and the pages it changed have no WCAG A/AA violation at 390 and 1280 pixels wide.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from forum.models import Theme, Thread
from forum.tests.factories import UserFactory

from .helpers import browsing_as
from .test_accessibility import SEEDED_THEME_SLUG, SEEDED_THREAD_TITLE, axe_violations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Where the page's own content starts on a phone: the header's height. Four rows of links took 220.
MAX_HEADER_HEIGHT = 120


def main_top(page: Page) -> float:
    return page.evaluate("document.querySelector('main').getBoundingClientRect().top")


def check_menu(page: Page, base_url: str, links: list[str]):
    """On a phone: a short header, the links behind the menu button until it is pressed, then shown."""
    page.goto(base_url + "/")
    assert main_top(page) < MAX_HEADER_HEIGHT, f"the header takes {main_top(page)} pixels"
    menu = page.locator(".site-header summary")
    expect(menu).to_have_text("Menu")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    for name in links:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_hidden()
    menu.click()
    expect(page.locator(".site-header details")).to_have_attribute("open", "")
    for name in links:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    # Opening it lays the menu over the page: the content does not move down.
    assert main_top(page) < MAX_HEADER_HEIGHT
    menu.click()
    expect(nav.get_by_role("link", name=links[0], exact=True)).to_be_hidden()


@pytest.fixture
def seeded(db):
    call_command("seed_forum", verbosity=0)
    return Thread.objects.get(title=SEEDED_THREAD_TITLE)


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [False, True], ids=["without-javascript", "with-javascript"])
def test_the_header_is_one_row_with_a_menu_button_on_a_phone(javascript, request, browser, live_server, seeded):
    with browsing_as(browser, request, live_server.url, viewport=PHONE, java_script_enabled=javascript) as page:
        check_menu(page, live_server.url, ["Discussies", "Inloggen", "Lid worden"])
    member = UserFactory()
    with browsing_as(browser, request, live_server.url, member, viewport=PHONE, java_script_enabled=javascript) as page:
        check_menu(page, live_server.url, ["Discussies", "Mijn profiel", "Leden", "Mijn account", "Mijn gegevens"])
        page.locator(".site-header summary").click()
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn gegevens").click()
        expect(page.locator("h1")).to_be_visible()
        assert page.url.endswith("/mijn-gegevens/")


@pytest.mark.browser
def test_on_a_desktop_the_menu_is_shown_without_a_button(request, browser, live_server, seeded):
    with browsing_as(browser, request, live_server.url, UserFactory(), viewport=DESKTOP) as page:
        page.goto(live_server.url + "/")
        expect(page.locator(".site-header summary")).to_be_hidden()
        nav = page.get_by_role("navigation", name="Hoofdmenu")
        for name in ("Discussies", "Mijn profiel", "Leden", "Mijn account", "Mijn gegevens"):
            expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(nav.get_by_role("button", name="Uitloggen")).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [False, True], ids=["without-javascript", "with-javascript"])
def test_a_visitor_jumps_from_the_top_of_a_thread_to_its_replies(javascript, request, browser, live_server, seeded):
    with browsing_as(browser, request, live_server.url, viewport=PHONE, java_script_enabled=javascript) as page:
        page.goto(live_server.url + seeded.get_absolute_url())
        replies = page.locator("#replies-title")
        expect(replies).not_to_be_in_viewport()
        jump = page.get_by_role("link", name="Naar de reacties")
        expect(jump).to_be_in_viewport()  # at the top, before the article
        jump.click()
        expect(replies).to_be_in_viewport()
        assert page.url.endswith("#replies-title")


@pytest.mark.browser
def test_the_thread_facts_stand_next_to_the_article_on_a_wide_screen(request, browser, live_server, seeded):
    with browsing_as(browser, request, live_server.url, viewport=DESKTOP) as page:
        page.goto(live_server.url + seeded.get_absolute_url())
        article = page.locator("article.thread").bounding_box()
        aside = page.get_by_role("complementary", name="Over deze discussie").bounding_box()
        assert aside["x"] >= article["x"] + article["width"], "the facts stand to the right of the article"
        assert aside["y"] < article["y"] + 200, "at its top"
    with browsing_as(browser, request, live_server.url, viewport=PHONE) as page:
        page.goto(live_server.url + seeded.get_absolute_url())
        article = page.locator("article.thread").bounding_box()
        aside = page.get_by_role("complementary", name="Over deze discussie").bounding_box()
        replies = page.locator("#replies-title").bounding_box()
        assert article["y"] + article["height"] <= aside["y"] < replies["y"], "after the article, before the replies"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
@pytest.mark.parametrize("role", ["visitor", "member"])
def test_the_changed_pages_have_no_violations(viewport, role, request, browser, live_server, seeded):
    """Home, theme and thread page, with the menu open on a phone: no WCAG 2.1 A/AA violation."""
    theme = Theme.objects.get(slug=SEEDED_THEME_SLUG)
    member = UserFactory() if role == "member" else None
    with browsing_as(browser, request, live_server.url, member, viewport=viewport) as page:
        for path in ("/", theme.get_absolute_url(), seeded.get_absolute_url()):
            page.goto(live_server.url + path)
            menu = page.locator(".site-header summary")
            if menu.is_visible():
                menu.click()
            violations = axe_violations(page)
            assert not violations, f"{path} at {viewport['width']} pixels: {violations}"
