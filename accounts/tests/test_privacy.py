"""Privacy (AVG/GDPR): download my data, close my account, no IP addresses, no tracking cookies."""

import json
import re
from http import HTTPStatus
from io import BytesIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import constants as message_levels
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from accounts import privacy, roles
from accounts import services as account_services
from accounts.models import AccountDelegate, Organisation, OrganisationDomain, OrganisationRole, TermsAcceptance, User
from accounts.tests.authenticator import authenticator_code
from core.models import ModerationAction, ModerationLog
from forum import services as forum_services
from forum.models import Reply, Theme, Thread
from forum.tests.factories import TOTP_SECRET, ReplyFactory, ThreadFactory, UserFactory, add_totp
from moderation import services as moderation_services
from moderation.models import ModeratorNote
from moderation.services import sanctions
from notifications import services as notification_services
from notifications.models import Frequency, Kind
from outbox.models import Mail

PASSWORD = "een-lang-wachtwoord"
EXPORT_FILENAME = "ambtenaar20-mijn-gegevens.json"


# Helpers ---------------------------------------------------------------------------------


@pytest.fixture
def terms(db):
    """Published terms, so members made afterwards have accepted them."""
    return account_services.terms_publish(version=1, title="Algemene voorwaarden", body="Wees aardig.")


@pytest.fixture
def totp_tolerance(settings):
    """Accept the neighbouring 30-second window too, so a code made just before a boundary still counts."""
    settings.MFA_TOTP_TOLERANCE = 1


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now (pyotp), never one about to expire."""
    return authenticator_code(secret)


def png_upload(name: str = "foto.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 40), "orange").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def download(client) -> dict:
    response = client.get(reverse("accounts:my_data_download"))
    assert response.status_code == HTTPStatus.OK
    return json.loads(response.content.decode("utf-8"))


def close(client, **data):
    payload = {"password": PASSWORD, "confirm": "on", **data}
    return client.post(reverse("accounts:close_account"), payload)


@pytest.fixture
def active_member(terms, theme):
    """A member who wrote a thread and a reply, edited the reply and reported a problem."""
    member = UserFactory(display_name="Anouk de Vries", email="anouk@example.nl")
    forum_services.thread_create(author=member, theme=theme, title="Open data in Zwolle", body="Wie doet er mee? ✓")
    other_thread = ThreadFactory(theme=theme, title="Sociale media en de Rob")
    reply = forum_services.reply_create(author=member, thread=other_thread, body="Eerste versie.")
    forum_services.reply_edit(acting_user=member, reply=reply, body="Tweede versie, groet uit Zwolle.")
    moderation_services.problem_report_file(
        reporter=member, message="De knop doet het niet.", page_url="/discussie/1/", contact_email="anouk@example.nl"
    )
    return member


@pytest.fixture
def stranger_data(theme):
    """Another member's posts and report, which must never appear in the first member's download."""
    stranger = UserFactory(display_name="Geheime Collega", email="geheim@example.nl")
    thread = ThreadFactory(theme=theme, author=stranger, title="Vertrouwelijk onderwerp van een ander")
    ReplyFactory(thread=thread, author=stranger, body="Reactie die niet van jou is.")
    moderation_services.problem_report_file(reporter=stranger, message="Melding van iemand anders.")
    return stranger


# Download my data ------------------------------------------------------------------------


def test_download_holds_the_members_profile_addresses_consents_posts_revisions_and_reports(client, active_member):
    """The download is a JSON attachment with everything the site keeps about the member."""
    client.force_login(active_member)
    response = client.get(reverse("accounts:my_data_download"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{EXPORT_FILENAME}"'
    assert "no-store" in response["Cache-Control"]
    # UTF-8 as it is, not \u escapes; indented for people to read.
    assert "Wie doet er mee? ✓".encode() in response.content
    assert b'\n  "profile": {' in response.content

    data = json.loads(response.content.decode("utf-8"))
    profile = data["profile"]
    assert profile["display_name"] == "Anouk de Vries"
    assert profile["email"] == "anouk@example.nl"
    assert profile["handle"] == active_member.handle
    assert profile["avatar"] is None
    assert profile["profile_visibility"] == "members"
    assert profile["approval"] == "approved"
    assert profile["organisation"] is None
    assert profile["date_joined"] == active_member.date_joined.isoformat()
    assert data["email_addresses"] == [{"email": "anouk@example.nl", "verified": True, "primary": True}]
    assert [acceptance["version"] for acceptance in data["terms_acceptances"]] == [1]
    accepted = TermsAcceptance.objects.get(member=active_member).accepted_at
    assert data["terms_acceptances"][0]["accepted_at"] == accepted.isoformat()

    thread = Thread.objects.get(author=active_member)
    assert data["threads"] == [
        {
            "title": "Open data in Zwolle",
            "body": "Wie doet er mee? ✓",
            "capacity": "personal",
            "posted_as": None,
            "created_at": thread.created_at.isoformat(),
            "edited_at": None,
            "status": "published",
            "url": f"http://127.0.0.1:8000{thread.get_absolute_url()}",
        }
    ]
    reply = Reply.objects.get(author=active_member)
    [exported_reply] = data["replies"]
    assert exported_reply["thread"] == "Sociale media en de Rob"
    assert exported_reply["body"] == "Tweede versie, groet uit Zwolle."
    assert exported_reply["url"].endswith(reverse("forum:reply", kwargs={"pk": reply.pk}))
    assert exported_reply["edited_at"] == reply.edited_at.isoformat()
    [revision] = data["revisions"]
    assert revision["body"] == "Eerste versie."
    assert revision["of"].endswith(reverse("forum:reply", kwargs={"pk": reply.pk}))
    [report] = data["problem_reports"]
    assert report["message"] == "De knop doet het niet."
    assert report["page_url"] == "/discussie/1/"


def test_download_never_contains_another_members_data(client, active_member, stranger_data):
    """Only the requesting member's own data: there is no id in the address to change."""
    client.force_login(active_member)
    response = client.get(reverse("accounts:my_data_download"))
    content = response.content.decode("utf-8")
    for foreign in ("Geheime Collega", "geheim@example.nl", "Vertrouwelijk onderwerp", "niet van jou", "iemand anders"):
        assert foreign not in content
    data = json.loads(content)
    assert len(data["threads"]) == 1 and len(data["replies"]) == 1 and len(data["problem_reports"]) == 1


def test_download_includes_hidden_posts_with_their_state(client, user, thread, moderator):
    """A hidden thread is still the member's own words, so it is in the download, marked hidden."""
    moderation_services.post_hide(acting_user=moderator, post=thread, reason="Vertrouwelijk")
    client.force_login(user)
    [exported] = download(client)["threads"]
    assert exported["status"] == "hidden"


def test_download_includes_posts_written_for_an_organisation_account(client, administrator, theme):
    """What a member wrote for an organisation account is theirs too, marked with the account."""
    organisation = Organisation.objects.create(name="Gemeente Zwolle")
    OrganisationDomain.objects.create(organisation=organisation, domain="zwolle.example")
    member = UserFactory(email="anouk@zwolle.example")
    account_services.member_sync_organisation(member=member)
    account = account_services.organisation_account_create(
        acting_user=administrator, organisation=organisation, display_name="Team Open Data"
    )
    account_services.delegate_add(acting_user=administrator, account=account, member=member)
    forum_services.thread_create(author=member, theme=theme, title="Namens het team", body="Tekst.", as_account=account)

    client.force_login(member)
    data = download(client)
    assert data["profile"]["organisation"] == "Gemeente Zwolle"
    [exported] = data["threads"]
    assert exported["title"] == "Namens het team"
    assert exported["posted_as"] == "Team Open Data"
    assert exported["capacity"] == "organisation"


def test_download_gives_the_photo_as_an_address(client, user):
    """The photo is in the download as a full address, not as file contents."""
    account_services.profile_update(
        member=user,
        display_name=user.display_name,
        job_title="Adviseur",
        bio="",
        profile_visibility="public",
        avatar=png_upload(),
    )
    user.refresh_from_db()
    client.force_login(user)
    profile = download(client)["profile"]
    assert profile["avatar"] == f"http://127.0.0.1:8000{user.avatar.url}"
    assert profile["job_title"] == "Adviseur"
    assert profile["profile_visibility"] == "public"


def test_member_reaches_their_data_before_accepting_new_terms(client, user):
    """New terms do not stand between a member and their data: the pages are not redirected."""
    account_services.terms_publish(version=2, title="Algemene voorwaarden", body="Nieuwe regels.")
    client.force_login(user)
    assert client.get(reverse("forum:home")).status_code == HTTPStatus.FOUND  # sent to accept the terms first
    assert client.get(reverse("accounts:my_data")).status_code == HTTPStatus.OK
    assert client.get(reverse("accounts:my_data_download")).status_code == HTTPStatus.OK
    assert client.get(reverse("accounts:close_account")).status_code == HTTPStatus.OK


def test_download_needs_login(client, db):
    """A visitor is sent to the login page and gets no file."""
    response = client.get(reverse("accounts:my_data_download"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_download_is_read_only(user_client):
    """Only GET is answered; other methods are refused."""
    response = user_client.post(reverse("accounts:my_data_download"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def _export_queries(member) -> int:
    with CaptureQueriesContext(connection) as context:
        privacy.member_export(member=member)
    return len(context.captured_queries)


@override_settings(FORUM_POSTS_PER_HOUR=0)  # many posts in one go: no rate limit here
def test_export_queries_do_not_grow_with_the_amount_of_data(terms, theme):
    """The export costs the same number of queries with one post of each kind or with many."""
    organisation = Organisation.objects.create(name="Gemeente Zwolle")
    OrganisationDomain.objects.create(organisation=organisation, domain="zwolle.example")
    member = UserFactory(email="anouk@zwolle.example")
    account_services.member_sync_organisation(member=member)

    def add_data():
        thread = forum_services.thread_create(author=member, theme=theme, title="Vraag", body="Tekst.")
        forum_services.thread_edit(acting_user=member, thread=thread, title="Vraag", body="Andere tekst.")
        reply = forum_services.reply_create(author=member, thread=thread, body="Antwoord.")
        forum_services.reply_edit(acting_user=member, reply=reply, body="Beter antwoord.")
        moderation_services.problem_report_file(reporter=member, message="Probleem.")

    add_data()
    member = User.objects.get(pk=member.pk)
    few = _export_queries(member)
    for _ in range(15):
        add_data()
    member = User.objects.get(pk=member.pk)
    many = _export_queries(member)
    assert many == few
    # One query per part of the download at most (the profile's is the organisation's name).
    assert few <= len(privacy.registry.parts())
    assert len(privacy.member_export(member=member)["revisions"]) == 32


# The pages -------------------------------------------------------------------------------


def test_my_data_page_offers_both_actions_and_is_in_the_menu(user_client):
    """The page links the download and the way to close the account; the header links the page."""
    response = user_client.get(reverse("accounts:my_data"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'href="{reverse("accounts:my_data_download")}"' in html
    assert f'href="{reverse("accounts:close_account")}"' in html
    assert f'href="{reverse("forum:page", kwargs={"slug": "privacyverklaring"})}"' in html
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert f'href="{reverse("accounts:my_data")}"' in header


def test_my_data_page_lists_every_part_of_the_download(user_client):
    """The page names each section of the file, from the registry, and says what stays out of it."""
    html = user_client.get(reverse("accounts:my_data")).content.decode()
    with translation.override("nl"):
        labels = [str(part.label) for part in privacy.registry.parts()]
    assert len(labels) == len(privacy.registry.parts()) >= 20
    for text in labels:
        assert f"<li>{escape(text)}</li>" in html
    assert "Meldingen over jou of je berichten" in html
    assert "wie jou of je berichten meldde" in html


@pytest.mark.parametrize("url_name", ["accounts:my_data", "accounts:close_account"])
def test_privacy_pages_need_login(client, db, url_name):
    """Visitors are sent to the login page."""
    response = client.get(reverse(url_name))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", ["accounts:my_data", "accounts:close_account"])
def test_privacy_pages_have_nothing_inline_and_nothing_from_elsewhere(user_client, url_name):
    """The pages keep to the strict CSP: no inline script or style, nothing from other hosts."""
    html = user_client.get(reverse(url_name)).content.decode()
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"<style[\s>]", html) and ' style="' not in html, "inline style"


def test_close_page_asks_for_a_code_only_with_two_factor_authentication(client, user, other_user):
    """The code field appears for a member who set up an authenticator app, and not otherwise."""
    client.force_login(user)
    form = client.get(reverse("accounts:close_account")).context["form"]
    assert set(form.fields) == {"password", "confirm"}
    add_totp(other_user)
    client.force_login(other_user)
    form = client.get(reverse("accounts:close_account")).context["form"]
    assert set(form.fields) == {"password", "code", "confirm"}


# Close my account ------------------------------------------------------------------------


def test_closing_erases_personal_data(client, terms, administrator, django_capture_on_commit_callbacks):
    """Name, address, profile, photo, authenticator, roles and delegations are gone; consents stay."""
    organisation = Organisation.objects.create(name="Gemeente Zwolle")
    OrganisationDomain.objects.create(organisation=organisation, domain="zwolle.example")
    member = UserFactory(display_name="Anouk de Vries", email="anouk@zwolle.example")
    account_services.member_sync_organisation(member=member)
    account_services.profile_update(
        member=member,
        display_name="Anouk de Vries",
        job_title="Adviseur open data",
        bio="Ik werk aan open data.",
        profile_visibility="public",
        avatar=png_upload(),
    )
    member.refresh_from_db()
    avatar_name = member.avatar.name
    storage = member.avatar.storage
    assert storage.exists(avatar_name)
    add_totp(member)
    account = account_services.organisation_account_create(
        acting_user=administrator, organisation=organisation, display_name="Team Open Data"
    )
    account_services.delegate_add(acting_user=administrator, account=account, member=member)
    account_services.organisation_role_set(
        acting_user=administrator,
        organisation=organisation,
        member=member,
        is_admin=False,
        may_speak_for_organisation=True,
    )
    account_services.moderator_grant(acting_user=administrator, member=member)
    moderation_services.problem_report_file(reporter=member, message="Kapot.", contact_email="anouk@zwolle.example")
    theme = Theme.objects.create(name="Open data", slug="open-data")
    theme.moderators.add(member)
    thread = ThreadFactory(theme=theme)
    forum_services.thread_follow_toggle(member=member, thread=thread)
    forum_services.theme_follow_toggle(member=member, theme=theme)
    forum_services.thread_mark_read(member=member, thread=thread, until=thread.last_activity_at)
    notification_services.notify(recipient=member, kind=Kind.MENTION, actor=administrator, target=thread)
    notification_services.preference_set(member=member, kind=Kind.MENTION, frequency=Frequency.NEVER)
    LogEntry.objects.log_actions(user_id=administrator.pk, queryset=[member], action_flag=CHANGE, change_message="")
    assert LogEntry.objects.get(object_id=str(member.pk)).object_repr == str(member)

    with django_capture_on_commit_callbacks(execute=True):
        privacy.member_close_account(member=member)

    member = User.objects.get(pk=member.pk)
    assert member.display_name == ""
    assert member.is_former_member
    assert member.email is None
    assert member.handle == f"voormalig-lid-{member.pk}"
    assert member.job_title == "" and member.bio == ""
    assert not member.avatar
    assert not storage.exists(avatar_name)
    assert member.profile_visibility == "members"
    assert member.organisation is None
    assert not member.is_active and not member.is_staff and not member.is_superuser
    assert not member.has_usable_password()
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not Authenticator.objects.filter(user=member).exists()
    assert not OrganisationRole.objects.filter(member=member).exists()
    assert not AccountDelegate.objects.filter(member=member).exists()
    assert not member.groups.exists()
    assert member.problem_reports.get().contact_email == ""
    # Every app erased its own rows through the registry: themes moderated, follows, read
    # positions, notifications and e-mail choices; the admin's log names the account by number.
    assert not member.moderated_themes.exists()
    assert not member.thread_follows.exists() and not member.theme_follows.exists()
    assert not member.thread_visits.exists()
    assert not member.notifications.exists() and not member.notification_preferences.exists()
    assert LogEntry.objects.get(object_id=str(member.pk)).object_repr == f"voormalig lid {member.pk}"
    # The terms acceptances stay: they hold only the account's number and show which terms applied.
    assert TermsAcceptance.objects.filter(member=member, terms=terms).exists()
    # The organisation account itself, and the other member, are untouched.
    account.refresh_from_db()
    assert account.display_name == "Team Open Data" and account.is_active
    assert User.objects.get(pk=administrator.pk).is_active


def test_closing_is_logged_without_personal_data(user, administrator):
    """One log row records the act, without actor or name; earlier rows about the member lose the name too."""
    account_services.moderator_grant(acting_user=administrator, member=user)
    name, email = user.display_name, user.email
    privacy.member_close_account(member=user)
    entry = ModerationLog.objects.get(action=ModerationAction.ACCOUNT_DELETE)
    assert entry.actor is None
    assert entry.target_id == user.pk
    assert entry.target_repr == f"voormalig lid {user.pk}"
    for row in ModerationLog.objects.all():
        assert name not in row.target_repr and email not in row.target_repr
    assert ModerationLog.objects.get(action=ModerationAction.MODERATOR_GRANT).target_repr == f"voormalig lid {user.pk}"


def test_threads_and_replies_stay_under_former_member(client, user, thread, other_user):
    """The member's posts stay in place with the same author, shown as "former member" without a profile link."""
    ReplyFactory(thread=thread, author=other_user, body="Een reactie van een ander.")
    own_reply = ReplyFactory(thread=thread, author=user, body="Mijn eigen reactie blijft staan.")
    name, handle = user.display_name, user.handle
    privacy.member_close_account(member=user)

    assert Thread.objects.get(pk=thread.pk).author_id == user.pk
    assert Reply.objects.get(pk=own_reply.pk).author_id == user.pk
    client.cookies["django_language"] = "en"
    response = client.get(thread.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Posted by a former member" in html
    assert "Reply by a former member" in html
    assert "Mijn eigen reactie blijft staan." in html
    assert "Een reactie van een ander." in html
    assert name not in html
    assert f"/leden/{handle}/" not in html


def test_former_members_profile_is_gone(client, user):
    """Neither the old nor the new profile address shows the member any more."""
    old_url = user.get_absolute_url()
    privacy.member_close_account(member=user)
    client.force_login(UserFactory())
    assert client.get(old_url).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("accounts:profile", kwargs={"handle": user.handle})).status_code == HTTPStatus.NOT_FOUND


def test_member_closes_account_is_logged_out_and_told(client, user):
    """Password and the checkbox close the account; the member is logged out and sees a confirmation."""
    client.force_login(user)
    response = close(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("forum:home")
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.is_former_member and not user.is_active
    response = client.get(response["Location"])
    [message] = list(response.context["messages"])
    assert message.level == message_levels.SUCCESS
    assert not response.context["user"].is_authenticated


def test_closed_member_cannot_log_in(client, user):
    """The old address and password no longer open anything."""
    email = user.email
    privacy.member_close_account(member=user)
    assert authenticate(email=email, password=PASSWORD) is None
    assert authenticate(username=email, password=PASSWORD) is None
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_other_open_sessions_are_logged_out_on_their_next_request(user):
    """A session on another device ends at its next request: inactive members are rejected by the backend."""
    other_device = Client()
    other_device.force_login(user)
    assert other_device.get(reverse("accounts:my_data")).status_code == HTTPStatus.OK
    this_device = Client()
    this_device.force_login(user)
    close(this_device)
    response = other_device.get(reverse("accounts:my_data"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert not response.wsgi_request.user.is_authenticated


def test_wrong_password_is_refused_and_nothing_changes(user_client, user):
    """A wrong password is a form error and the account stays as it was."""
    response = close(user_client, password="niet-mijn-wachtwoord")
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors.as_data()["password"][0].code == "wrong_password"
    user.refresh_from_db()
    assert user.is_active and not user.is_former_member and user.email
    assert not ModerationLog.objects.filter(action=ModerationAction.ACCOUNT_DELETE).exists()


def test_the_checkbox_is_required(user_client, user):
    """Without ticking "I understand that this cannot be undone" nothing happens."""
    response = user_client.post(reverse("accounts:close_account"), {"password": PASSWORD})
    assert response.status_code == HTTPStatus.OK
    assert "confirm" in response.context["form"].errors
    user.refresh_from_db()
    assert user.is_active and not user.is_former_member


def test_empty_post_is_a_form_error(user_client, user):
    """A POST without fields shows the errors and changes nothing."""
    response = user_client.post(reverse("accounts:close_account"), {})
    assert response.status_code == HTTPStatus.OK
    assert set(response.context["form"].errors) == {"password", "confirm"}
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.usefixtures("totp_tolerance")
def test_two_factor_code_is_required_when_set_up(user_client, user):
    """A member with an authenticator app must also give a current code; a missing or wrong one is refused."""
    add_totp(user)
    response = close(user_client)
    assert response.context["form"].errors.as_data()["code"][0].code == "required"
    response = close(user_client, code="12345")
    assert response.context["form"].errors.as_data()["code"][0].code == "code_format"
    wrong = f"{(int(totp_code()) + 1) % 1_000_000:06d}"
    response = close(user_client, code=wrong)
    assert response.context["form"].errors.as_data()["code"][0].code == "wrong_code"
    user.refresh_from_db()
    assert user.is_active and not user.is_former_member

    response = close(user_client, code=totp_code())
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.is_former_member and not user.is_active


@pytest.mark.usefixtures("totp_tolerance")
def test_used_code_cannot_be_replayed(user_client, user):
    """A code that was already used (for example to log in) does not close the account."""
    authenticator = add_totp(user)
    code = totp_code()
    assert authenticator.wrap().validate_code(code)
    response = close(user_client, code=code)
    assert response.context["form"].errors.as_data()["code"][0].code == "wrong_code"
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.usefixtures("totp_tolerance")
def test_a_wrong_password_does_not_use_up_the_code(user_client, user):
    """The code is checked only once the password is right, so a typo does not burn it."""
    add_totp(user)
    code = totp_code()
    close(user_client, password="niet-mijn-wachtwoord", code=code)
    response = close(user_client, code=code)
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.is_former_member


def test_forged_request_without_csrf_token_is_refused(user):
    """A POST from another site (no CSRF token) is refused and nothing changes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = close(client)
    assert response.status_code == HTTPStatus.FORBIDDEN
    user.refresh_from_db()
    assert user.is_active and not user.is_former_member


def test_visitor_cannot_post_the_close_form(client, user):
    """Without a login the form does nothing."""
    response = close(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    user.refresh_from_db()
    assert user.is_active


def test_closing_twice_or_an_organisation_account_is_refused(user, administrator):
    """The service refuses an account that is already closed, and organisation accounts."""
    privacy.member_close_account(member=user)
    with pytest.raises(PermissionDenied):
        privacy.member_close_account(member=user)
    assert ModerationLog.objects.filter(action=ModerationAction.ACCOUNT_DELETE).count() == 1
    organisation = Organisation.objects.create(name="Provincie Overijssel")
    account = account_services.organisation_account_create(
        acting_user=administrator, organisation=organisation, display_name="Team Provincie"
    )
    with pytest.raises(PermissionDenied):
        privacy.member_close_account(member=account)
    account.refresh_from_db()
    assert account.display_name == "Team Provincie"


def test_closing_leaves_other_members_alone(user, other_user, reply):
    """Only the closing member's data changes."""
    privacy.member_close_account(member=user)
    other_user.refresh_from_db()
    assert other_user.is_active and other_user.display_name and other_user.email
    assert EmailAddress.objects.filter(user=other_user).exists()


# No IP addresses, no tracking ------------------------------------------------------------


def test_no_model_stores_ip_addresses():
    """No model of our own apps has a field for IP addresses."""
    our_models = [model for model in apps.get_models() if model._meta.app_label in {"accounts", "forum"}]
    assert len(our_models) >= 10
    for model in our_models:
        for field in model._meta.get_fields():
            assert not isinstance(field, models.GenericIPAddressField), f"{model.__name__}.{field.name}"
            assert "ip_address" not in field.name, f"{model.__name__}.{field.name}"


def test_visitor_gets_no_tracking_cookies(client, thread):
    """
    A visitor gets only functional cookies: the home page sets just the CSRF cookie (the
    language switch is a form), a thread page adds the list of threads whose view was
    counted (so it counts once; signed, nothing else in it), and the language switch its
    choice. Nothing else, ever.
    """
    allowed = {"forum_viewed", "csrftoken", "django_language"}
    home = client.get(reverse("forum:home"))
    assert home.status_code == HTTPStatus.OK
    assert set(home.cookies) == {"csrftoken"}
    thread_page = client.get(thread.get_absolute_url())
    assert thread_page.status_code == HTTPStatus.OK
    assert set(thread_page.cookies) == {"forum_viewed", "csrftoken"}
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert switched.status_code == HTTPStatus.FOUND
    assert set(switched.cookies) <= allowed
    assert set(client.cookies) == allowed


# Every kind of row that refers to the member ---------------------------------------------


def _references_to_members() -> set[str]:
    """
    Every way a row of an installed app can refer to a member, as ``app_label.Model.field``:
    keys to the user model, many-to-many fields from or to it (the rows of their join table), and
    generic references (a key to a content type, or a ``GenericForeignKey``), which may point at a
    member. A many-to-many field with a through model of its own is walked as that model's keys.
    """
    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, GenericForeignKey) or (
                field.is_relation and not field.auto_created and field.related_model is ContentType
            ):
                found.add(f"{model._meta.label}.{field.name}")
            elif field.is_relation and not field.auto_created and field.many_to_many:
                # Rows of the join table refer to the member when either side is the user model
                # (the member's groups, the themes they moderate).
                if user_model in (model, field.related_model) and field.remote_field.through._meta.auto_created:
                    found.add(f"{model._meta.label}.{field.name}")
            elif field.is_relation and not field.auto_created and field.related_model is user_model:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def _unaccounted(registry: privacy.PrivacyRegistry) -> set[str]:
    return _references_to_members() - set(registry.references()) - set(registry.omitted())


def test_every_reference_to_a_member_is_in_a_part_of_the_download():
    """
    Each key, many-to-many or generic key that can point at a member, in any installed app, is held by a
    registered part of the download or left out with a stated reason. A new model that refers to members
    fails here until its app registers it in its ``privacy`` module.
    """
    references = _references_to_members()
    # The walk sees every app that keeps member data: ours, allauth's and Django's admin log.
    for expected in (
        "moderation.Sanction.member",
        "accounts.User.groups",
        "forum.Theme.moderators",
        "moderation.Report.reporter",
        "core.ModerationLog.target_type",
        "notifications.Preference.member",
        "account.EmailAddress.user",
        "mfa.Authenticator.user",
        "admin.LogEntry.user",
        "admin.LogEntry.content_type",
    ):
        assert expected in references
    missing = _unaccounted(privacy.registry)
    assert not missing, f"Not in the data download; register them in the app's privacy module: {sorted(missing)}"
    # No part or omission names a reference that does not exist (a typo would hide a missing one).
    assert set(privacy.registry.references()) | set(privacy.registry.omitted()) <= references
    for reason in privacy.registry.omitted().values():
        assert reason.strip()


def test_a_model_left_out_of_the_registry_is_found():
    """The check above fails on a reference no part holds: here, the measures of a registry without that part."""
    partial = privacy.PrivacyRegistry()
    for part in privacy.registry.parts():
        if part.name != "sanctions":
            partial.register(part.name, label=part.label, export=part.export, refers_by=part.refers_by)
    for reference, reason in privacy.registry.omitted().items():
        partial.omit(reference, reason=reason)
    assert _unaccounted(partial) == {"moderation.Sanction.member"}


def _not_erased(registry: privacy.PrivacyRegistry) -> set[str]:
    return _references_to_members() - set(registry.erasure())


def test_every_reference_to_a_member_is_erased_or_kept_for_a_reason():
    """
    Closing an account asks every app for its part: each key, many-to-many or generic key that can
    point at a member is in a part that erases its rows or says why they stay (``keeps``), or is
    omitted with such a reason. A new model that refers to members fails here until its app says
    what closing an account does to its rows.
    """
    missing = _not_erased(privacy.registry)
    assert not missing, f"Not erased nor kept for a reason when an account closes: {sorted(missing)}"
    assert set(privacy.registry.erasure()) <= _references_to_members()
    for part in privacy.registry.parts():
        assert part.erase is not None or part.keeps.strip() or not part.refers_by, part.name


def test_a_model_left_out_of_erasure_is_found():
    """The check above fails on a reference whose part neither erases nor keeps: here, the follows of threads."""
    partial = privacy.PrivacyRegistry()
    for part in privacy.registry.parts():
        erase, keeps = (None, "") if part.name == "followed_threads" else (part.erase, part.keeps)
        partial.register(
            part.name, label=part.label, export=part.export, refers_by=part.refers_by, erase=erase, keeps=keeps
        )
    for reference, reason in privacy.registry.omitted().items():
        partial.omit(reference, reason=reason, keeps=privacy.registry.kept().get(reference, ""))
    assert _not_erased(partial) == {"forum.ThreadFollow.member"}


def test_a_part_is_registered_once(db):
    """Two apps cannot claim the same section of the download."""
    with pytest.raises(ImproperlyConfigured):
        privacy.registry.register("threads", label="Threads", export=lambda member: [])


@pytest.fixture
def member_with_everything(terms, theme, administrator, moderator, django_capture_on_commit_callbacks):
    """
    A member with a row of every kind the site keeps about members, made through the services:
    posts, reports both ways, a hidden post and an objection, a measure, a note, roles, follows,
    appreciations, a read position, notifications, preferences, and acts as a moderator and in the admin.
    """
    organisation = Organisation.objects.create(name="Gemeente Zwolle")
    OrganisationDomain.objects.create(organisation=organisation, domain="zwolle.example")
    member = UserFactory(display_name="Anouk de Vries", email="anouk@zwolle.example")
    account_services.member_sync_organisation(member=member)
    add_totp(member)
    account_services.organisation_role_set(
        acting_user=administrator,
        organisation=organisation,
        member=member,
        is_admin=False,
        may_speak_for_organisation=True,
    )
    account = account_services.organisation_account_create(
        acting_user=administrator, organisation=organisation, display_name="Team Open Data"
    )
    account_services.delegate_add(acting_user=administrator, account=account, member=member)
    reporter = UserFactory(display_name="Melder Verborgen")
    writer = UserFactory(display_name="Schrijver Anders")
    with django_capture_on_commit_callbacks(execute=True):
        own_thread = forum_services.thread_create(
            author=member, theme=theme, title="Open data in Zwolle", body="Tekst."
        )
        other_thread = ThreadFactory(theme=theme, author=writer, title="Sociale media en de Rob")
        reply = forum_services.reply_create(author=member, thread=other_thread, body="Eerste versie.")
        forum_services.reply_edit(acting_user=member, reply=reply, body="Tweede versie.")
        problem = moderation_services.problem_report_file(reporter=member, message="De knop doet het niet.")
        moderation_services.problem_report_close(acting_user=moderator, report=problem, reason="De knop is hersteld.")
        moderation_services.report_file(
            reporter=member, target=other_thread, reason="off_topic", note="Past niet hier."
        )
        moderation_services.report_file(reporter=reporter, target=reply, reason="spam", note="Geheime toelichting.")
        forum_services.reaction_toggle(member=member, post=other_thread)
        forum_services.thread_follow_toggle(member=member, thread=other_thread)
        forum_services.theme_follow_toggle(member=member, theme=theme)
        forum_services.thread_mark_read(member=member, thread=other_thread, until=other_thread.last_activity_at)
        notification_services.preference_set(member=member, kind=Kind.REACTION, frequency=Frequency.NEVER)
        forum_services.reply_create(author=writer, thread=own_thread, body="Een antwoord voor Anouk.")

        moderation_services.post_hide(acting_user=moderator, post=own_thread, reason="Vertrouwelijke gegevens.")
        decision = ModerationLog.objects.get(action=ModerationAction.HIDE, target_id=own_thread.pk)
        moderation_services.objection_file(member=member, decision=decision, text="Er stond niets vertrouwelijks in.")

        account_services.moderator_grant(acting_user=administrator, member=member)
        member = User.objects.get(pk=member.pk)
        theme.moderators.add(member)
        member.user_permissions.add(Permission.objects.get(content_type__app_label="forum", codename="view_theme"))
        moderation_services.post_hide(acting_user=member, post=other_thread, reason="Gedeeld adres van een collega.")
        LogEntry.objects.log_actions(
            user_id=member.pk,
            queryset=Theme.objects.filter(pk=theme.pk),
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["Description"]}}],
        )
        LogEntry.objects.log_actions(
            user_id=administrator.pk,
            queryset=User.objects.filter(pk=member.pk),
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["Job title"]}}],
        )

        sanctions.moderator_note_add(acting_user=moderator, member=member, text="Let op toon in discussies.")
        sanctions.member_sanction(
            acting_user=moderator, member=member, kind="warning", reason="Persoonlijke aanval.", rule="Regel 2"
        )
    return User.objects.get(pk=member.pk)


def test_download_holds_a_row_of_every_kind_and_nothing_of_others(
    client, member_with_everything, moderator, administrator
):
    """Every part of the download holds the member's row of its kind; reporters and moderators stay unnamed."""
    member = member_with_everything
    client.force_login(member)
    response = client.get(reverse("accounts:my_data_download"))
    content = response.content.decode("utf-8")
    data = json.loads(content)

    empty = [part.name for part in privacy.registry.parts() if not data[part.name]]
    assert not empty, f"no row in {empty}"

    [sanction] = data["sanctions"]
    assert sanction["kind"] == "warning" and sanction["reason"] == "Persoonlijke aanval."
    assert sanction["rule"] == "Regel 2" and sanction["kind_label"] == "waarschuwing"
    assert data["moderator_notes"] == [
        {"text": "Let op toon in discussies.", "created_at": ModeratorNote.objects.get().created_at.isoformat()}
    ]
    [report_made] = data["reports_made"]
    assert report_made["reason"] == "off_topic" and report_made["note"] == "Past niet hier."
    [report_about] = data["reports_about_you"]
    assert report_about["reason"] == "spam" and report_about["state"] == "open"
    assert report_about["about"].endswith(reverse("forum:reply", kwargs={"pk": Reply.objects.get(author=member).pk}))
    [objection] = data["objections"]
    assert objection["text"] == "Er stond niets vertrouwelijks in."
    assert objection["decision"] == "hide" and objection["decision_reason"] == "Vertrouwelijke gegevens."
    decisions = {(row["action"], row["reason"]) for row in data["decisions_about_you"]}
    assert ("hide", "Vertrouwelijke gegevens.") in decisions
    assert ("warn", "Persoonlijke aanval.") in decisions
    assert ("moderator_grant", "") in decisions
    assert ("report_close", "De knop is hersteld.") in decisions
    [act] = data["moderation_acts"]
    assert act["action"] == "hide" and act["reason"] == "Gedeeld adres van een collega."
    assert act["about"].endswith(
        reverse("forum:thread_short", kwargs={"pk": Thread.objects.get(author__display_name="Schrijver Anders").pk})
    )
    [change] = data["administration_changes"]
    assert change["kind"] == "thema" and "Description" in change["change"]
    [account_change] = data["account_changes"]
    assert account_change["change"] == "Functie gewijzigd."
    assert data["moderated_themes"][0]["name"] == data["followed_themes"][0]["name"]
    assert "Sociale media en de Rob" in [row["title"] for row in data["followed_threads"]]
    assert [row["title"] for row in data["read_positions"]] == ["Sociale media en de Rob"]
    assert len(data["appreciations"]) == 1
    assert {row["kind"] for row in data["notifications"]} >= {"reply_to_thread", "moderation"}
    assert data["notification_preferences"] == [
        {
            "kind": "reaction",
            "kind_label": "een waardering voor mijn bericht",
            "frequency": "never",
            "frequency_label": "nooit",
        }
    ]
    assert data["organisation_roles"] == [
        {"organisation": "Gemeente Zwolle", "is_admin": False, "may_speak_for_organisation": True}
    ]
    assert [row["account"] for row in data["organisation_accounts"]] == ["Team Open Data"]
    assert data["roles"] == [roles.MODERATORS]
    assert data["permissions"] == ["forum.view_theme"]
    [authenticator] = data["authenticators"]
    assert authenticator["type"] == "totp"

    # Other people's data stays out: who reported the member and what they wrote, which moderator decided,
    # whom the member acted on as a moderator, and the two-factor secret.
    for foreign in (
        "Melder Verborgen",
        "Geheime toelichting",
        moderator.display_name,
        moderator.email,
        administrator.display_name,
        "Schrijver Anders",
        TOTP_SECRET,
    ):
        assert foreign not in content
    assert "secret" not in content


def test_each_part_of_the_download_costs_one_query_at_most(member_with_everything):
    """With a row of every kind, no part asks again per row: one query each, whatever it holds."""
    for part in privacy.registry.parts():
        with CaptureQueriesContext(connection) as context:
            part.export(member_with_everything)
        assert len(context.captured_queries) <= 1, part.name


def test_moderators_are_told_the_member_reads_their_notes(moderator_client, user):
    """Notes about a member are in that member's download, so the note form says so."""
    response = moderator_client.get(reverse("moderation:member_moderation", kwargs={"handle": user.handle}))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "het lid vindt ze ook terug bij ‘Mijn gegevens downloaden’" in html
    assert "Alleen moderators zien deze notities." not in html


@pytest.mark.django_db
def test_closing_discards_mail_still_waiting_for_the_member():
    """A mail queued for the member but not yet sent goes with their address; mail to others stays."""
    member = UserFactory(display_name="Anouk de Vries", email="anouk@example.nl")
    other = UserFactory(email="bert@example.nl")
    for to in ("Anouk@Example.nl", other.email):
        Mail.objects.create(to=to, subject="Nieuwe reactie", body="Anouk de Vries, er is een nieuwe reactie.")

    privacy.member_close_account(member=member)

    assert list(Mail.objects.values_list("to", flat=True)) == [other.email]
