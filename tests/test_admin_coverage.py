"""
Every model of the site's apps has its place in the administration (/beheer/), as the rest do.

Each list opens with its rows for an administrator and costs the same number of queries with
3 rows as with 30; no form offers a plain drop-down of all members, threads or replies (they are
raw-id or autocomplete fields); no list filters on a drop-down of them either; and the records of
moderation (the log, measures, notes, reports, objections) and what members chose on the site
themselves (appreciations, follows, how far they read) cannot be added, changed or deleted here.
"""

from http import HTTPStatus

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
    RelatedFieldWidgetWrapper,
)
from django.db import connection
from django.forms import ModelChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import (
    AccountDelegate,
    Organisation,
    OrganisationDomain,
    OrganisationRole,
    SiteSettings,
    TermsAcceptance,
    TermsVersion,
    User,
)
from core.models import ModerationAction, ModerationLog
from forum.models import (
    Page,
    Reaction,
    Reply,
    Revision,
    Tag,
    Theme,
    ThemeFollow,
    Thread,
    ThreadFollow,
    ThreadTag,
    ThreadVisit,
)
from forum.tests.factories import (
    AdministratorFactory,
    ModeratorFactory,
    ReplyFactory,
    ThemeFactory,
    ThreadFactory,
    UserFactory,
)
from moderation.models import ModeratorNote, Objection, ProblemReport, Report, ReportReason, Sanction, WatchedWord
from notifications.models import Frequency, Kind, Notification, Preference
from search.models import Entry, FtsEntry, Synonym

PROJECT_APPS = ["core", "accounts", "forum", "moderation", "search", "notifications"]

# Models without an admin page of their own, and why. Keep this list short: a new model
# belongs in the administration unless there is nothing in it for a person to read.
NOT_IN_THE_ADMIN: set = {
    # The search index: copies of the threads and replies (their own admin pages show them),
    # made and kept by the site itself; `manage.py search_reindex` builds it afresh.
    Entry,
    FtsEntry,
}

# Tables that grow with the community: a form or a list filter must never offer all their rows
# in a drop-down (10,000 members, 100,000 threads and more replies at the benchmark sizes).
LARGE = {User, Thread, Reply, ModerationLog, Report, Objection, Notification}

# Drop-downs of a large table that are narrowed to a few rows, and why.
NARROWED = {
    # Only members holding the moderator role are offered (ThemeAdmin.formfield_for_manytomany);
    # test_theme_moderators_are_chosen_among_moderators_only holds it.
    (Theme, "moderators"),
}
NARROWED_LIST_FILTERS = {
    # Only the organisation accounts that have delegates are offered (RelatedOnlyFieldListFilter):
    # at most one per organisation.
    (AccountDelegate, "account"),
}

# Records kept as they were made: looked up in the administration, never added, changed or deleted.
READ_ONLY = [
    ModerationLog,
    Sanction,
    ModeratorNote,
    Report,
    Objection,
    Revision,
    TermsAcceptance,
    Notification,
    Reaction,
    ThreadFollow,
    ThemeFollow,
    ThreadVisit,
    Tag,
    ThreadTag,
]


def project_models():
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def registered_models():
    return [model for model in project_models() if admin.site.is_registered(model)]


def label(model):
    return f"{model._meta.app_label}_{model._meta.model_name}"


# Rows of each model, each with members, threads and replies of its own (so a list that
# fetched them one by one would cost more queries with more rows) ----------------------------


def _organisation(number):
    organisation = Organisation.objects.create(name=f"Gemeente {number}", kind=Organisation.Kind.GEMEENTE)
    OrganisationDomain.objects.create(organisation=organisation, domain=f"gemeente{number}.nl")
    return organisation


def _decision(number):
    reply = ReplyFactory()
    return ModerationLog.objects.record(
        actor=ModeratorFactory(), action=ModerationAction.HIDE, target=reply, reason=f"Reden {number}"
    )


def _delegate(number):
    account = account_services.organisation_account_create(
        acting_user=AdministratorFactory(), organisation=_organisation(number), display_name=f"Team {number}"
    )
    return AccountDelegate.objects.create(account=account, member=UserFactory())


def _terms(number):
    """Terms the administrators have accepted: otherwise they are asked to before anything else."""
    terms = account_services.terms_publish(version=number + 1, title=f"Voorwaarden {number}", body="Wees aardig.")
    for administrator in User.objects.filter(is_superuser=True):
        account_services.terms_accept(member=administrator, terms=terms)
    return terms


def _terms_acceptance(number):
    terms = _terms(number)
    member = UserFactory()
    account_services.terms_accept(member=member, terms=terms)
    return TermsAcceptance.objects.get(member=member, terms=terms)


def _objection(number):
    decision = _decision(number)
    reply = Reply.objects.get(pk=decision.target_id)
    return Objection.objects.create(decision=decision, member=reply.author, text=f"Bezwaar {number}")


MAKERS = {
    User: lambda number: UserFactory(),
    Organisation: _organisation,
    AccountDelegate: _delegate,
    TermsVersion: _terms,
    TermsAcceptance: _terms_acceptance,
    SiteSettings: lambda number: SiteSettings.current(),
    Sanction: lambda number: Sanction.objects.create(
        member=UserFactory(), kind=Sanction.Kind.WARNING, reason=f"Reden {number}", created_by=ModeratorFactory()
    ),
    ModeratorNote: lambda number: ModeratorNote.objects.create(
        member=UserFactory(), author=ModeratorFactory(), text=f"Notitie {number}"
    ),
    Theme: lambda number: ThemeFactory(),
    Thread: lambda number: ThreadFactory(),
    Reply: lambda number: ReplyFactory(),
    Revision: lambda number: Revision.objects.create(
        thread=ThreadFactory(), title=f"Oude titel {number}", body="Oude tekst.", edited_by=UserFactory()
    ),
    ModerationLog: _decision,
    ProblemReport: lambda number: ProblemReport.objects.create(
        reporter=UserFactory(), page_url="/", message=f"Probleem {number}"
    ),
    Page: lambda number: Page.objects.create(slug=f"pagina-{number}", title=f"Pagina {number}", body="Tekst."),
    Reaction: lambda number: Reaction.objects.create(
        member=UserFactory(), **({"thread": ThreadFactory()} if number % 2 else {"reply": ReplyFactory()})
    ),
    ThreadFollow: lambda number: ThreadFollow.objects.create(member=UserFactory(), thread=ThreadFactory()),
    ThemeFollow: lambda number: ThemeFollow.objects.create(member=UserFactory(), theme=ThemeFactory()),
    ThreadVisit: lambda number: ThreadVisit.objects.create(
        member=UserFactory(), thread=ThreadFactory(), last_read_at=timezone.now()
    ),
    Report: lambda number: Report.objects.create(
        reporter=UserFactory(), thread=ThreadFactory(), reason=ReportReason.SPAM, note=f"Melding {number}"
    ),
    Objection: _objection,
    WatchedWord: lambda number: WatchedWord.objects.create(phrase=f"woord{number}"),
    Synonym: lambda number: Synonym.objects.create(term=f"Afk{number}", meaning=f"Afkorting nummer {number}"),
    Notification: lambda number: Notification.objects.create(
        recipient=UserFactory(), kind=Kind.MENTION, actor=UserFactory(), target=ThreadFactory()
    ),
    Tag: lambda number: Tag.objects.create(name=f"tag {number}", slug=f"tag-{number}"),
    ThreadTag: lambda number: ThreadTag.objects.create(
        content_object=ThreadFactory(), tag=Tag.objects.create(name=f"label {number}", slug=f"label-{number}")
    ),
    Preference: lambda number: Preference.objects.create(
        member=UserFactory(), kind=Kind.MENTION, frequency=Frequency.NEVER
    ),
}

# The site settings are one row by design: their list leads straight to it.
ONE_ROW = {SiteSettings}


@pytest.fixture
def administrator_client(client, administrator):
    """A superuser with two-step verification set up, as the administration requires."""
    client.force_login(administrator)
    client.cookies["django_language"] = "en"
    return client


def make(model, count, start=0):
    return [MAKERS[model](number) for number in range(start, start + count)]


def list_queries(client, model):
    """The queries the list costs once the session and the site's settings are cached."""
    url = reverse(f"admin:{label(model)}_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries), response


# Every model has its admin ------------------------------------------------------------------------


def test_every_model_of_the_site_has_an_admin():
    """A model is registered, edited on its parent's page (an inline), or listed above with the reason."""
    inlines = {inline.model for model in registered_models() for inline in admin.site.get_model_admin(model).inlines}
    missing = [
        model._meta.label
        for model in project_models()
        if not admin.site.is_registered(model) and model not in inlines and model not in NOT_IN_THE_ADMIN
    ]
    assert missing == []
    assert {OrganisationDomain, OrganisationRole} <= inlines
    assert not any(admin.site.is_registered(model) for model in NOT_IN_THE_ADMIN)


def test_the_admins_named_in_the_issue_exist(administrator_client):
    """Objections, moderator notes, appreciations and follows were a 404 in /beheer/."""
    for model in [Objection, ModeratorNote, Reaction, ThreadFollow, ThemeFollow, ThreadVisit]:
        response = administrator_client.get(reverse(f"admin:{label(model)}_changelist"))
        assert response.status_code == HTTPStatus.OK, model


def test_every_admin_is_exercised_below():
    """A new admin needs rows to show here, so the tests below cover it too."""
    assert set(registered_models()) == set(MAKERS)


# Lists and change pages open with their rows --------------------------------------------------------


@pytest.mark.parametrize("model", registered_models(), ids=label)
def test_each_list_and_change_page_opens_with_its_rows(administrator_client, model):
    rows = make(model, 2)
    response = administrator_client.get(reverse(f"admin:{label(model)}_changelist"), follow=True)
    assert response.status_code == HTTPStatus.OK
    if model not in ONE_ROW:
        assert set(rows) <= set(response.context["cl"].result_list)
    for row in rows:
        response = administrator_client.get(reverse(f"admin:{label(model)}_change", args=[row.pk]))
        assert response.status_code == HTTPStatus.OK
        assert response.context["original"] == row


@pytest.mark.parametrize("model", [model for model in registered_models() if model not in ONE_ROW], ids=label)
def test_each_list_costs_the_same_with_3_rows_as_with_30(administrator_client, model):
    """What a row shows of members, threads and themes comes with the list query, not one query per row."""
    make(model, 3)
    few, response = list_queries(administrator_client, model)
    assert len(response.context["cl"].result_list) >= 3
    make(model, 27, start=3)
    many, response = list_queries(administrator_client, model)
    assert len(response.context["cl"].result_list) >= 30
    assert many == few


# No drop-down of all members, threads or replies -----------------------------------------------------


def _choice_fields(model, response):
    """The fields of the page's form and of its inlines' forms that choose among rows of a table."""
    forms = [(model, response.context["adminform"].form)]
    forms += [(inline.formset.model, inline.formset.empty_form) for inline in response.context["inline_admin_formsets"]]
    for form_model, form in forms:
        for name, field in form.fields.items():
            if isinstance(field, ModelChoiceField):
                yield form_model, name, field


def _offers_everything(model, name, field):
    widget = field.widget.widget if isinstance(field.widget, RelatedFieldWidgetWrapper) else field.widget
    searched = (ForeignKeyRawIdWidget, ManyToManyRawIdWidget, AutocompleteSelect, AutocompleteSelectMultiple)
    return field.queryset.model in LARGE and not isinstance(widget, searched) and (model, name) not in NARROWED


@pytest.mark.parametrize("model", registered_models(), ids=label)
def test_no_form_offers_a_drop_down_of_a_large_table(administrator_client, model):
    """Members, threads and replies are chosen by id or by searching, on the add and the change page."""
    row = make(model, 1)[0]
    for page in [reverse(f"admin:{label(model)}_change", args=[row.pk]), reverse(f"admin:{label(model)}_add")]:
        response = administrator_client.get(page)
        if response.status_code == HTTPStatus.FORBIDDEN and page.endswith("/add/"):
            continue  # Nothing is added here: no form.
        assert response.status_code == HTTPStatus.OK
        drop_downs = [
            (m.__name__, name)
            for m, name, field in _choice_fields(model, response)
            if _offers_everything(m, name, field)
        ]
        assert drop_downs == [], page


def test_theme_moderators_are_chosen_among_moderators_only(administrator_client, theme):
    """The one drop-down of members (a theme's moderators) lists the moderators, not every member."""
    moderator = ModeratorFactory()
    member = UserFactory()
    response = administrator_client.get(reverse("admin:forum_theme_change", args=[theme.pk]))
    offered = set(response.context["adminform"].form.fields["moderators"].queryset)
    assert moderator in offered
    assert member not in offered


def _related_model(model, path):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model if field.is_relation else model
    return field.related_model if field.is_relation else None


@pytest.mark.parametrize("model", registered_models(), ids=label)
def test_no_list_filters_on_a_drop_down_of_a_large_table(model):
    """A list filter on members, threads or replies would list every one of them in the sidebar."""
    large = []
    for spec in admin.site.get_model_admin(model).list_filter:
        path = spec[0] if isinstance(spec, (list, tuple)) else spec
        if (
            isinstance(path, str)
            and _related_model(model, path) in LARGE
            and (model, path) not in NARROWED_LIST_FILTERS
        ):
            large.append(path)
    assert large == []


# Lists stay fast at the benchmark sizes -------------------------------------------------------------

# Tables that grow with every member, post or act (tens or hundreds of thousands of rows).
GROWING = [
    User,
    Thread,
    Reply,
    Revision,
    ModerationLog,
    Report,
    Reaction,
    ThreadFollow,
    ThemeFollow,
    ThreadVisit,
    Notification,
    Preference,
    TermsAcceptance,
]


def _is_indexed(model, name):
    """Whether the list can be read in this order along an index, stopping after one page."""
    if name == "pk":
        return True
    field = model._meta.get_field(name)
    if field.is_relation:
        return False  # Ordered by the other table's ordering: a join over every row.
    leading = {index.fields[0].lstrip("-") for index in model._meta.indexes if index.fields}
    return field.primary_key or field.unique or field.db_index or name in leading


@pytest.mark.parametrize("model", GROWING, ids=label)
def test_lists_of_growing_tables_read_one_page_only(model):
    """
    No date_hierarchy (its list of years and months scans the whole table on every load; the date
    filter does not), and the rows come in an indexed order: at 100,000 threads a list sorted on an
    unindexed date took over half a second, the date hierarchy almost a second more (SQLite).
    """
    model_admin = admin.site.get_model_admin(model)
    assert model_admin.date_hierarchy is None
    ordering = model_admin.ordering or model._meta.ordering
    assert ordering
    assert _is_indexed(model, ordering[0].lstrip("-")), ordering


# Moderation records and members' own choices stay as they were made -------------------------------


@pytest.mark.parametrize("model", READ_ONLY, ids=label)
def test_records_cannot_be_added_changed_or_deleted(administrator_client, model):
    """Even a superuser gets no add button, no save button, and a 403 when trying by hand."""
    row = make(model, 1)[0]
    changelist = reverse(f"admin:{label(model)}_changelist")
    response = administrator_client.get(changelist)
    assert response.context["has_add_permission"] is False
    assert "delete_selected" not in admin.site.get_model_admin(model).get_actions(response.wsgi_request)
    change = reverse(f"admin:{label(model)}_change", args=[row.pk])
    response = administrator_client.get(change)
    assert response.status_code == HTTPStatus.OK
    assert (response.context["has_change_permission"], response.context["has_delete_permission"]) == (False, False)
    assert 'name="_save"' not in response.content.decode()

    assert administrator_client.get(reverse(f"admin:{label(model)}_add")).status_code == HTTPStatus.FORBIDDEN
    assert administrator_client.post(change, {}).status_code == HTTPStatus.FORBIDDEN
    delete = reverse(f"admin:{label(model)}_delete", args=[row.pk])
    assert administrator_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    administrator_client.post(
        changelist, {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: [row.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=row.pk).exists()
