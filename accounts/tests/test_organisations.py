"""The page where an organisation's administrators manage who speaks for it and who posts as its accounts."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import AccountDelegate, Organisation, OrganisationDomain, OrganisationRole
from forum.tests.factories import AdministratorFactory, UserFactory


@pytest.fixture
def organisation(db):
    organisation = Organisation.objects.create(name="Gemeente Zwolle", kind="gemeente")
    OrganisationDomain.objects.create(organisation=organisation, domain="zwolle.nl")
    return organisation


def civil_servant(organisation, name):
    member = UserFactory(email=f"{name.lower()}@zwolle.nl", display_name=name)
    services.member_sync_organisation(member=member)
    member.refresh_from_db()
    assert member.organisation == organisation
    return member


@pytest.fixture
def org_admin(organisation):
    member = civil_servant(organisation, "Beheer")
    services.organisation_role_set(
        acting_user=AdministratorFactory(),
        organisation=organisation,
        member=member,
        is_admin=True,
        may_speak_for_organisation=True,
    )
    return member


@pytest.fixture
def account(organisation):
    return services.organisation_account_create(
        acting_user=AdministratorFactory(), organisation=organisation, display_name="Team Zwolle Digitaal"
    )


def manage_url(organisation):
    return reverse("accounts:organisation_manage", kwargs={"pk": organisation.pk})


def test_organisation_admin_allows_a_member_to_speak(client, organisation, org_admin):
    """An organisation administrator lets a colleague post on behalf of the organisation."""
    colleague = civil_servant(organisation, "Collega")
    client.force_login(org_admin)
    assert colleague.display_name in client.get(manage_url(organisation)).content.decode()
    url = reverse("accounts:organisation_speaker", kwargs={"pk": organisation.pk, "member_pk": colleague.pk})
    assert client.post(url, {"allowed": "1"}).status_code == HTTPStatus.FOUND
    assert OrganisationRole.objects.get(member=colleague).may_speak_for_organisation is True
    client.post(url, {"allowed": "0"})
    assert OrganisationRole.objects.get(member=colleague).may_speak_for_organisation is False


def test_organisation_admin_adds_and_removes_account_members(client, organisation, org_admin, account):
    """Organisation administrators decide who posts as the organisation account."""
    colleague = civil_servant(organisation, "Collega")
    client.force_login(org_admin)
    add = reverse("accounts:organisation_delegate_add", kwargs={"pk": organisation.pk, "account_pk": account.pk})
    client.post(add, {"member": colleague.pk})
    assert AccountDelegate.objects.filter(account=account, member=colleague).exists()
    remove = reverse(
        "accounts:organisation_delegate_remove",
        kwargs={"pk": organisation.pk, "account_pk": account.pk, "member_pk": colleague.pk},
    )
    client.post(remove)
    assert not AccountDelegate.objects.filter(account=account, member=colleague).exists()


def test_outsiders_cannot_be_added(client, organisation, org_admin, account):
    """A member of another organisation, or a forged id, is not added to the account."""
    outsider = UserFactory(email="iemand@elders.nl")
    client.force_login(org_admin)
    add = reverse("accounts:organisation_delegate_add", kwargs={"pk": organisation.pk, "account_pk": account.pk})
    for value in (outsider.pk, 999999, "x"):
        assert client.post(add, {"member": value}).status_code == HTTPStatus.FOUND
    assert not AccountDelegate.objects.exists()
    speaker = reverse("accounts:organisation_speaker", kwargs={"pk": organisation.pk, "member_pk": outsider.pk})
    assert client.post(speaker, {"allowed": "1"}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("who", ["member", "colleague", "admin-of-other-organisation"])
def test_others_cannot_manage_the_organisation(client, organisation, account, who):
    """Members, colleagues without the role and other organisations' administrators get 403; nothing changes."""
    colleague = civil_servant(organisation, "Collega")
    if who == "member":
        actor = UserFactory()
    elif who == "colleague":
        actor = colleague
    else:
        other = Organisation.objects.create(name="Provincie Overijssel", kind="provincie")
        OrganisationDomain.objects.create(organisation=other, domain="overijssel.nl")
        actor = UserFactory(email="beheer@overijssel.nl")
        services.member_sync_organisation(member=actor)
        actor.refresh_from_db()
        services.organisation_role_set(
            acting_user=AdministratorFactory(),
            organisation=other,
            member=actor,
            is_admin=True,
            may_speak_for_organisation=False,
        )
    client.force_login(actor)
    assert client.get(manage_url(organisation)).status_code == HTTPStatus.FORBIDDEN
    add = reverse("accounts:organisation_delegate_add", kwargs={"pk": organisation.pk, "account_pk": account.pk})
    assert client.post(add, {"member": colleague.pk}).status_code == HTTPStatus.FORBIDDEN
    speaker = reverse("accounts:organisation_speaker", kwargs={"pk": organisation.pk, "member_pk": colleague.pk})
    assert client.post(speaker, {"allowed": "1"}).status_code == HTTPStatus.FORBIDDEN
    assert not AccountDelegate.objects.exists()
    assert not OrganisationRole.objects.filter(member=colleague).exists()


def test_own_profile_links_to_the_organisation_page(client, organisation, org_admin):
    """An organisation administrator finds the management page from their own profile."""
    client.force_login(org_admin)
    html = client.get(org_admin.get_absolute_url()).content.decode()
    assert manage_url(organisation) in html


def test_visitors_are_sent_to_login(client, organisation):
    """The page needs a login."""
    response = client.get(manage_url(organisation))
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]
