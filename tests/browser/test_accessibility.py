"""
Accessibility: every page type, for each role that sees it, checked with axe-core in a real browser.

Dutch government sites must meet WCAG 2.1 AA, so each page must have no violation of the
axe-core rules tagged for WCAG 2.0 and 2.1, levels A and AA. axe-core comes inside the
``axe-playwright-python`` package (nothing is fetched from a CDN) and is injected into the
page through Playwright, which the site's strict Content Security Policy does not block.

Each page is checked at 1280 pixels wide and again at 320 (WCAG 1.4.10 Reflow: no sideways
scrolling either). Collapsed <details> are opened first, so their forms are checked too. A second
test walks pages with the Tab key and checks that every control shows the focus outline (2.4.7),
which axe-core cannot see.

Automated checks find only part of what WCAG asks (roughly a third to half of the success
criteria can be tested by a machine); they guard against regressions, they do not replace a
manual audit with a keyboard and a screen reader.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.core.management import call_command
from django.template.loader import render_to_string
from playwright.sync_api import Page, expect

from accounts import services as account_services
from accounts.models import Approval
from accounts.standing import standing_of
from core.models import ModerationLog
from forum import services
from forum.models import Reply, Theme, Thread
from forum.tests.factories import ModeratorFactory, ThreadFactory, UnverifiedUserFactory, UserFactory
from moderation import services as moderation_services
from moderation.services import sanctions

# The WCAG 2.0 and 2.1 success criteria of levels A and AA: what Dutch government sites must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()
SEEDED_THREAD_TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"
SEEDED_THEME_SLUG = "sociale-media-en-overheid"
# The form elements' visible labels differ per language; the tests find fields by name instead.
PREVIEW_BUTTON = "button[type=submit][name=preview]"
SUBMIT_BUTTON = "button[type=submit]:not([name])"


@dataclass
class Site:
    """The seeded site as one test sees it: the browser page, the live server and the seeded content."""

    page: Page
    base_url: str
    theme: Theme
    thread: Thread
    user: object | None = None

    def open(self, path: str, *, status: int = 200):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == status, (
            f"{path}: expected HTTP {status}, got {response.status if response else 'no response'}"
        )
        return response


@dataclass(frozen=True)
class Scene:
    role: str  # a key of ROLE_FACTORIES: visitor, member, unverified or moderator
    name: str
    visit: Callable[[Site], None]
    language: str = "nl"

    @property
    def id(self) -> str:
        return f"{self.role}-{self.name}" + ("" if self.language == "nl" else f"-{self.language}")


SCENES: list[Scene] = []


def page_visit(role: str, name: str, *, languages=("nl",)):
    """Register a page visit: the function brings the browser to the page (and state) to check."""

    def register(visit):
        for language in languages:
            SCENES.append(Scene(role, name, visit, language))
        return visit

    return register


# --- What a visitor sees -------------------------------------------------------------------------------------------


@page_visit("visitor", "home")
@page_visit("member", "home")
def home(site: Site):
    site.open("/")
    expect(site.page.locator(".thread-list a").first).to_be_visible()


@page_visit("visitor", "theme")
@page_visit("member", "theme")
def theme_page(site: Site):
    site.open(site.theme.get_absolute_url())
    expect(site.page.locator("h1")).to_have_text(site.theme.name)


@page_visit("visitor", "lists", languages=("nl", "en"))
@page_visit("member", "lists")
def thread_lists(site: Site):
    site.open("/discussies/bekeken/")
    expect(site.page.locator(".thread-lists [aria-current=page]")).to_have_attribute("href", "/discussies/bekeken/")
    expect(site.page.locator(".thread-list a").first).to_be_visible()


@page_visit("visitor", "theme-list")
@page_visit("member", "theme-list")
def theme_list(site: Site):
    site.open(site.theme.get_absolute_url() + "bekeken/")
    expect(site.page.locator(".thread-lists [aria-current=page]")).to_have_text("Meest bekeken")


@page_visit("visitor", "thread", languages=("nl", "en"))
@page_visit("member", "thread", languages=("nl", "en"))
def thread_page(site: Site):
    site.open(site.thread.get_absolute_url())
    expect(site.page.locator("article.reply")).to_have_count(5)
    if site.user is not None:
        expect(site.page.locator('form[action$="/reageren/"] textarea[name=body]')).to_be_visible()


@page_visit("visitor", "thread-oldest-first")
def thread_page_oldest_first(site: Site):
    site.open(site.thread.get_absolute_url() + "?sort=oldest")
    expect(site.page.locator(".reply-sort .nav-link.active")).to_have_attribute("href", re.compile(r"sort=oldest"))


@page_visit("visitor", "thread-paginated")
def thread_page_with_several_pages(site: Site):
    # The middle page of three: the pagination has both "previous" and "next" links.
    site.open(site.thread.get_absolute_url() + "?page=2")
    expect(site.page.locator(".pagination a[rel=prev]")).to_be_visible()
    expect(site.page.locator(".pagination a[rel=next]")).to_be_visible()
    expect(site.page.locator("article.reply")).to_have_count(2)


def _tag_the_thread(site: Site) -> None:
    services.thread_tags_set(
        standing=standing_of(ModeratorFactory()), thread=site.thread, names=["open data", "woo", "financiën"]
    )


@page_visit("visitor", "tag", languages=("nl", "en"))
@page_visit("member", "tag")
def tag_page(site: Site):
    _tag_the_thread(site)
    site.open("/tag/open-data/")
    expect(site.page.locator(".thread-list .tag-link").first).to_be_visible()


@page_visit("visitor", "thread-with-tags")
def thread_page_with_tags(site: Site):
    _tag_the_thread(site)
    site.open(site.thread.get_absolute_url())
    expect(site.page.locator("article.thread .tag-link")).to_have_count(3)


@page_visit("member", "theme-with-tags-members-only")
def members_only_theme_with_tags(site: Site):
    _tag_the_thread(site)
    Theme.objects.filter(pk=site.theme.pk).update(is_members_only=True)
    site.open(site.theme.get_absolute_url())
    expect(site.page.locator("main .tag-link").first).to_be_visible()


@page_visit("visitor", "profile")
def member_profile(site: Site):
    site.open(site.thread.author.get_absolute_url())
    expect(site.page.locator("h1")).to_have_text(site.thread.author.display_name)


@page_visit("visitor", "signup")
def signup(site: Site):
    site.open("/accounts/signup/")
    expect(site.page.locator("[name=display_name]")).to_be_visible()


@page_visit("visitor", "signup-errors")
def signup_with_errors(site: Site):
    site.open("/accounts/signup/")
    site.page.locator("[name=email]").fill("geen-adres")
    site.page.locator("form.account-form button[type=submit]").click()
    expect(site.page.locator(".is-invalid").first).to_be_visible()


@page_visit("visitor", "login")
def login(site: Site):
    site.open("/accounts/login/")
    expect(site.page.locator("[name=login]")).to_be_visible()


@page_visit("visitor", "login-errors")
def login_with_errors(site: Site):
    site.open("/accounts/login/")
    site.page.locator("[name=login]").fill("niemand@example.nl")
    site.page.locator("[name=password]").fill("fout-wachtwoord")
    site.page.locator("form.account-form button[type=submit]").click()
    # The wrong password is said once, in an alert that screen readers announce.
    expect(site.page.get_by_role("alert")).to_have_count(1)


@page_visit("visitor", "password-reset")
def password_reset(site: Site):
    site.open("/accounts/password/reset/")
    expect(site.page.locator("[name=email]")).to_be_visible()


@page_visit("visitor", "problem-report")
def problem_report(site: Site):
    site.open("/probleem-rapporteren/?pagina=/")
    expect(site.page.locator("textarea[name=message]")).to_be_visible()


@page_visit("visitor", "problem-report-errors")
def problem_report_with_errors(site: Site):
    site.open("/probleem-rapporteren/")
    site.page.locator("main form button[type=submit]").click()
    expect(site.page.locator("textarea[name=message].is-invalid")).to_be_visible()


@page_visit("visitor", "terms")
def terms_page(site: Site):
    # Through the footer's link, wherever the terms live.
    site.open("/")
    site.page.locator("footer").get_by_role("link", name="Algemene voorwaarden", exact=True).click()
    expect(site.page.locator("h1")).to_have_text("Algemene voorwaarden")


@page_visit("visitor", "privacy")
def privacy_page(site: Site):
    site.open("/")
    site.page.locator("footer").get_by_role("link", name="Privacyverklaring", exact=True).click()
    expect(site.page.locator("h1")).to_have_text("Privacyverklaring")


@page_visit("visitor", "not-found")
def not_found(site: Site):
    site.open("/bestaat-niet/", status=404)
    expect(site.page.locator("h1")).to_be_visible()


@page_visit("visitor", "server-error")
def server_error(site: Site):
    # No URL fails on purpose: the page Django serves on a crash, shown at a URL of the site (for its CSS).
    site.open("/bestaat-niet/", status=404)
    site.page.set_content(render_to_string("500.html"))
    expect(site.page.locator("h1")).to_have_text("Er ging iets mis")


@page_visit("visitor", "csrf-failure")
def csrf_failure(site: Site):
    # A form sent without its CSRF cookie (an expired or blocked cookie): Django's refusal page, in the site's frame.
    site.open("/probleem-rapporteren/")
    site.page.locator("textarea[name=message]").fill("De knop werkt niet.")
    site.page.context.clear_cookies()
    with site.page.expect_response(re.compile(r"/probleem-rapporteren/$")) as response:
        site.page.locator("main form button[type=submit]").click()
    assert response.value.status == 403
    expect(site.page.locator("h1")).to_be_visible()


@page_visit("visitor", "verification-sent")
def verification_sent(site: Site):
    site.open("/accounts/confirm-email/")
    expect(site.page.locator("h1")).to_be_visible()


@page_visit("visitor", "confirm-email")
def confirm_email(site: Site):
    member = UnverifiedUserFactory()
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=member)).key
    site.open(f"/accounts/confirm-email/{key}/")
    expect(site.page.locator('form[action*="/accounts/confirm-email/"] button[type=submit]')).to_be_visible()


@page_visit("visitor", "password-reset-done")
def password_reset_done(site: Site):
    site.open("/accounts/password/reset/done/")
    expect(site.page.locator("h1")).to_be_visible()


# --- What a member sees --------------------------------------------------------------------------------------------


@page_visit("member", "reply-errors")
def reply_with_errors(site: Site):
    site.open(site.thread.get_absolute_url())
    form = site.page.locator('form[action$="/reageren/"]')
    with site.page.expect_response(re.compile(r"/reageren/$")) as response:
        form.locator(SUBMIT_BUTTON).click()
    assert response.value.status == 400
    expect(form.locator("textarea[name=body].is-invalid")).to_be_visible()


@page_visit("member", "reply-preview")
def reply_preview(site: Site):
    site.open(site.thread.get_absolute_url())
    form = site.page.locator('form[action$="/reageren/"]')
    form.locator("textarea[name=body]").fill("Een *voorbeeld* met een [link](https://example.org/).")
    form.locator(PREVIEW_BUTTON).click()
    expect(site.page.locator(".preview")).to_be_visible()


@page_visit("member", "new-thread")
def new_thread(site: Site):
    site.open(f"/thema/{site.theme.slug}/nieuw/")
    expect(site.page.locator("[name=title]")).to_be_visible()


@page_visit("member", "new-thread-errors")
def new_thread_with_errors(site: Site):
    site.open(f"/thema/{site.theme.slug}/nieuw/")
    site.page.locator(f"main form {SUBMIT_BUTTON}").click()
    expect(site.page.locator("[name=title].is-invalid")).to_be_visible()
    expect(site.page.locator("[name=body].is-invalid")).to_be_visible()


@page_visit("member", "new-thread-preview")
def new_thread_preview(site: Site):
    site.open(f"/thema/{site.theme.slug}/nieuw/")
    site.page.locator("[name=title]").fill("Open data bij gemeenten")
    site.page.locator("[name=body]").fill(
        "## Vraag\n\nWie publiceert al **open data**?\n\n> Een citaat\n\n- een\n- twee\n\n`code` en een [link](/)."
    )
    site.page.locator(f"main form {PREVIEW_BUTTON}").click()
    expect(site.page.locator(".preview")).to_be_visible()


@page_visit("member", "new-thread-similar")
def new_thread_similar(site: Site):
    site.open(f"/thema/{site.theme.slug}/nieuw/")
    site.page.locator("[name=title]").fill("Meningsuitingen van ambtenaren")
    site.page.locator("main form button[name=check]").click()
    expect(site.page.locator("#similar-threads a").first).to_be_visible()


@page_visit("visitor", "search", languages=("nl", "en"))
@page_visit("member", "search")
def search_results(site: Site):
    # From the header's search box, then with the filters open.
    site.open("/")
    site.page.locator(".site-search input[name=q]").fill("meningsuitingen")
    site.page.locator(".site-search input[name=q]").press("Enter")
    expect(site.page.locator(".search-hit mark").first).to_be_visible()
    site.page.locator(".search-filters summary").click()
    expect(site.page.locator("[name=theme]")).to_be_visible()


@page_visit("member", "search-nothing-found")
def search_nothing_found(site: Site):
    site.open("/zoeken/?q=de+het&since=gisteren")
    expect(site.page.locator("[name=since].is-invalid")).to_be_visible()


@page_visit("member", "edit-thread")
def edit_thread(site: Site):
    thread = ThreadFactory(theme=site.theme, author=site.user, title="Mijn eigen discussie")
    site.open(f"/discussie/{thread.pk}/bewerken/")
    expect(site.page.locator("[name=title]")).to_have_value("Mijn eigen discussie")


@page_visit("member", "edit-reply")
def edit_reply(site: Site):
    reply = services.reply_create(author=site.user, thread=site.thread, body="Mijn eigen reactie.")
    site.open(f"/reactie/{reply.pk}/bewerken/")
    expect(site.page.locator("[name=body]")).to_have_value("Mijn eigen reactie.")


@page_visit("member", "revisions")
def revisions(site: Site):
    thread = ThreadFactory(theme=site.theme, author=site.user, title="Eerste titel", body="Eerste tekst.")
    services.thread_edit(acting_user=site.user, thread=thread, title="Tweede titel", body="Tweede tekst.")
    site.open(f"/discussie/{thread.pk}/versies/")
    expect(site.page.locator(".revision-body")).to_have_count(1)


@page_visit("member", "account-email")
def account_email(site: Site):
    site.open("/accounts/email/")
    expect(site.page.locator("input[type=email][name=email]")).to_be_visible()


@page_visit("member", "account-email-errors")
def account_email_with_errors(site: Site):
    site.open("/accounts/email/")
    site.page.locator("input[type=email][name=email]").fill("geen-adres")
    site.page.locator("main form button[name=action_add]").click()
    email = site.page.locator("input[type=email][name=email]")
    expect(email).to_have_attribute("aria-invalid", "true")
    # The error message is tied to the field, so a screen reader reads it with the field.
    expect(email).to_have_accessible_description(re.compile(r"\S"))


@page_visit("member", "account-email-pending")
def account_email_pending_change(site: Site):
    # A change of address waiting for its confirmation: the new address, with buttons to resend or cancel.
    EmailAddress.objects.create(user=site.user, email="nieuw.adres@example.nl", primary=False, verified=False)
    site.open("/accounts/email/")
    expect(site.page.locator("main button[name=action_send]")).to_be_visible()


@page_visit("member", "password-change")
def password_change(site: Site):
    site.open("/accounts/password/change/")
    expect(site.page.locator("[name=oldpassword]")).to_be_visible()


@page_visit("member", "two-factor")
def two_factor(site: Site):
    site.open("/accounts/2fa/")
    expect(site.page.locator("h1")).to_be_visible()


@page_visit("member", "reauthenticate")
def reauthenticate(site: Site):
    # Activating an authenticator app asks for the password again first.
    site.open("/accounts/2fa/totp/activate/")
    expect(site.page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(site.page.locator("[name=password]")).to_be_visible()


@page_visit("member", "logout")
def logout(site: Site):
    site.open("/accounts/logout/")
    expect(site.page.locator('main form[action$="/accounts/logout/"]')).to_be_visible()


@page_visit("member", "forbidden")
def forbidden(site: Site):
    # Someone else's thread: a member may read it but not edit it.
    site.open(f"/discussie/{site.thread.pk}/bewerken/", status=403)
    expect(site.page.locator("h1")).to_be_visible()


@page_visit("member", "locked-thread")
def locked_thread(site: Site):
    thread = ThreadFactory(theme=site.theme, author=site.user, is_locked=True)
    site.open(thread.get_absolute_url())
    expect(site.page.locator(".reply-form .alert")).to_be_visible()


@page_visit("visitor", "member-directory")
@page_visit("member", "member-directory")
def member_directory(site: Site):
    site.open("/leden/")
    expect(site.page.locator("h1")).to_be_visible()


@page_visit("member", "profile-edit")
def profile_edit(site: Site):
    site.open("/mijn-profiel/")
    expect(site.page.locator("[name=display_name]")).to_be_visible()


@page_visit("member", "my-data")
def my_data(site: Site):
    site.open("/mijn-gegevens/")
    expect(site.page.locator("h1")).to_be_visible()


@page_visit("member", "close-account")
def close_account(site: Site):
    site.open("/mijn-gegevens/account-sluiten/")
    expect(site.page.locator("main form")).to_be_visible()


@page_visit("member", "terms-accept")
def terms_accept(site: Site):
    # New terms: the member is sent to accept them before going on.
    account_services.terms_publish(version=2, title="Algemene voorwaarden", body="## Nieuw\n\nEr is iets veranderd.")
    site.open("/")
    expect(site.page).to_have_url(re.compile(r"/accepteren/"))
    expect(site.page.locator("[name=accept]")).to_be_visible()


@page_visit("member", "terms-accept-errors")
def terms_accept_with_errors(site: Site):
    account_services.terms_publish(version=2, title="Algemene voorwaarden", body="## Nieuw\n\nEr is iets veranderd.")
    site.open("/")
    site.page.locator(f"main form {SUBMIT_BUTTON}").click()
    expect(site.page.locator("[name=accept].is-invalid")).to_be_visible()


@page_visit("unverified", "thread")
def thread_page_unverified(site: Site):
    site.open(site.thread.get_absolute_url())
    expect(site.page.locator(".reply-form .alert-warning a")).to_be_visible()


# --- What a moderator sees -----------------------------------------------------------------------------------------


@page_visit("moderator", "thread-with-hidden-reply", languages=("nl", "en"))
def thread_with_hidden_reply(site: Site):
    reply = Reply.objects.filter(thread=site.thread).order_by("created_at").first()
    moderation_services.post_hide(acting_user=site.user, post=reply, reason="Persoonsgegevens van een collega")
    site.open(site.thread.get_absolute_url())
    expect(site.page.locator("article.reply--hidden")).to_have_count(1)
    expect(site.page.locator("details.moderation")).to_have_count(6)


@page_visit("moderator", "home-with-badges")
def home_with_badges(site: Site):
    # Pinned, locked and hidden threads: the badges in the thread list.
    ThreadFactory(theme=site.theme, title="Vastgezette discussie", is_pinned=True, is_locked=True)
    hidden = ThreadFactory(theme=site.theme, title="Verborgen discussie")
    moderation_services.post_hide(acting_user=site.user, post=hidden, reason="Dubbel geplaatst")
    site.open("/")
    expect(site.page.locator(".thread-list .badge:not(.badge-unread)")).to_have_count(3)


@page_visit("moderator", "applications")
def applications(site: Site):
    # Two members waiting for approval, each with an approve button and a refusal form.
    UserFactory(display_name="Aanvrager Een", approval=Approval.PENDING)
    UserFactory(display_name="Aanvrager Twee", approval=Approval.PENDING)
    site.open("/aanmeldingen/")
    expect(site.page.locator("main textarea[name=reason]")).to_have_count(2)


@page_visit("moderator", "hidden-thread")
def hidden_thread(site: Site):
    moderation_services.post_hide(acting_user=site.user, post=site.thread, reason="Onder embargo")
    site.open(site.thread.get_absolute_url())
    expect(site.page.locator("article.thread .badge")).to_be_visible()


@page_visit("moderator", "moderation-queue", languages=("nl", "en"))
def moderation_queue(site: Site):
    # Everything that can wait at once: reports on a reply, a thread and a member, a held thread and a
    # held reply, an application for membership and an objection by another moderator's decision.
    member, other = UserFactory(), UserFactory()
    reply = Reply.objects.filter(thread=site.thread).order_by("created_at").first()
    moderation_services.report_file(reporter=member, target=reply, reason="insulting", note="Scheldwoorden")
    moderation_services.report_file(reporter=other, target=site.thread, reason="other", note="Dubbel geplaatst")
    moderation_services.report_file(reporter=member, target=other, reason="spam")
    premoderated = Theme.objects.create(name="Voorgemodereerd", slug="voorgemodereerd", is_premoderated=True)
    services.thread_create(author=member, theme=premoderated, title="Wachtende vraag", body="Graag *snel* antwoord")
    held_in = ThreadFactory(theme=premoderated)
    services.reply_create(author=other, thread=held_in, body="Een reactie die wacht")
    UserFactory(display_name="Aanvrager", approval=Approval.PENDING)
    own = services.reply_create(author=member, thread=site.thread, body="Mijn reactie")
    moderation_services.post_hide(acting_user=ModeratorFactory(), post=own, reason="Persoonsgegevens")
    moderation_services.objection_file(member=member, decision=ModerationLog.objects.latest("pk"), text="Onterecht.")
    moderation_services.problem_report_file(
        reporter=None, message="De knop werkt niet.", contact_email="bezoeker@example.org"
    )
    site.open("/moderatie/")
    expect(site.page.locator(".report-queue > li")).to_have_count(3)
    expect(site.page.locator(".held-queue > li")).to_have_count(2)
    expect(site.page.locator(".objection-queue > li")).to_have_count(1)
    expect(site.page.locator(".problem-queue > li")).to_have_count(1)


@page_visit("moderator", "thread-with-held-reply")
@page_visit("member", "thread-with-own-held-reply")
def thread_with_held_reply(site: Site):
    site.theme.is_premoderated = True
    site.theme.save()
    author = site.user if site.user.groups.count() == 0 else UserFactory()
    services.reply_create(author=author, thread=site.thread, body="Deze reactie wacht op goedkeuring")
    site.open(site.thread.get_absolute_url())
    expect(site.page.locator(".held-notice")).to_have_count(1)


@page_visit("moderator", "tag-manage", languages=("nl", "en"))
def tag_manage(site: Site):
    _tag_the_thread(site)
    site.open("/moderatie/tags/")
    expect(site.page.locator("main form")).to_have_count(2)


@page_visit("moderator", "moderation-log")
def moderation_log(site: Site):
    moderation_services.thread_lock(acting_user=site.user, thread=site.thread, reason="Discussie is afgerond")
    site.open("/moderatie/logboek/")
    expect(site.page.locator("main table")).to_be_visible()


@page_visit("moderator", "member-moderation")
def member_moderation(site: Site):
    member = UserFactory(display_name="Lid met maatregel")
    sanctions.member_sanction(acting_user=site.user, member=member, kind="warning", reason="Toon", rule="")
    site.open(f"/moderatie/lid/{member.handle}/")
    expect(site.page.locator("main form").first).to_be_visible()


@page_visit("visitor", "transparency", languages=("nl", "en"))
def transparency(site: Site):
    moderation_services.report_file(reporter=UserFactory(), target=site.thread, reason="spam")
    site.open("/moderatie-in-cijfers/")
    expect(site.page.locator("main table").first).to_be_visible()


@page_visit("member", "notifications", languages=("nl", "en"))
def notifications(site: Site):
    services.reply_create(author=UserFactory(), thread=site.thread, body=f"Hallo @{site.user.handle}, wat vind jij?")
    site.open("/meldingen/")
    expect(site.page.locator("main li").first).to_be_visible()


@page_visit("member", "notification-preferences")
def notification_preferences(site: Site):
    site.open("/meldingen/instellingen/")
    expect(site.page.locator("main form")).to_be_visible()


@page_visit("member", "report-form-errors")
def report_form_with_errors(site: Site):
    reply = Reply.objects.filter(thread=site.thread).order_by("created_at").first()
    site.open(f"/reactie/{reply.pk}/melden/")
    site.page.locator(f"main form {SUBMIT_BUTTON}").click()
    expect(site.page.locator("main .invalid-feedback, main .alert-danger").first).to_be_visible()


@page_visit("member", "objections")
def objections(site: Site):
    own = services.reply_create(author=site.user, thread=site.thread, body="Mijn reactie")
    moderation_services.post_hide(acting_user=ModeratorFactory(), post=own, reason="Persoonsgegevens")
    site.open("/bezwaar/")
    expect(site.page.locator("main").first).to_be_visible()


@page_visit("visitor", "objection-by-link", languages=("nl", "en"))
def objection_by_link(site: Site):
    # A banned member, logged out, follows the signed link from the statement of reasons or the banned page.
    member = UserFactory()
    sanctions.member_sanction(acting_user=ModeratorFactory(), member=member, kind="ban", reason="Doxing")
    site.open(moderation_services.ban_objection_path(member))
    expect(site.page.locator("main form textarea")).to_be_visible()


# --- The check -----------------------------------------------------------------------------------------------------


ROLE_FACTORIES = {
    "visitor": None,
    "member": UserFactory,
    "unverified": UnverifiedUserFactory,
    "moderator": ModeratorFactory,
}
# The narrowest screen WCAG 1.4.10 (Reflow) asks for: 320 CSS pixels, the width of 1280 pixels zoomed to 400%.
NARROW_VIEWPORT = {"width": 320, "height": 640}


@pytest.mark.browser
@pytest.mark.parametrize("scene", SCENES, ids=[scene.id for scene in SCENES])
def test_page_has_no_wcag_a_or_aa_violations(scene: Scene, live_server, page: Page, log_in, settings):
    # Three pages of two replies for the five seeded ones: the live server runs in this process.
    settings.FORUM_REPLIES_PER_PAGE = 2 if scene.name == "thread-paginated" else 20
    call_command("seed_forum")
    site = Site(
        page=page,
        base_url=live_server.url,
        theme=Theme.objects.get(slug=SEEDED_THEME_SLUG),
        thread=Thread.objects.get(title=SEEDED_THREAD_TITLE),
    )
    if factory := ROLE_FACTORIES[scene.role]:
        site.user = factory()
        log_in(site.user)
    if scene.language != "nl":
        set_language(page, live_server.url, scene.language)

    scene.visit(site)
    expect(page.locator("html")).to_have_attribute("lang", scene.language)
    # Collapsed <details> (the moderation forms) are checked open, so their content is checked too.
    page.evaluate("document.querySelectorAll('details').forEach((details) => { details.open = true; })")

    violations = axe_violations(page)
    assert not violations, describe(violations, page.url, scene)

    # The same page on the narrowest screen: no sideways scrolling, and still no violation.
    page.set_viewport_size(NARROW_VIEWPORT)
    overflow = page.evaluate(OVERFLOWING_ELEMENTS)
    assert not overflow, f"{page.url} ({scene.id}) scrolls sideways at 320 pixels wide; too wide: {overflow}"
    violations = axe_violations(page)
    assert not violations, describe(violations, page.url, scene, narrow=True)


# What the keyboard focus is on, and how it shows: one entry per Tab press.
FOCUSED_ELEMENT = r"""() => {
    const element = document.activeElement;
    if (!element || element === document.body) {
        return null;
    }
    const style = getComputedStyle(element);
    const name = (element.innerText || element.value || element.name || "").replace(/\s+/g, " ").trim().slice(0, 40);
    return {
        element: `${element.tagName.toLowerCase()}.${element.className} "${name}"`,
        outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("where", ["moderator-thread", "visitor-login"])
def test_keyboard_focus_is_visible_on_every_control(where, live_server, page: Page, log_in, settings):
    """
    WCAG 2.4.7: every link, button and form field shows the site's focus outline when reached with Tab.
    Bootstrap replaces the outline with a faint glow on its components (.btn, .form-control, .page-link,
    .nav-link, .form-check-input); site.css must win over that. axe-core cannot check this.
    """
    settings.FORUM_REPLIES_PER_PAGE = 2  # the pagination's links too
    call_command("seed_forum")
    if where == "moderator-thread":
        log_in(ModeratorFactory())
        page.goto(live_server.url + Thread.objects.get(title=SEEDED_THREAD_TITLE).get_absolute_url())
    else:
        page.goto(live_server.url + "/accounts/login/")

    seen, without_outline = [], []
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_ELEMENT)
        if focused is None or (seen and focused["element"] == seen[0]):
            break  # past the last control, back at the start
        seen.append(focused["element"])
        if focused["outline"] < 2:
            without_outline.append(focused["element"])
    assert len(seen) > 10, f"Tab reached only {seen}"
    assert not without_outline, "No visible focus outline on:\n" + "\n".join(without_outline)


def set_language(page: Page, base_url: str, language: str):
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}])


# The elements wider than the window when the page scrolls sideways (none when it does not), for the message.
OVERFLOWING_ELEMENTS = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) {
        return [];
    }
    return Array.from(document.body.querySelectorAll("*"))
        .filter((element) => element.getBoundingClientRect().right > width + 1)
        .slice(0, 10)
        .map((element) => element.tagName.toLowerCase() + (element.className ? "." + element.className : ""));
}"""


def axe_violations(page: Page) -> list[dict]:
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return AXE.run(page, options=options).response["violations"]


def describe(violations: list[dict], url: str, scene: Scene, *, narrow: bool = False) -> str:
    """The violations as a reader wants them: rule, impact, what it asks, and where on the page."""
    width = " at 320 pixels wide" if narrow else ""
    lines = [f"{len(violations)} WCAG 2.1 A/AA violation(s) on {url}{width} ({scene.id}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)
