"""
Members and identity: organisations from verified addresses, the membership policy and the terms.

Addresses are confirmed the way members do it, through allauth's sign-up, e-mail page and the
link in the confirmation mail, so the signal receivers in ``accounts.signals`` are exercised too.
"""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from accounts import permissions, services
from accounts.models import Approval, Organisation, OrganisationDomain, SiteSettings, TermsAcceptance, User
from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum import services as forum_services
from forum.models import Reply, Thread
from forum.tests.factories import ThreadFactory, UnverifiedUserFactory, UserFactory
from outbox.testing import after_commit

PASSWORD = "Zeer-lang-wachtwoord-2012"
CONFIRMATION_PATH = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")
REPLY_FORM_ACTION = re.compile(r'<form[^>]+action="/discussie/\d+/reageren/"')


# Set-up helpers ---------------------------------------------------------------------


@pytest.fixture
def bzk(db):
    """The ministry whose domain is minbzk.nl."""
    organisation = Organisation.objects.create(name="Ministerie van BZK", kind=Organisation.Kind.RIJKSOVERHEID)
    OrganisationDomain.objects.create(organisation=organisation, domain="minbzk.nl")
    return organisation


@pytest.fixture
def zwolle(db):
    organisation = Organisation.objects.create(name="Gemeente Zwolle", kind=Organisation.Kind.GEMEENTE)
    OrganisationDomain.objects.create(organisation=organisation, domain="zwolle.nl")
    return organisation


@pytest.fixture
def closed_policy(db):
    site = SiteSettings.current()
    site.membership_policy = SiteSettings.MembershipPolicy.CLOSED
    site.save()
    return site


def sign_up(client, email, **overrides):
    data = {
        "display_name": "Nieuw Lid",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
        **overrides,
    }
    with after_commit():
        return client.post(reverse("account_signup"), data)


def confirmation_path(to):
    """The path of the newest confirmation link mailed to ``to``."""
    messages = [message for message in mail.outbox if to in message.to and CONFIRMATION_PATH.search(message.body)]
    assert messages, f"no confirmation mail to {to}"
    return CONFIRMATION_PATH.search(messages[-1].body).group(1)


def confirm(client, to):
    """Follow the link in the newest confirmation mail to ``to`` (allauth asks for a POST)."""
    return client.post(confirmation_path(to))


def change_email(client, new_email):
    """Ask for a new address on allauth's e-mail page (ACCOUNT_CHANGE_EMAIL: one address, replaced once verified)."""
    with after_commit():
        return client.post(reverse("account_email"), {"action_add": "", "email": new_email})


def thread_header_html(client, thread):
    """The header of the thread's article: title, author line and badges."""
    html = client.get(thread.get_absolute_url()).content.decode()
    return re.search(r'<article class="thread".*?</header>', html, re.S).group()


def primary_address(user):
    return EmailAddress.objects.get(user=user, primary=True)


# Organisations and verification --------------------------------------------------------


def test_confirming_a_government_address_links_the_member_and_shows_the_badge(client, bzk, theme):
    """A member whose confirmed address is on an organisation's domain belongs to it and is shown as verified."""
    sign_up(client, "nieuw.lid@minbzk.nl")
    member = User.objects.get(email="nieuw.lid@minbzk.nl")
    assert member.organisation is None  # not before the address is confirmed

    confirm(client, "nieuw.lid@minbzk.nl")

    member.refresh_from_db()
    assert member.organisation == bzk
    assert member.is_verified_civil_servant
    thread = forum_services.thread_create(author=member, theme=theme, title="Open data", body="Wie doet mee?")
    header = thread_header_html(client.__class__(), thread)
    assert "badge-verified" in header
    assert bzk.name in header


def test_members_outside_the_domains_have_no_badge(client, bzk, theme):
    """A verified address elsewhere does not make a verified civil servant."""
    member = UserFactory(email="harro@example.nl")
    services.member_sync_organisation(member=member)
    thread = ThreadFactory(theme=theme, author=member)
    member.refresh_from_db()
    assert member.organisation is None
    assert "badge-verified" not in thread_header_html(client, thread)


def test_subdomains_do_not_count(client, bzk):
    """An address on a subdomain of an organisation's domain does not link the member."""
    sign_up(client, "lid@afdeling.minbzk.nl")
    confirm(client, "lid@afdeling.minbzk.nl")
    member = User.objects.get(email="lid@afdeling.minbzk.nl")
    assert EmailAddress.objects.get(user=member).verified
    assert member.organisation is None
    assert services.organisation_for_email("lid@afdeling.minbzk.nl") is None


def test_an_unverified_address_does_not_link(bzk):
    """Until the address is confirmed the member belongs to no organisation, even when asked to re-check."""
    member = UnverifiedUserFactory(email="nog.niet@minbzk.nl")
    assert services.member_sync_organisation(member=member) is False
    member.refresh_from_db()
    assert member.organisation is None
    assert not member.is_verified_civil_servant


def test_changing_the_address_rechecks_the_organisation(client, bzk, zwolle):
    """
    A new address counts once it is confirmed: moving to a government address links the member,
    moving to another organisation's domain moves them, and a private address drops the link.
    """
    member = UserFactory(email="prive@example.nl")
    client.force_login(member)

    response = change_email(client, "ambtenaar@minbzk.nl")
    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.organisation is None  # asked for, not yet confirmed
    assert primary_address(member).email == "prive@example.nl"

    confirm(client, "ambtenaar@minbzk.nl")
    member.refresh_from_db()
    assert member.email == "ambtenaar@minbzk.nl"
    assert member.organisation == bzk
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == ["ambtenaar@minbzk.nl"]

    change_email(client, "ambtenaar@zwolle.nl")
    confirm(client, "ambtenaar@zwolle.nl")
    member.refresh_from_db()
    assert member.organisation == zwolle

    change_email(client, "weer.prive@example.org")
    confirm(client, "weer.prive@example.org")
    member.refresh_from_db()
    assert member.email == "weer.prive@example.org"
    assert member.organisation is None
    assert not member.is_verified_civil_servant


@pytest.mark.parametrize("other_has_verified", [True, False], ids=["verified", "unverified"])
def test_changing_to_another_members_address_changes_nothing(client, bzk, other_has_verified):
    """
    An address another member already has cannot become yours: allauth (preventing enumeration)
    sends the confirmation link to that address, and following it changes nothing for either member.
    """
    member = UserFactory(email="prive@example.nl")
    other_factory = UserFactory if other_has_verified else UnverifiedUserFactory
    other = other_factory(email="bezet@minbzk.nl")
    client.force_login(member)

    change_email(client, "bezet@minbzk.nl")
    response = confirm(client, "bezet@minbzk.nl")

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    member.refresh_from_db()
    other.refresh_from_db()
    assert member.email == "prive@example.nl"
    assert primary_address(member).email == "prive@example.nl"
    assert primary_address(member).verified
    assert member.organisation is None
    assert not EmailAddress.objects.filter(user=member, email="bezet@minbzk.nl", verified=True).exists()
    assert other.email == "bezet@minbzk.nl"
    assert primary_address(other).verified is other_has_verified


# Membership policy ---------------------------------------------------------------------


def signed_up_and_confirmed(client, email):
    sign_up(client, email)
    confirm(client, email)
    return User.objects.get(email=email)


def test_open_policy_approves_new_members_at_once(client, thread):
    """Under the open policy a member with a private address can post once the address is confirmed."""
    assert SiteSettings.current().membership_policy == SiteSettings.MembershipPolicy.OPEN
    member = signed_up_and_confirmed(client, "burger@example.org")
    assert member.approval == Approval.APPROVED
    response = client.get(thread.get_absolute_url())
    assert REPLY_FORM_ACTION.search(response.content.decode())


def test_closed_policy_makes_members_outside_the_domains_wait(client, closed_policy, thread):
    """A pending member sees no reply form, and a forged reply is refused and not stored."""
    member = signed_up_and_confirmed(client, "burger@example.org")
    assert member.approval == Approval.PENDING
    assert int(client.session["_auth_user_id"]) == member.pk

    response = client.get(thread.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert response.context["can_reply"] is False
    assert response.context["cannot_post_reason"] == "approval_pending"
    assert not REPLY_FORM_ACTION.search(response.content.decode())

    response = client.post(reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Mag ik al?"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Reply.objects.filter(author=member).exists()


def test_closed_policy_approves_members_with_a_government_address(client, closed_policy, bzk):
    """Civil servants on a listed domain do not wait, even under the closed policy."""
    member = signed_up_and_confirmed(client, "ambtenaar@minbzk.nl")
    assert member.approval == Approval.APPROVED
    assert member.organisation == bzk
    assert permissions.can_post(standing_of(member))


def test_applications_page_is_for_moderators(client, closed_policy, moderator, user):
    """Moderators see who waits; members are refused."""
    signed_up_and_confirmed(client, "burger@example.org")
    client.logout()

    client.force_login(user)
    assert client.get(reverse("accounts:applications")).status_code == HTTPStatus.FORBIDDEN

    client.force_login(moderator)
    response = client.get(reverse("accounts:applications"))
    assert response.status_code == HTTPStatus.OK
    assert [applicant.email for applicant in response.context["applicants"]] == ["burger@example.org"]


def test_moderator_approves_an_application(
    client, closed_policy, moderator, thread, django_capture_on_commit_callbacks
):
    """Approval lets the member post, mails them and is logged."""
    member = signed_up_and_confirmed(client, "burger@example.org")
    mail.outbox.clear()
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:application_decide", kwargs={"pk": member.pk, "decision": "goedkeuren"})
        )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:applications")
    member.refresh_from_db()
    assert member.approval == Approval.APPROVED
    assert [message.to for message in mail.outbox] == [["burger@example.org"]]
    log = ModerationLog.objects.get(action=ModerationAction.MEMBER_APPROVE)
    assert log.actor == moderator
    assert (log.target_type, log.target_id) == (ContentType.objects.get_for_model(User), member.pk)

    client.force_login(member)
    response = client.post(reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Eindelijk!"})
    assert response.status_code == HTTPStatus.FOUND
    assert Reply.objects.filter(author=member, thread=thread).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_refusal_needs_a_reason(client, closed_policy, moderator, reason, django_capture_on_commit_callbacks):
    """Refusing without a reason shows an error and changes nothing."""
    member = signed_up_and_confirmed(client, "burger@example.org")
    mail.outbox.clear()
    moderator_client = Client()
    moderator_client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            reverse("accounts:application_decide", kwargs={"pk": member.pk, "decision": "afwijzen"}),
            {"reason": reason},
            follow=True,
        )

    assert response.status_code == HTTPStatus.OK
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    member.refresh_from_db()
    assert member.approval == Approval.PENDING
    assert mail.outbox == []
    assert not ModerationLog.objects.exists()


def test_refusal_sends_the_reason(client, closed_policy, moderator, thread, django_capture_on_commit_callbacks):
    """A refused applicant receives the reason by mail and still cannot post."""
    member = signed_up_and_confirmed(client, "burger@example.org")
    mail.outbox.clear()
    client.force_login(moderator)
    reason = "Dit netwerk is voor mensen die bij de overheid werken."

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:application_decide", kwargs={"pk": member.pk, "decision": "afwijzen"}),
            {"reason": reason},
        )

    member.refresh_from_db()
    assert member.approval == Approval.REFUSED
    assert member.approval_reason == reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["burger@example.org"]
    assert reason in mail.outbox[0].body
    assert ModerationLog.objects.get(action=ModerationAction.MEMBER_REFUSE).reason == reason
    assert not permissions.can_post(standing_of(member))


def test_members_cannot_decide_applications(client, closed_policy, user):
    """Only moderators approve: a member's POST is refused and nothing changes."""
    member = signed_up_and_confirmed(client, "burger@example.org")
    client.force_login(user)
    response = client.post(reverse("accounts:application_decide", kwargs={"pk": member.pk, "decision": "goedkeuren"}))
    assert response.status_code == HTTPStatus.FORBIDDEN
    member.refresh_from_db()
    assert member.approval == Approval.PENDING


def test_pending_member_confirming_a_government_address_is_approved(client, closed_policy, bzk):
    """A waiting member who moves to a listed domain and confirms it may post without a moderator."""
    member = signed_up_and_confirmed(client, "burger@example.org")
    assert member.approval == Approval.PENDING

    change_email(client, "burger@minbzk.nl")
    confirm(client, "burger@minbzk.nl")

    member.refresh_from_db()
    assert member.approval == Approval.APPROVED
    assert member.organisation == bzk
    assert permissions.can_post(standing_of(member))


# Terms ----------------------------------------------------------------------------------


@pytest.fixture
def new_terms(db, user):
    """A member who accepted version 1 before version 2 was published."""
    first = services.terms_publish(version=1, title="Algemene voorwaarden", body="Wees aardig.")
    services.terms_accept(member=user, terms=first)
    return services.terms_publish(version=2, title="Algemene voorwaarden", body="Wees aardig en eerlijk.")


def test_new_terms_send_a_member_to_accept_them(user_client, new_terms, thread):
    """After a new version is published, the member's next page visit asks to accept it first."""
    response = user_client.get(thread.get_absolute_url())
    assert response.status_code == HTTPStatus.FOUND
    assert (
        response["Location"] == f"{reverse('accounts:terms_accept')}?{urlencode({'next': thread.get_absolute_url()})}"
    )

    response = user_client.get(response["Location"])
    assert response.status_code == HTTPStatus.OK
    assert response.context["terms"] == new_terms


def test_accepting_the_terms_records_version_and_time_and_returns(user_client, user, new_terms, thread):
    """Ticking the box stores the acceptance of the new version and goes back to where the member was."""
    next_url = thread.get_absolute_url()
    response = user_client.post(reverse("accounts:terms_accept"), {"accept": "on", "next": next_url})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == next_url
    acceptance = TermsAcceptance.objects.get(member=user, terms=new_terms)
    assert acceptance.terms.version == 2
    assert acceptance.accepted_at is not None
    assert user_client.get(next_url).status_code == HTTPStatus.OK


def test_terms_not_ticked_are_not_accepted(user_client, user, new_terms):
    """Without the box ticked the page shows an error and nothing is stored."""
    response = user_client.post(reverse("accounts:terms_accept"), {"next": "/"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["accept"]
    assert not TermsAcceptance.objects.filter(member=user, terms=new_terms).exists()


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_accepting_does_not_follow_an_unsafe_next(user_client, new_terms, unsafe):
    """A ``next`` to another site is replaced by the home page."""
    response = user_client.post(reverse("accounts:terms_accept"), {"accept": "on", "next": unsafe})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"


def test_reply_before_accepting_new_terms_is_refused(user_client, user, new_terms, thread):
    """A member who has not accepted the new terms cannot post: 403 and nothing stored."""
    response = user_client.post(reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Snel nog even"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Reply.objects.filter(author=user).exists()
    assert permissions.why_cannot_post(standing_of(user)) == "terms"


def test_new_thread_before_accepting_new_terms_is_refused(user_client, user, new_terms, theme):
    """Starting a thread is refused the same way."""
    response = user_client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}), {"title": "Vraag", "body": "Iemand?"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Thread.objects.filter(author=user).exists()


def test_signup_without_accepting_the_terms_fails(client, db):
    """With terms in force, sign-up without the box ticked makes no account and records no acceptance."""
    services.terms_publish(version=1, title="Algemene voorwaarden", body="Wees aardig.")
    response = sign_up(client, "nieuw.lid@example.org", accept_terms="")
    assert response.status_code == HTTPStatus.OK
    assert "accept_terms" in response.context["form"].errors
    assert not User.objects.filter(email="nieuw.lid@example.org").exists()
    assert not TermsAcceptance.objects.exists()


def test_signup_with_the_terms_ticked_records_the_acceptance(client, db):
    """Ticking the box at sign-up records the acceptance of the version in force."""
    terms = services.terms_publish(version=4, title="Algemene voorwaarden", body="Wees aardig.")
    sign_up(client, "nieuw.lid@example.org")
    member = User.objects.get(email="nieuw.lid@example.org")
    assert TermsAcceptance.objects.get(member=member).terms == terms
    assert permissions.has_accepted_current_terms(standing_of(member))


def test_signup_form_links_to_the_terms_beside_the_box(client, db):
    """The sign-up form links to the terms right where the member ticks the box, before the button."""
    services.terms_publish(version=1, title="Algemene voorwaarden", body="Wees aardig.")
    html = client.get(reverse("account_signup")).content.decode()
    form = re.search(r"<form.*?</form>", re.search(r"<main.*?</main>", html, re.S).group(), re.S).group()
    box, button = form.index('name="accept_terms"'), form.index('type="submit"')
    link = form.index(f'href="{reverse("accounts:terms")}"')
    assert box < link < button


def test_new_domain_links_existing_members(db, administrator):
    """Adding a domain to an organisation in the admin links the members already on it."""
    from django.test import Client

    from accounts.models import Organisation

    member = UserFactory(email="ambtenaar@nieuwgemeente.nl")
    organisation = Organisation.objects.create(name="Gemeente Nieuw", kind="gemeente")
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "0",
        "domains-0-domain": "nieuwgemeente.nl",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.organisation == organisation


def test_roles_are_only_for_the_organisations_own_members(db, administrator, user):
    """An outsider cannot be made an administrator of an organisation, so cannot manage it."""
    from accounts.models import Organisation

    organisation = Organisation.objects.create(name="Provincie X", kind="provincie")
    with pytest.raises(ValueError):
        services.organisation_role_set(
            acting_user=administrator,
            organisation=organisation,
            member=user,
            is_admin=True,
            may_speak_for_organisation=False,
        )
