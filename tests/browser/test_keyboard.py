"""
Keyboard only: the site used with nothing but ``page.keyboard`` (Tab, Shift+Tab, Enter, Space).

WCAG 2.1.1 (everything works from the keyboard), 2.4.1 (a way to skip the repeated header), 2.4.3 (a
sensible focus order) and 2.4.7 (focus visible): each walk below checks the site's focus outline on every
stop it passes. The header has no drop-down menus: its links (the notification bell, "My profile", the
moderation queue), the log-out button and the language switch (a form with a button) work without
JavaScript; what opens and closes are <details> elements (the moderation tools, who appreciated a post),
which open and close with Enter and Space. ``test_accessibility`` walks two more pages for the outline.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from forum import services
from forum.models import Reply, Thread
from forum.tests.factories import ModeratorFactory, UserFactory
from moderation import services as moderation_services

SEEDED_THREAD_TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"
# Enough for the longest walk (a member from the top of the thread page to its reply form), and a stop for a loop.
MAX_TAB_STOPS = 250

# The focused element: a readable name, whether it matches the selector looked for, and its focus outline.
FOCUSED = r"""(selector) => {
    const element = document.activeElement;
    if (!element || element === document.body) {
        return null;
    }
    const style = getComputedStyle(element);
    const text = (element.innerText || element.value || element.name || element.getAttribute("aria-label") || "");
    const box = element.getBoundingClientRect();
    return {
        element: `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}` +
            `${element.className ? "." + element.className.trim().replace(/\s+/g, ".") : ""} ` +
            `"${text.replace(/\s+/g, " ").trim().slice(0, 40)}"`,
        matches: element.matches(selector),
        outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
        visible: box.width > 0 && box.height > 0,
    };
}"""


def tab_to(page: Page, selector: str, *, backwards: bool = False) -> list[str]:
    """
    Press Tab (or Shift+Tab) until the focus is on an element matching ``selector``; every stop on the way
    must show the focus outline. Returns the stops, the last one the element looked for.
    """
    stops, without_outline = [], []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED, selector)
        if focused is None:
            continue  # past the last control: the next Tab starts again at the top
        stops.append(focused["element"])
        if focused["outline"] < 2 or not focused["visible"]:
            without_outline.append(focused["element"])
        if focused["matches"]:
            break
    else:
        pytest.fail(f"Tab never reached {selector} in {MAX_TAB_STOPS} stops: {stops[:40]}")
    assert not without_outline, f"No visible focus outline on the way to {selector}:\n" + "\n".join(without_outline)
    return stops


def thread_url(live_server) -> str:
    return live_server.url + Thread.objects.get(title=SEEDED_THREAD_TITLE).get_absolute_url()


@pytest.mark.browser
def test_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(live_server, page: Page):
    call_command("seed_forum")
    page.goto(thread_url(live_server))

    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # hidden until focused, then shown
    expect(skip_link).to_have_text("Direct naar de inhoud")
    assert page.evaluate(FOCUSED, "a")["outline"] >= 2

    page.keyboard.press("Enter")
    expect(page.locator("main#inhoud")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#inhoud$"))
    # The next Tab goes on inside the main content, past the whole header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), page.evaluate(FOCUSED, "*")
    expect(page.locator("header a:focus, header button:focus")).to_have_count(0)


@pytest.mark.browser
def test_member_reaches_the_reply_form_types_and_sends_a_reply_by_keyboard(live_server, page: Page, log_in):
    call_command("seed_forum")
    member = UserFactory(display_name="Toetsenbord Gebruiker")
    log_in(member)
    page.goto(thread_url(live_server))

    stops = tab_to(page, 'form[action$="/reageren/"] textarea[name=body]')
    assert len(stops) > 10, stops  # the whole page on the way, not a shortcut
    page.keyboard.type("Alles met het toetsenbord: ook deze reactie.")
    tab_to(page, 'form[action$="/reageren/"] button[type=submit]:not([name])')
    page.keyboard.press("Enter")

    reply = page.locator("article.reply", has_text="Alles met het toetsenbord: ook deze reactie.")
    expect(reply).to_be_visible()
    expect(reply).to_contain_text("Toetsenbord Gebruiker")
    assert Reply.objects.filter(author=member, body="Alles met het toetsenbord: ook deze reactie.").count() == 1


@pytest.mark.browser
def test_language_switch_works_with_enter_and_space(live_server, page: Page):
    call_command("seed_forum")
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    tab_to(page, ".language-switch button[name=language]")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("a.skip-link")).to_have_text("Skip to main content")
    assert page.url == live_server.url + "/"  # back on the same page

    # Back, from the end of the page this time, with Space.
    tab_to(page, ".language-switch button[name=language]", backwards=True)
    page.keyboard.press("Space")
    expect(page.locator("html")).to_have_attribute("lang", "nl")


@pytest.mark.browser
def test_member_opens_notifications_and_profile_from_the_header_by_keyboard(live_server, page: Page, log_in):
    call_command("seed_forum")
    member, other = UserFactory(), UserFactory(display_name="Collega Melder")
    thread = Thread.objects.get(title=SEEDED_THREAD_TITLE)
    # A mention: one notification, sent as the reply is posted.
    services.reply_create(author=other, thread=thread, body=f"Wat vind jij, @{member.handle}?")
    log_in(member)
    page.goto(live_server.url + "/")

    tab_to(page, "header a.notification-bell")
    expect(page.locator("header a.notification-bell")).to_have_accessible_name(re.compile(r"\(1 ongelezen\)"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/meldingen/$"))
    expect(page.locator("main")).to_contain_text("Collega Melder")

    tab_to(page, f'header a[href="{member.get_absolute_url()}"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(member.get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_have_text(member.display_name)


@pytest.mark.browser
def test_moderator_reaches_the_queue_and_the_moderation_tools_by_keyboard(live_server, page: Page, log_in):
    call_command("seed_forum")
    moderator = ModeratorFactory()
    thread = Thread.objects.get(title=SEEDED_THREAD_TITLE)
    reply = Reply.objects.filter(thread=thread).order_by("created_at").first()
    moderation_services.report_file(reporter=UserFactory(), target=reply, reason="insulting", note="Scheldwoorden")
    log_in(moderator)
    page.goto(live_server.url + "/")

    tab_to(page, 'header a[href="/moderatie/"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/moderatie/$"))
    expect(page.locator("main")).to_contain_text("Scheldwoorden")

    # The moderation tools of a thread open with Enter and close with Space; their controls are reached by Tab.
    page.goto(thread_url(live_server))
    tools = page.locator("details.moderation").first
    expect(tools).not_to_have_attribute("open", "")
    tab_to(page, "details.moderation > summary")
    page.keyboard.press("Enter")
    expect(tools).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('details.moderation') !== null")
    assert page.evaluate(FOCUSED, "button")["outline"] >= 2
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(tools).not_to_have_attribute("open", "")
