"""
Speaking capacity and organisation accounts: which capacities a member may choose, that forged
choices are refused by the forms and the services, who sees who wrote an organisation account's
post, the capacity filter, revisions and the thread page's query count.
"""

import itertools
import re
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Organisation, OrganisationDomain, OrganisationRole
from forum import services
from forum.forms import ReplyForm, ThreadForm
from forum.models import Capacity, Reply, Revision, Thread
from forum.tests.factories import ReplyFactory, UserFactory

_numbers = itertools.count(1)


# Set-up -----------------------------------------------------------------------------


def make_organisation(name, domain):
    organisation = Organisation.objects.create(name=name, kind=Organisation.Kind.RIJKSOVERHEID)
    OrganisationDomain.objects.create(organisation=organisation, domain=domain)
    return organisation


def make_civil_servant(organisation, **kwargs):
    """A member whose verified address is on ``organisation``'s domain, linked as allauth's signal would."""
    domain = organisation.domains.get().domain
    member = UserFactory(email=f"ambtenaar{next(_numbers)}@{domain}", **kwargs)
    account_services.member_sync_organisation(member=member)
    member.refresh_from_db()
    assert member.is_verified_civil_servant
    return member


def set_role(administrator, organisation, member, *, is_admin=False, may_speak=False):
    return account_services.organisation_role_set(
        acting_user=administrator,
        organisation=organisation,
        member=member,
        is_admin=is_admin,
        may_speak_for_organisation=may_speak,
    )


@pytest.fixture
def bzk(db):
    return make_organisation("Ministerie van BZK", "minbzk.nl")


@pytest.fixture
def ezk(db):
    return make_organisation("Ministerie van EZK", "minezk.nl")


@pytest.fixture
def civil_servant(bzk):
    """A verified civil servant of BZK without any role."""
    return make_civil_servant(bzk)


@pytest.fixture
def spokesperson(bzk, administrator):
    """A verified civil servant whom BZK allows to speak on its behalf."""
    member = make_civil_servant(bzk, display_name="Woordvoerder BZK")
    set_role(administrator, bzk, member, may_speak=True)
    return member


@pytest.fixture
def team_account(bzk, administrator):
    return account_services.organisation_account_create(
        acting_user=administrator, organisation=bzk, display_name="Team Digitale Overheid"
    )


@pytest.fixture
def delegate(bzk, administrator, team_account):
    """A civil servant who may post as the team account."""
    member = make_civil_servant(bzk, display_name="Anouk de Vries")
    account_services.delegate_add(acting_user=administrator, account=team_account, member=member)
    return member


@pytest.fixture
def bzk_admin(bzk, administrator):
    member = make_civil_servant(bzk, display_name="Beheer BZK")
    set_role(administrator, bzk, member, is_admin=True)
    return member


@pytest.fixture
def ezk_admin(ezk, administrator):
    member = make_civil_servant(ezk, display_name="Beheer EZK")
    set_role(administrator, ezk, member, is_admin=True)
    return member


def capacity_values(form):
    return [value for value, _label in form.fields["capacity"].choices]


def reply_url(thread):
    return reverse("forum:reply_create", kwargs={"pk": thread.pk})


def reply_article(html, reply):
    """The HTML of one reply on the thread page."""
    return re.search(rf'<article id="{reply.anchor}".*?</article>', html, re.S).group()


def thread_header(html):
    return re.search(r'<article class="thread".*?</header>', html, re.S).group()


def client_for(user):
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


# Choices offered ---------------------------------------------------------------------


@pytest.mark.parametrize("form_class", [ReplyForm, ThreadForm])
def test_every_member_may_write_personally_or_from_their_function(form_class, user, civil_servant):
    """Personal and professional capacity are offered to every member; no organisation accounts to pick."""
    for member in (user, civil_servant):
        form = form_class(user=member)
        assert capacity_values(form) == [Capacity.PERSONAL, Capacity.FUNCTION]
        assert "post_as" not in form.fields


@pytest.mark.parametrize("form_class", [ReplyForm, ThreadForm])
def test_a_spokesperson_may_also_write_on_behalf_of_the_organisation(form_class, spokesperson):
    """A verified civil servant whom their organisation allowed also gets "on behalf of my organisation"."""
    form = form_class(user=spokesperson)
    assert capacity_values(form) == [Capacity.PERSONAL, Capacity.FUNCTION, Capacity.ORGANISATION]


@pytest.mark.parametrize(
    "case", ["civil servant without role", "administrator role only", "not a civil servant", "other organisation"]
)
def test_organisation_capacity_needs_permission_for_the_own_organisation(case, bzk, ezk, administrator):
    """Only permission to speak for the organisation of one's own verified address counts."""
    if case == "civil servant without role":
        member = make_civil_servant(bzk)
    elif case == "administrator role only":
        member = make_civil_servant(bzk)
        set_role(administrator, bzk, member, is_admin=True, may_speak=False)
    elif case == "not a civil servant":
        # A role left over from an address on the organisation's domain that the member no longer has.
        member = UserFactory(email="prive@example.nl")
        OrganisationRole.objects.create(organisation=bzk, member=member, may_speak_for_organisation=True)
    else:
        member = make_civil_servant(bzk)
        OrganisationRole.objects.create(organisation=ezk, member=member, may_speak_for_organisation=True)
    for form_class in (ReplyForm, ThreadForm):
        assert Capacity.ORGANISATION not in capacity_values(form_class(user=member))


def test_pages_offer_the_choices_the_member_may_make(client, user, spokesperson, thread):
    """The reply form and the new-thread page offer the organisation only to the spokesperson."""
    organisation_radio = 'name="capacity" value="organisation"'
    for member, offered in ((user, False), (spokesperson, True)):
        client.force_login(member)
        thread_page = client.get(thread.get_absolute_url())
        new_thread_page = client.get(reverse("forum:thread_create", kwargs={"slug": thread.theme.slug}))
        for response, form_name in ((thread_page, "reply_form"), (new_thread_page, "form")):
            assert response.status_code == HTTPStatus.OK
            assert (Capacity.ORGANISATION in capacity_values(response.context[form_name])) is offered
            assert (organisation_radio in response.content.decode()) is offered
            assert 'name="capacity" value="function"' in response.content.decode()


def test_delegates_may_choose_their_organisation_accounts(delegate, team_account, bzk, administrator):
    """A delegate is offered exactly the active organisation accounts they belong to."""
    account_services.organisation_account_create(acting_user=administrator, organisation=bzk, display_name="Ander")
    form = ReplyForm(user=delegate)
    assert list(form.fields["post_as"].queryset) == [team_account]

    team_account.is_active = False
    team_account.save(update_fields=["is_active"])
    assert "post_as" not in ReplyForm(user=delegate).fields


# Forged choices ------------------------------------------------------------------------


@pytest.mark.parametrize("capacity", ["organisation", "spokesperson", "FUNCTION"])
def test_forged_capacity_in_a_reply_is_a_form_error(user_client, user, thread, capacity):
    """A capacity the member was not offered is a form error, and nothing is stored."""
    response = user_client.post(reply_url(thread), {"body": "Namens iedereen!", "capacity": capacity})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "capacity" in response.context["reply_form"].errors
    assert not Reply.objects.filter(thread=thread).exists()


def test_forged_capacity_in_a_new_thread_is_a_form_error(user_client, user, theme):
    """The same holds when starting a thread."""
    response = user_client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}),
        {"title": "Beleid", "body": "Officieel standpunt.", "capacity": "organisation"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "capacity" in response.context["form"].errors
    assert not Thread.objects.filter(author=user).exists()


@pytest.mark.parametrize("forged", ["account of another team", "ordinary member", "no such account"])
def test_forged_post_as_is_a_form_error(client, delegate, thread, theme, administrator, bzk, other_user, forged):
    """A delegate can only post as their own organisation accounts; any other id is a form error."""
    other_account = account_services.organisation_account_create(
        acting_user=administrator, organisation=bzk, display_name="Team Open Overheid"
    )
    value = {
        "account of another team": other_account.pk,
        "ordinary member": other_user.pk,
        "no such account": 987654,
    }[forged]
    client.force_login(delegate)

    response = client.post(reply_url(thread), {"body": "Namens het team.", "post_as": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "post_as" in response.context["reply_form"].errors

    response = client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}),
        {"title": "Van het team", "body": "Namens het team.", "post_as": value},
    )
    assert response.status_code == HTTPStatus.OK
    assert "post_as" in response.context["form"].errors

    assert not Reply.objects.filter(thread=thread).exists()
    assert not Thread.objects.exclude(pk=thread.pk).exists()


def test_a_non_delegate_cannot_post_as_an_organisation_account(user_client, user, thread, team_account):
    """A member who belongs to no organisation account never posts as one, whatever id they send."""
    user_client.post(reply_url(thread), {"body": "Namens het team.", "post_as": team_account.pk})
    assert not Reply.objects.filter(author=team_account).exists()
    assert not Reply.objects.filter(written_by=user).exists()


def test_services_refuse_the_organisation_capacity_without_permission(civil_servant, user, thread, theme):
    """reply_create and thread_create check the permission themselves."""
    for member in (user, civil_servant):
        with pytest.raises(PermissionDenied):
            services.reply_create(author=member, thread=thread, body="Namens BZK", capacity=Capacity.ORGANISATION)
        with pytest.raises(PermissionDenied):
            services.thread_create(
                author=member, theme=theme, title="Standpunt", body="Namens BZK", capacity=Capacity.ORGANISATION
            )
    assert not Reply.objects.exists()
    assert list(Thread.objects.all()) == [thread]


def test_services_refuse_an_unknown_capacity(user, thread):
    """A capacity that does not exist is refused by the service and nothing is stored."""
    with pytest.raises(ValueError):
        services.reply_create(author=user, thread=thread, body="Tekst", capacity="spokesperson")
    assert not Reply.objects.exists()


def test_services_refuse_posting_as_an_account_one_is_not_a_delegate_of(
    user, civil_servant, other_user, thread, team_account
):
    """Posting as an account needs a delegation; an ordinary member's account is no organisation account."""
    for member in (user, civil_servant):
        with pytest.raises(PermissionDenied):
            services.reply_create(author=member, thread=thread, body="Namens het team", as_account=team_account)
    with pytest.raises(PermissionDenied):
        services.reply_create(author=user, thread=thread, body="Namens Lid", as_account=other_user)
    assert not Reply.objects.exists()


def test_a_removed_delegate_can_no_longer_post_as_the_account(delegate, team_account, administrator, thread):
    """Once taken off the account, a former delegate cannot post as it."""
    account_services.delegate_remove(acting_user=administrator, account=team_account, member=delegate)
    with pytest.raises(PermissionDenied):
        services.reply_create(author=delegate, thread=thread, body="Namens het team", as_account=team_account)
    assert not Reply.objects.exists()


def test_a_spokesperson_speaks_for_their_organisation(spokesperson, bzk, thread):
    """The organisation capacity records on whose behalf the post was written."""
    reply = services.reply_create(author=spokesperson, thread=thread, body="Namens BZK", capacity=Capacity.ORGANISATION)
    assert (reply.author, reply.written_by, reply.capacity, reply.on_behalf_of) == (
        spokesperson,
        None,
        Capacity.ORGANISATION,
        bzk,
    )


# Organisation accounts on the page ---------------------------------------------------------


@pytest.fixture
def team_reply(client, delegate, team_account, thread):
    """A reply the delegate posted as the team account, through the reply form."""
    client.force_login(delegate)
    response = client.post(reply_url(thread), {"body": "Wij kijken ernaar.", "post_as": team_account.pk})
    assert response.status_code == HTTPStatus.FOUND
    client.logout()
    return Reply.objects.get(thread=thread)


def test_posting_as_an_organisation_account_stores_who_wrote_it(team_reply, team_account, delegate, bzk):
    """A post as the account keeps the member as its writer, on behalf of the account's organisation."""
    assert team_reply.author == team_account
    assert team_reply.written_by == delegate
    assert team_reply.capacity == Capacity.ORGANISATION
    assert team_reply.on_behalf_of == bzk


@pytest.mark.parametrize(
    ("viewer", "sees_writer"),
    [
        ("visitor", False),
        ("user", False),
        ("colleague", False),
        ("ezk_admin", False),
        ("moderator", True),
        ("bzk_admin", True),
        ("administrator", True),
    ],
)
def test_who_sees_the_writer_of_an_organisation_account_post(
    request, team_reply, team_account, delegate, thread, bzk, viewer, sees_writer
):
    """
    Everyone sees the organisation account as the author; only moderators, administrators and the
    organisation's own administrators see which member wrote it.
    """
    if viewer == "visitor":
        user = None
    elif viewer == "colleague":  # a civil servant of the same organisation, without a role
        user = make_civil_servant(bzk)
    else:
        user = request.getfixturevalue(viewer)
    response = client_for(user).get(thread.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    article = reply_article(response.content.decode(), team_reply)
    assert team_account.display_name in article
    assert "organisation account" in article
    assert ('class="real-author"' in article) is sees_writer
    assert (delegate.display_name in article) is sees_writer


def test_the_writer_is_not_named_anywhere_on_public_pages(client, delegate, team_account, thread, theme):
    """A thread started as the account shows the account on the thread page and in the lists, never the member."""
    client.force_login(delegate)
    client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}),
        {"title": "Nieuws van het team", "body": "Wij zijn begonnen.", "post_as": team_account.pk},
    )
    team_thread = Thread.objects.get(author=team_account)
    assert team_thread.written_by == delegate

    visitor = client_for(None)
    for url in (team_thread.get_absolute_url(), reverse("forum:home"), theme.get_absolute_url()):
        html = visitor.get(url).content.decode()
        assert team_account.display_name in html
        assert delegate.display_name not in html


def test_moderators_see_the_writer_of_an_account_thread(client, delegate, team_account, theme, moderator):
    """A thread started as the account shows moderators which member wrote it."""
    client.force_login(delegate)
    client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}),
        {"title": "Nieuws van het team", "body": "Wij zijn begonnen.", "post_as": team_account.pk},
    )
    team_thread = Thread.objects.get(author=team_account)
    header = thread_header(client_for(moderator).get(team_thread.get_absolute_url()).content.decode())
    assert team_account.display_name in header
    assert 'class="real-author"' in header and delegate.display_name in header


def test_the_capacity_is_shown_next_to_the_author(thread, user, spokesperson, team_reply, bzk):
    """Each post says in which capacity it was written, beside the author's name."""
    function_reply = services.reply_create(author=user, thread=thread, body="Vanuit mijn werk.", capacity="function")
    personal_reply = services.reply_create(author=user, thread=thread, body="Zelf vind ik…")
    organisation_reply = services.reply_create(
        author=spokesperson, thread=thread, body="Namens BZK.", capacity="organisation"
    )
    html = client_for(None).get(thread.get_absolute_url()).content.decode()

    def capacity_text(reply):
        article = reply_article(html, reply)
        badges = re.search(r'<p class="author-badges.*?</p>', article, re.S).group()
        return " ".join(re.search(r'<span class="capacity">(.*?)</span>', badges, re.S).group(1).split())

    assert capacity_text(function_reply) == "in a professional capacity"
    assert capacity_text(personal_reply) == "in a personal capacity"
    assert capacity_text(organisation_reply) == f"on behalf of {bzk.name}"
    assert capacity_text(team_reply) == f"on behalf of {bzk.name}"
    assert "badge-verified" in reply_article(html, organisation_reply)


# Filter --------------------------------------------------------------------------------


@pytest.fixture
def threads_by_capacity(theme, user, spokesperson):
    return {
        Capacity.PERSONAL: services.thread_create(author=user, theme=theme, title="Persoonlijk", body="Ik"),
        Capacity.FUNCTION: services.thread_create(
            author=user, theme=theme, title="Vanuit functie", body="Wij", capacity=Capacity.FUNCTION
        ),
        Capacity.ORGANISATION: services.thread_create(
            author=spokesperson, theme=theme, title="Namens BZK", body="BZK", capacity=Capacity.ORGANISATION
        ),
    }


@pytest.mark.parametrize("capacity", [Capacity.PERSONAL, Capacity.FUNCTION, Capacity.ORGANISATION])
def test_home_and_theme_lists_filter_by_capacity(client, theme, threads_by_capacity, capacity):
    """?capacity= lists only threads written in that capacity."""
    for url in (reverse("forum:home"), theme.get_absolute_url()):
        response = client.get(url, {"capacity": capacity})
        assert response.status_code == HTTPStatus.OK
        assert list(response.context["page_obj"]) == [threads_by_capacity[capacity]]
        assert response.context["capacity"] == capacity


@pytest.mark.parametrize("value", ["onzin", "", "ORGANISATION", "function'--"])
def test_an_unknown_capacity_filter_lists_everything(client, theme, threads_by_capacity, value):
    """An unknown filter value is ignored: every thread is listed, no error."""
    for url in (reverse("forum:home"), theme.get_absolute_url()):
        response = client.get(url, {"capacity": value})
        assert response.status_code == HTTPStatus.OK
        assert set(response.context["page_obj"]) == set(threads_by_capacity.values())
        assert response.context["capacity"] == ""


# Revisions -----------------------------------------------------------------------------


def test_changing_a_replys_capacity_keeps_the_old_one_in_the_revision(user_client, user, thread):
    """The author changes a reply's capacity; the revision keeps the old capacity and text."""
    reply = services.reply_create(author=user, thread=thread, body="Mijn mening.")
    response = user_client.post(
        reverse("forum:reply_edit", kwargs={"pk": reply.pk}), {"body": "Mijn mening.", "capacity": "function"}
    )
    assert response.status_code == HTTPStatus.FOUND
    reply.refresh_from_db()
    assert reply.capacity == Capacity.FUNCTION
    revision = Revision.objects.get(reply=reply)
    assert revision.capacity == Capacity.PERSONAL
    assert revision.body == "Mijn mening."


def test_changing_a_threads_capacity_keeps_the_old_one_in_the_revision(user_client, user, theme):
    """The author changes a thread's capacity; the revision keeps the old one."""
    thread = services.thread_create(
        author=user, theme=theme, title="Vraag", body="Wat vinden jullie?", capacity=Capacity.FUNCTION
    )
    response = user_client.post(
        reverse("forum:thread_edit", kwargs={"pk": thread.pk}),
        {"title": "Vraag", "body": "Wat vinden jullie?", "capacity": "personal"},
    )
    assert response.status_code == HTTPStatus.FOUND
    thread.refresh_from_db()
    assert thread.capacity == Capacity.PERSONAL
    assert Revision.objects.get(thread=thread).capacity == Capacity.FUNCTION


def test_editing_to_a_forged_capacity_changes_nothing(user_client, user, thread):
    """An edit to a capacity the member was not offered is a form error: no change, no revision."""
    reply = services.reply_create(author=user, thread=thread, body="Mijn mening.")
    response = user_client.post(
        reverse("forum:reply_edit", kwargs={"pk": reply.pk}), {"body": "Mijn mening.", "capacity": "organisation"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "capacity" in response.context["form"].errors
    reply.refresh_from_db()
    assert reply.capacity == Capacity.PERSONAL
    assert not Revision.objects.exists()


def test_an_organisation_account_post_keeps_its_capacity_when_edited(client, delegate, team_reply):
    """The writer can edit the text; the post stays the organisation's, and the revision says so."""
    client.force_login(delegate)
    response = client.post(
        reverse("forum:reply_edit", kwargs={"pk": team_reply.pk}),
        {"body": "Wij kijken er deze week naar.", "capacity": "personal"},
    )
    assert response.status_code == HTTPStatus.FOUND
    team_reply.refresh_from_db()
    assert team_reply.body == "Wij kijken er deze week naar."
    assert team_reply.capacity == Capacity.ORGANISATION
    assert Revision.objects.get(reply=team_reply).capacity == Capacity.ORGANISATION


# Query count ----------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(context.captured_queries)


def _add_mixed_replies(thread, *, rounds, delegate, team_account, spokesperson, bzk):
    """Per round: a reply as the team account, one on behalf of BZK, one by a new civil servant, one personal."""
    for _ in range(rounds):
        services.reply_create(author=delegate, thread=thread, body="Namens het team.", as_account=team_account)
        services.reply_create(author=spokesperson, thread=thread, body="Namens BZK.", capacity="organisation")
        services.reply_create(author=make_civil_servant(bzk), thread=thread, body="Uit de praktijk.")
        ReplyFactory(thread=thread, author=UserFactory())


@pytest.mark.parametrize("viewer", ["visitor", "user", "moderator", "bzk_admin"])
def test_thread_page_queries_do_not_grow_with_organisation_posts(
    request, thread, delegate, team_account, spokesperson, bzk, viewer, settings
):
    """
    The thread page costs the same number of queries with 4 or 20 replies from organisation
    accounts, spokespeople and verified civil servants, whoever looks (the writer's name,
    the organisation and the badges come with the replies' own query).
    """
    settings.FORUM_REPLIES_PER_PAGE = 50
    user = None if viewer == "visitor" else request.getfixturevalue(viewer)
    url = thread.get_absolute_url()
    _add_mixed_replies(
        thread, rounds=1, delegate=delegate, team_account=team_account, spokesperson=spokesperson, bzk=bzk
    )
    thread.refresh_from_db()

    def count():
        client = client_for(user)
        client.get(url)  # the first visit also counts the view
        return _count_queries(client, url)

    few = count()
    _add_mixed_replies(
        thread, rounds=4, delegate=delegate, team_account=team_account, spokesperson=spokesperson, bzk=bzk
    )
    assert count() == few
    # A visitor: the thread (with theme, author, organisation, writer) and the page of replies (with the same);
    # the session comes from the cache. A member adds: the user, their role (one permission query), the
    # verified address, the permission to speak for the organisation and the organisation accounts (reply
    # form), the organisations they administer (who wrote an account's post), their appreciations on the
    # page and the unread notifications; their read position and whether they follow come with the thread,
    # and a read position that did not move is not written. A moderator also: the two-factor check, the
    # count of the replies (hidden ones too) for the pages, and the count of items waiting in the queue.
    assert few <= {"visitor": 2, "user": 9, "bzk_admin": 10, "moderator": 11}[viewer]
