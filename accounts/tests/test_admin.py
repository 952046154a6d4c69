"""
The administration of members, organisations, terms and site settings (mounted at /beheer/).

Acts with consequences go through the services, so each test checks what the service
leaves behind: the state, the ModerationLog row, the e-mail. A staff member whom the
service refuses gets an error message and nothing changes.
"""

import re
from datetime import timedelta
from http import HTTPStatus
from io import BytesIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts import permissions, services
from accounts.models import (
    AccountDelegate,
    Approval,
    Organisation,
    OrganisationDomain,
    OrganisationRole,
    SiteSettings,
    TermsAcceptance,
    TermsVersion,
    User,
)
from accounts.roles import MODERATORS
from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum.tests.factories import (
    AdministratorFactory,
    ModeratorFactory,
    UnverifiedUserFactory,
    UserFactory,
    add_totp,
)

USERS_URL = reverse("admin:accounts_user_changelist")
ORGANISATIONS_URL = reverse("admin:accounts_organisation_changelist")


# Set-up helpers ---------------------------------------------------------------------


@pytest.fixture
def administrator_client(client, administrator):
    """An administrator's browser, in English: the messages below are asserted in the source language."""
    client.force_login(administrator)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def staff_member(db):
    """Staff who may look at members and organisations, but is neither moderator nor administrator."""
    member = UserFactory(is_staff=True)
    member.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=["view_user", "view_organisation", "add_accountdelegate", "view_accountdelegate"],
        )
    )
    add_totp(member)
    return member


@pytest.fixture
def staff_client(client, staff_member):
    client.force_login(staff_member)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def bzk(db):
    organisation = Organisation.objects.create(name="Ministerie van BZK", kind=Organisation.Kind.RIJKSOVERHEID)
    OrganisationDomain.objects.create(organisation=organisation, domain="minbzk.nl")
    return organisation


@pytest.fixture
def pending_member(db):
    return UserFactory(display_name="Wachtend Lid", approval=Approval.PENDING)


@pytest.fixture
def organisation_account(bzk, administrator):
    return services.organisation_account_create(
        acting_user=administrator, organisation=bzk, display_name="Team Digitale Overheid"
    )


def civil_servant(organisation, **kwargs):
    member = UserFactory(**kwargs)
    member.organisation = organisation
    member.save(update_fields=["organisation"])
    return member


def run_action(client, url, action, objects, **data):
    return client.post(
        url, {"action": action, helpers.ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], "index": 0, **data}
    )


def confirm_action(client, url, action, objects, **data):
    """The second step of an action with a confirmation page, as its form posts it."""
    return client.post(
        url, {"action": action, helpers.ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], "post": "yes", **data}
    )


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def changelist_names(response):
    return {str(member) for member in response.context["cl"].result_list}


def queries_for(client, url):
    """The queries a list page costs once the session and the site's settings are cached."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def png_upload(name="vakantie.png"):
    buffer = BytesIO()
    Image.new("RGB", (400, 300), "orange").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# Every page loads -------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["user", "organisation", "accountdelegate", "termsversion", "termsacceptance", "sitesettings"]
)
def test_each_changelist_loads_for_an_administrator(administrator_client, model):
    """Every accounts list in the administration opens (site settings lead to their one row)."""
    response = administrator_client.get(reverse(f"admin:accounts_{model}_changelist"), follow=True)
    assert response.status_code == HTTPStatus.OK


def test_each_change_page_loads_for_an_administrator(administrator_client, administrator, organisation_account, bzk):
    """The change pages of a member, an organisation, a delegate, terms, an acceptance and the settings open."""
    member = civil_servant(bzk)
    OrganisationRole.objects.create(organisation=bzk, member=member, may_speak_for_organisation=True)
    delegate = AccountDelegate.objects.create(account=organisation_account, member=member)
    terms = services.terms_publish(version=1, title="Algemene voorwaarden", body="Wees *aardig*.")
    services.terms_accept(member=administrator, terms=terms)
    acceptance = TermsAcceptance.objects.get(member=administrator)
    site = SiteSettings.current()
    for model, obj in [
        ("user", member),
        ("user", organisation_account),
        ("organisation", bzk),
        ("accountdelegate", delegate),
        ("termsversion", terms),
        ("termsacceptance", acceptance),
        ("sitesettings", site),
    ]:
        response = administrator_client.get(reverse(f"admin:accounts_{model}_change", args=[obj.pk]))
        assert response.status_code == HTTPStatus.OK, model


def test_member_changelist_costs_a_fixed_number_of_queries(administrator_client, bzk):
    """Organisation, badge and roles of each row come with the list query, not one query per member."""
    civil_servant(bzk)
    ModeratorFactory()
    # The administrator with their standing (TOTP check included), the filtered and the full
    # count, whether site settings may be added (the menu), and the rows with organisation and role.
    assert queries_for(administrator_client, USERS_URL) == 5
    for _index in range(5):
        civil_servant(bzk)
        ModeratorFactory()
        UnverifiedUserFactory()
    assert queries_for(administrator_client, USERS_URL) == 5


def test_organisation_changelist_costs_a_fixed_number_of_queries(administrator_client, bzk):
    """Domain and member counts are annotated on the list query."""
    civil_servant(bzk)
    # The administrator with their standing (TOTP check included), two counts, the menu's
    # site-settings check, the rows with counts.
    assert queries_for(administrator_client, ORGANISATIONS_URL) == 5
    for number in range(5):
        organisation = Organisation.objects.create(name=f"Gemeente {number}", kind=Organisation.Kind.GEMEENTE)
        OrganisationDomain.objects.create(organisation=organisation, domain=f"gemeente{number}.nl")
        OrganisationDomain.objects.create(organisation=organisation, domain=f"gemeente{number}.example")
        civil_servant(organisation)
    assert queries_for(administrator_client, ORGANISATIONS_URL) == 5


def test_member_changelist_shows_organisation_badge_and_roles(administrator_client, administrator, bzk):
    """The list shows the organisation, the verified badge, the approval and who holds which role."""
    civil_servant(bzk, display_name="Fatou van den Hoff")
    ModeratorFactory(display_name="Moderator Mies")
    response = administrator_client.get(USERS_URL)
    html = response.content.decode()
    assert "Ministerie van BZK" in html
    assert 'alt="True"' in html
    rows = {str(member): member for member in response.context["cl"].result_list}
    model_admin = response.context["cl"].model_admin
    assert model_admin.roles(rows["Moderator Mies"]) == "moderator"
    assert model_admin.roles(rows[administrator.display_name]) == "administrator"
    assert model_admin.roles(rows["Fatou van den Hoff"]) == "member"
    assert model_admin.verified_civil_servant(rows["Fatou van den Hoff"]) is True
    assert model_admin.verified_civil_servant(rows["Moderator Mies"]) is False


# Search and filters -----------------------------------------------------------------


def test_members_are_found_by_name_address_and_organisation(administrator_client, bzk):
    """Search looks in display names, e-mail addresses and organisation names."""
    civil_servant(bzk, display_name="Fatou van den Hoff", email="f.hoff@minbzk.nl")
    UserFactory(display_name="Harro Ranter", email="harro@example.nl")
    assert changelist_names(administrator_client.get(USERS_URL, {"q": "Harro"})) == {"Harro Ranter"}
    assert changelist_names(administrator_client.get(USERS_URL, {"q": "f.hoff@"})) == {"Fatou van den Hoff"}
    assert changelist_names(administrator_client.get(USERS_URL, {"q": "BZK"})) == {"Fatou van den Hoff"}


def test_member_filters(administrator_client, administrator, bzk, organisation_account, pending_member):
    """Verification, e-mail verification, role, approval, organisation account and former member filter the list."""
    servant = civil_servant(bzk, display_name="Fatou van den Hoff")
    unverified = UnverifiedUserFactory(display_name="Nog Niet Bevestigd")
    moderator = ModeratorFactory(display_name="Moderator Mies")
    former = UserFactory(display_name="Vertrokken Lid")
    User.objects.filter(pk=former.pk).update(is_former_member=True)

    def names(**params):
        response = administrator_client.get(USERS_URL, params)
        assert response.status_code == HTTPStatus.OK
        return changelist_names(response)

    everyone = names()
    assert names(civil_servant="yes") == {"Fatou van den Hoff"}
    assert names(civil_servant="no") == everyone - {"Fatou van den Hoff"}
    assert names(email_verified="no") == {"Nog Niet Bevestigd", "Team Digitale Overheid"}
    assert unverified.display_name not in names(email_verified="yes")
    assert names(role="moderator") == {moderator.display_name}
    assert names(role="administrator") == {administrator.display_name}
    assert names(role="member") == everyone - {moderator.display_name, administrator.display_name}
    assert names(approval=Approval.PENDING) == {pending_member.display_name}
    assert names(is_organisation_account__exact="1") == {"Team Digitale Overheid"}
    assert names(is_former_member__exact="1") == {"Vertrokken Lid"}
    assert servant.display_name in names(is_former_member__exact="0")


def test_organisations_are_found_by_name_and_domain_and_filtered_by_kind(administrator_client, bzk):
    """Search looks in names and domains; the kind filters the list; the counts are shown."""
    zwolle = Organisation.objects.create(name="Gemeente Zwolle", kind=Organisation.Kind.GEMEENTE)
    OrganisationDomain.objects.create(organisation=zwolle, domain="zwolle.nl")
    OrganisationDomain.objects.create(organisation=zwolle, domain="zwolle.example")
    civil_servant(zwolle)
    civil_servant(zwolle)
    services.organisation_account_create(acting_user=AdministratorFactory(), organisation=zwolle, display_name="Team")

    def names(**params):
        response = administrator_client.get(ORGANISATIONS_URL, params)
        assert response.status_code == HTTPStatus.OK
        return response

    assert changelist_names(names(q="minbzk")) == {"Ministerie van BZK"}
    assert changelist_names(names(q="Zwolle")) == {"Gemeente Zwolle"}
    assert changelist_names(names(kind__exact=Organisation.Kind.GEMEENTE)) == {"Gemeente Zwolle"}
    row = names(q="zwolle.nl").context["cl"].result_list[0]
    assert (row.domain_count, row.member_count) == (2, 2)


# Member actions ---------------------------------------------------------------------


def test_approving_members_uses_the_service(
    administrator_client, administrator, pending_member, django_capture_on_commit_callbacks
):
    """Approval lets the member post, is logged and the member is told by e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(administrator_client, USERS_URL, "approve", [pending_member])
    assert response.status_code == HTTPStatus.FOUND
    pending_member.refresh_from_db()
    assert pending_member.approval == Approval.APPROVED
    log = ModerationLog.objects.get(action=ModerationAction.MEMBER_APPROVE)
    assert (log.actor, log.target_id) == (administrator, pending_member.pk)
    assert [message.to for message in mail.outbox] == [[pending_member.email]]
    assert message_texts(response) == ["1 member approved."]


def test_refusing_asks_for_a_reason_first(administrator_client, pending_member, user):
    """The first step shows a page with a reason field for the waiting members only; nothing changes yet."""
    response = run_action(administrator_client, USERS_URL, "refuse", [pending_member, user])
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<textarea name="reason"' in html
    assert pending_member.display_name in html
    assert user.display_name not in html
    assert re.search(rf'name="{helpers.ACTION_CHECKBOX_NAME}"\s+value="{pending_member.pk}"', html)
    pending_member.refresh_from_db()
    assert pending_member.approval == Approval.PENDING
    assert not ModerationLog.objects.exists()


def test_refusing_without_a_reason_shows_the_page_again(administrator_client, pending_member):
    """An empty reason is a form error, not a refusal."""
    response = confirm_action(administrator_client, USERS_URL, "refuse", [pending_member], reason="  ")
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["reason"]
    pending_member.refresh_from_db()
    assert pending_member.approval == Approval.PENDING


def test_refusing_with_a_reason_uses_the_service(
    administrator_client, administrator, pending_member, django_capture_on_commit_callbacks
):
    """Refusal stores the reason, is logged with it and the applicant receives it by e-mail."""
    reason = "Dit netwerk is voor ambtenaren; we konden uw functie niet vaststellen."
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_action(administrator_client, USERS_URL, "refuse", [pending_member], reason=reason)
    assert response.status_code == HTTPStatus.FOUND
    pending_member.refresh_from_db()
    assert (pending_member.approval, pending_member.approval_reason) == (Approval.REFUSED, reason)
    log = ModerationLog.objects.get(action=ModerationAction.MEMBER_REFUSE)
    assert (log.actor, log.target_id, log.reason) == (administrator, pending_member.pk, reason)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [pending_member.email]
    assert reason in mail.outbox[0].body


def test_refusing_members_who_are_not_waiting_changes_nothing(administrator_client, user):
    """Only members waiting for approval can be refused: the others get a warning, no page."""
    response = run_action(administrator_client, USERS_URL, "refuse", [user])
    assert response.status_code == HTTPStatus.FOUND
    assert message_texts(response) == ["None of the selected members is waiting for approval."]
    user.refresh_from_db()
    assert user.approval == Approval.APPROVED


def test_granting_and_revoking_the_moderator_role_uses_the_services(administrator_client, administrator, user):
    """The role is granted and revoked through the services, each act logged."""
    response = run_action(administrator_client, USERS_URL, "grant_moderator", [user])
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(pk=user.pk)
    assert permissions.holds_moderator_role(standing_of(user))  # active once two-factor is set up
    assert message_texts(response) == ["1 member is now a moderator."]

    response = run_action(administrator_client, USERS_URL, "revoke_moderator", [user])
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(pk=user.pk)
    assert not permissions.holds_moderator_role(standing_of(user))
    assert list(ModerationLog.objects.order_by("pk").values_list("action", "actor", "target_id")) == [
        (ModerationAction.MODERATOR_GRANT, administrator.pk, user.pk),
        (ModerationAction.MODERATOR_REVOKE, administrator.pk, user.pk),
    ]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("approve", "Only moderators can approve or refuse members."),
        ("refuse", "Only moderators can approve or refuse members."),
        ("grant_moderator", "Only administrators can grant or revoke the moderator role."),
        ("revoke_moderator", "Only administrators can grant or revoke the moderator role."),
    ],
)
def test_staff_without_the_role_get_an_error_and_nothing_changes(staff_client, pending_member, action, expected):
    """A staff member the service refuses sees why; the member, the groups and the log stay as they were."""
    response = run_action(staff_client, USERS_URL, action, [pending_member])
    assert response.status_code == HTTPStatus.FOUND
    assert message_texts(response) == [expected]
    pending_member.refresh_from_db()
    assert pending_member.approval == Approval.PENDING
    assert not pending_member.groups.exists()
    assert not ModerationLog.objects.exists()


def test_staff_without_the_role_cannot_confirm_a_refusal(staff_client, pending_member):
    """Posting the confirmation page directly is refused too."""
    response = confirm_action(staff_client, USERS_URL, "refuse", [pending_member], reason="Geen ambtenaar.")
    assert message_texts(response) == ["Only moderators can approve or refuse members."]
    pending_member.refresh_from_db()
    assert pending_member.approval == Approval.PENDING


# The member's change form -----------------------------------------------------------


def address_management_form(*, initial=0):
    """The management form of the e-mail address inline."""
    prefix = "emailaddress_set"
    return {
        f"{prefix}-TOTAL_FORMS": initial,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def change_form_data(client, member, **changes):
    """The member's change form as the page fills it in, with ``changes``."""
    response = client.get(reverse("admin:accounts_user_change", args=[member.pk]))
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if name in ("groups", "user_permissions"):
            # The page offers only the field's choices, so only those are posted back.
            offered = set(field.queryset.values_list("pk", flat=True))
            data[name] = [pk for pk in (getattr(item, "pk", item) for item in value or []) if pk in offered]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif name == "avatar":
            continue
        elif value is not None:
            data[name] = value
    addresses = list(EmailAddress.objects.filter(user=member))
    prefix = "emailaddress_set"
    data.update(address_management_form(initial=len(addresses)))
    for index, address in enumerate(addresses):
        data[f"{prefix}-{index}-id"] = address.pk
        data[f"{prefix}-{index}-user"] = member.pk
        data[f"{prefix}-{index}-email"] = address.email
        if address.verified:
            data[f"{prefix}-{index}-verified"] = "on"
        if address.primary:
            data[f"{prefix}-{index}-primary"] = "on"
    data.update(changes)
    return data


def test_member_form_shows_organisation_and_approval_read_only(administrator_client, bzk):
    """The organisation follows the verified address and approval follows the actions: neither is a form field."""
    member = civil_servant(bzk)
    response = administrator_client.get(reverse("admin:accounts_user_change", args=[member.pk]))
    form = response.context["adminform"].form
    for name in ("job_title", "bio", "avatar", "profile_visibility", "display_name"):
        assert name in form.fields
    for name in ("organisation", "approval", "approval_reason", "is_organisation_account"):
        assert name not in form.fields
    assert "Ministerie van BZK" in response.content.decode()


def test_profile_edits_go_through_the_service(administrator_client, user):
    """A new photo is stored as the site stores it (square, under a random name) and can be removed."""
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = change_form_data(administrator_client, user, job_title="Beleidsadviseur", avatar=png_upload())
    response = administrator_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.job_title == "Beleidsadviseur"
    assert user.avatar.name.startswith("avatars/")
    assert "vakantie" not in user.avatar.name
    with Image.open(user.avatar) as image:
        assert image.size == (256, 256)

    response = administrator_client.post(url, change_form_data(administrator_client, user, **{"avatar-clear": "on"}))
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert not user.avatar


def test_an_unusable_photo_is_a_form_error(administrator_client, user):
    """A file that is not a photo is refused on the form, not with a server error."""
    url = reverse("admin:accounts_user_change", args=[user.pk])
    broken = SimpleUploadedFile("foto.png", b"geen foto", content_type="image/png")
    response = administrator_client.post(url, change_form_data(administrator_client, user, avatar=broken))
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["avatar"]


def test_saving_a_moderator_keeps_the_moderator_role(administrator_client):
    """The groups field does not offer the moderators' group, and saving the form does not drop it."""
    moderator = ModeratorFactory()
    url = reverse("admin:accounts_user_change", args=[moderator.pk])
    response = administrator_client.get(url)
    assert MODERATORS not in {group.name for group in response.context["adminform"].form.fields["groups"].queryset}
    response = administrator_client.post(url, change_form_data(administrator_client, moderator, job_title="Moderator"))
    assert response.status_code == HTTPStatus.FOUND
    assert moderator.groups.filter(name=MODERATORS).exists()


def test_the_add_form_asks_address_name_and_password(administrator_client):
    """A member added in the administration gets an e-mail address, a display name and a password."""
    url = reverse("admin:accounts_user_add")
    assert administrator_client.get(url).status_code == HTTPStatus.OK
    password = "Zeer-lang-wachtwoord-2012"
    response = administrator_client.post(
        url,
        {
            "email": "nieuw@example.nl",
            "display_name": "Nieuw Lid",
            "password1": password,
            "password2": password,
            **address_management_form(),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    member = User.objects.get(email="nieuw@example.nl")
    assert member.display_name == "Nieuw Lid"
    assert member.check_password(password)


# Organisations and their accounts ---------------------------------------------------


def organisation_form_data(organisation, *, roles=(), domains=()):
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "domains-TOTAL_FORMS": len(domains),
        "domains-INITIAL_FORMS": len([domain for domain in domains if domain.pk]),
        "roles-TOTAL_FORMS": len(roles),
        "roles-INITIAL_FORMS": 0,
    }
    for index, domain in enumerate(domains):
        data[f"domains-{index}-id"] = domain.pk or ""
        data[f"domains-{index}-organisation"] = organisation.pk
        data[f"domains-{index}-domain"] = domain.domain
    for index, (member, is_admin, may_speak) in enumerate(roles):
        data[f"roles-{index}-organisation"] = organisation.pk
        data[f"roles-{index}-member"] = member.pk
        if is_admin:
            data[f"roles-{index}-is_admin"] = "on"
        if may_speak:
            data[f"roles-{index}-may_speak_for_organisation"] = "on"
    return data


def test_roles_are_set_in_the_organisation_form(administrator_client, bzk):
    """The role inline adds a member who may speak for the organisation, and a domain inline adds a domain."""
    member = civil_servant(bzk)
    domains = [*bzk.domains.all(), OrganisationDomain(domain="rijksoverheid.example")]
    data = organisation_form_data(bzk, roles=[(member, False, True)], domains=domains)
    response = administrator_client.post(reverse("admin:accounts_organisation_change", args=[bzk.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    role = OrganisationRole.objects.get(organisation=bzk, member=member)
    assert (role.is_admin, role.may_speak_for_organisation) == (False, True)
    assert set(bzk.domains.values_list("domain", flat=True)) == {"minbzk.nl", "rijksoverheid.example"}


def test_create_account_asks_for_the_name_first(administrator_client, bzk):
    """The action's first step is a page asking the account's name; no account exists yet."""
    response = run_action(administrator_client, ORGANISATIONS_URL, "create_account", [bzk])
    assert response.status_code == HTTPStatus.OK
    assert 'name="display_name"' in response.content.decode()
    assert not User.objects.filter(is_organisation_account=True).exists()


def test_create_account_makes_an_account_nobody_logs_in_as(administrator_client, bzk):
    """The account belongs to the organisation, has no e-mail address and no usable password."""
    response = confirm_action(
        administrator_client, ORGANISATIONS_URL, "create_account", [bzk], display_name="Team Digitale Overheid"
    )
    account = User.objects.get(is_organisation_account=True)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:accounts_user_change", args=[account.pk])
    assert (account.display_name, account.organisation, account.email) == ("Team Digitale Overheid", bzk, None)
    assert not account.has_usable_password()
    assert not EmailAddress.objects.filter(user=account).exists()


def test_an_organisation_account_has_no_login_fields_and_lists_its_delegates(
    administrator_client, organisation_account, bzk
):
    """Its page offers no address or password to set, refuses a password, and shows who posts as it."""
    member = civil_servant(bzk, display_name="Fatou van den Hoff")
    services.delegate_add(acting_user=AdministratorFactory(), account=organisation_account, member=member)
    response = administrator_client.get(reverse("admin:accounts_user_change", args=[organisation_account.pk]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    password_url = reverse("admin:auth_user_password_change", args=[organisation_account.pk])
    assert 'name="email"' not in html
    assert "../password/" not in html
    assert "Fatou van den Hoff" in html
    response = administrator_client.get(password_url)
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_create_account_needs_one_organisation(administrator_client, bzk):
    """Selecting two organisations gives a warning, no page."""
    other = Organisation.objects.create(name="Gemeente Zwolle", kind=Organisation.Kind.GEMEENTE)
    response = run_action(administrator_client, ORGANISATIONS_URL, "create_account", [bzk, other])
    assert response.status_code == HTTPStatus.FOUND
    assert message_texts(response) == ["Select one organisation."]


def test_staff_without_the_role_cannot_create_an_account(staff_client, bzk):
    """The service's refusal is an error message; no account is made."""
    response = confirm_action(staff_client, ORGANISATIONS_URL, "create_account", [bzk], display_name="Team")
    assert response.status_code == HTTPStatus.FOUND
    assert message_texts(response) == ["Only administrators can create organisation accounts."]
    assert not User.objects.filter(is_organisation_account=True).exists()


# Who may post as an organisation account --------------------------------------------


def test_delegates_are_added_and_removed_through_the_services(administrator_client, organisation_account, bzk):
    """Adding makes the member a delegate; deleting from the page and from the list removes them."""
    first, second = civil_servant(bzk), civil_servant(bzk)
    add_url = reverse("admin:accounts_accountdelegate_add")
    for member in (first, second):
        response = administrator_client.post(add_url, {"account": organisation_account.pk, "member": member.pk})
        assert response.status_code == HTTPStatus.FOUND
    assert set(organisation_account.delegates.all()) == {first, second}

    delegate = AccountDelegate.objects.get(member=first)
    response = administrator_client.post(
        reverse("admin:accounts_accountdelegate_delete", args=[delegate.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FOUND
    delegate = AccountDelegate.objects.get(member=second)
    response = confirm_action(
        administrator_client, reverse("admin:accounts_accountdelegate_changelist"), "delete_selected", [delegate]
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not AccountDelegate.objects.exists()


def test_only_members_can_be_delegates(administrator_client, organisation_account, bzk):
    """An organisation account cannot post as another: the form refuses it."""
    other = services.organisation_account_create(
        acting_user=AdministratorFactory(), organisation=bzk, display_name="Team Twee"
    )
    response = administrator_client.post(
        reverse("admin:accounts_accountdelegate_add"), {"account": organisation_account.pk, "member": other.pk}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["member"]
    assert not AccountDelegate.objects.exists()


def test_staff_who_do_not_manage_the_organisation_cannot_add_delegates(staff_client, organisation_account, bzk):
    """The refusal is a form error, not a server error; nothing is added."""
    member = civil_servant(bzk)
    response = staff_client.post(
        reverse("admin:accounts_accountdelegate_add"), {"account": organisation_account.pk, "member": member.pk}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.non_field_errors()
    assert not AccountDelegate.objects.exists()


# Terms and site settings ------------------------------------------------------------


@pytest.fixture
def published_terms(administrator):
    terms = services.terms_publish(version=1, title="Algemene voorwaarden", body="Wees aardig.")
    services.terms_accept(member=administrator, terms=terms)
    return terms


def test_published_terms_cannot_be_changed_or_deleted(administrator_client, published_terms):
    """
    Members may have accepted a published version: its Dutch text is read-only and a change to it is
    ignored (only its English translation stays open, accounts/tests/test_site_texts.py), no delete.
    """
    url = reverse("admin:accounts_termsversion_change", args=[published_terms.pk])
    response = administrator_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert '<textarea name="body"' not in response.content.decode()
    response = administrator_client.post(
        url, {"version": 1, "title": "Andere titel", "body": "Anders.", "published_at_0": "2030-01-01"}
    )
    assert response.status_code == HTTPStatus.FOUND
    response = administrator_client.post(
        reverse("admin:accounts_termsversion_delete", args=[published_terms.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    published_terms.refresh_from_db()
    assert (published_terms.title, published_terms.body) == ("Algemene voorwaarden", "Wees aardig.")


def test_scheduled_terms_can_still_be_changed(administrator_client, published_terms):
    """A version whose publication lies ahead can be corrected; its text is rendered again."""
    later = timezone.localtime(timezone.now() + timedelta(days=7))
    scheduled = services.terms_publish(version=2, title="Voorwaarden", body="Concept.", published_at=later)
    url = reverse("admin:accounts_termsversion_change", args=[scheduled.pk])
    response = administrator_client.get(url)
    assert '<textarea name="body"' in response.content.decode()
    response = administrator_client.post(
        url,
        {
            "version": 2,
            "title": "Voorwaarden",
            "body": "Wees **aardig**.",
            "published_at_0": later.strftime("%Y-%m-%d"),
            "published_at_1": later.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    scheduled.refresh_from_db()
    assert "<strong>aardig</strong>" in scheduled.body_html


def test_new_terms_are_published_through_the_service(administrator_client, published_terms):
    """The add form proposes the next version number and publishing renders the text."""
    url = reverse("admin:accounts_termsversion_add")
    assert administrator_client.get(url).context["adminform"].form.initial["version"] == 2
    later = timezone.localtime(timezone.now() + timedelta(days=1))
    response = administrator_client.post(
        url,
        {
            "version": 2,
            "title": "Algemene voorwaarden",
            "body": "Nieuw: *vertrouwelijk* blijft vertrouwelijk.",
            "published_at_0": later.strftime("%Y-%m-%d"),
            "published_at_1": later.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "<em>vertrouwelijk</em>" in TermsVersion.objects.get(version=2).body_html


def test_terms_acceptances_are_read_only(administrator_client, published_terms, administrator):
    """Who accepted what is a record: listed, but not added, changed or deleted."""
    acceptance = TermsAcceptance.objects.get(member=administrator)
    response = administrator_client.get(reverse("admin:accounts_termsacceptance_changelist"))
    assert response.status_code == HTTPStatus.OK
    assert administrator.display_name in response.content.decode()
    assert administrator_client.get(reverse("admin:accounts_termsacceptance_add")).status_code == HTTPStatus.FORBIDDEN
    response = administrator_client.post(
        reverse("admin:accounts_termsacceptance_delete", args=[acceptance.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert TermsAcceptance.objects.filter(pk=acceptance.pk).exists()


def test_site_settings_are_a_single_row(administrator_client):
    """The list leads to the one row; it cannot be added again or deleted; a change is saved."""
    site = SiteSettings.current()
    response = administrator_client.get(reverse("admin:accounts_sitesettings_changelist"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:accounts_sitesettings_change", args=[site.pk])
    assert administrator_client.get(reverse("admin:accounts_sitesettings_add")).status_code == HTTPStatus.FORBIDDEN
    response = administrator_client.post(reverse("admin:accounts_sitesettings_delete", args=[site.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = administrator_client.post(
        reverse("admin:accounts_sitesettings_change", args=[site.pk]),
        {
            "membership_policy": SiteSettings.MembershipPolicy.CLOSED,
            "mfa_required_for_staff": "on",
            "auto_hide_report_count": "5",
            "hold_first_posts": "2",
            "hold_links_below": "3",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    current = SiteSettings.current()
    assert current.membership_policy == SiteSettings.MembershipPolicy.CLOSED
    assert (current.auto_hide_report_count, current.hold_first_posts, current.hold_links_below) == (5, 2, 3)
    assert SiteSettings.objects.count() == 1
