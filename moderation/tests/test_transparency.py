from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Approval
from core.models import ModerationAction, ModerationLog
from forum.tests.factories import ModeratorFactory, ReplyFactory, ThreadFactory, UserFactory
from moderation import selectors
from moderation import services as moderation_services
from moderation.models import Report
from moderation.services import sanctions

FIGURES_URL = reverse("moderation:moderation_figures")
LOG_URL = reverse("moderation:moderation_log")


def months_ago(count):
    """Noon on the 15th of the month ``count`` months before this one (site time zone)."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - count
    return timezone.make_aware(datetime(index // 12, index % 12 + 1, 15, 12))


def row_for(figures, moment):
    month = timezone.localtime(moment).date().replace(day=1)
    return next(figure for figure in figures if figure.month == month)


@pytest.fixture
def moderation_history(db, theme, moderator):
    """
    Known acts through the services: some three months ago (dates moved back), the rest this month.

    Three months ago: one off-topic report on a reply, dismissed; one thread hidden by a moderator.
    This month: three reports on a thread (2 spam, 1 insulting) that hide it automatically, then
    dismissed (it is shown again); a reply hidden by a moderator; a confidential report on a thread,
    upheld (hidden); one membership application approved and one refused.
    """
    author = UserFactory()
    old_reply = ReplyFactory(thread=ThreadFactory(theme=theme, author=author), author=author)
    moderation_services.report_file(reporter=UserFactory(), target=old_reply, reason="off_topic")
    moderation_services.reports_resolve(acting_user=moderator, target=old_reply, uphold=False)
    moderation_services.post_hide(
        acting_user=moderator, post=ThreadFactory(theme=theme, author=author), reason="Off-topic"
    )
    old = months_ago(3)
    Report.objects.update(created_at=old, resolved_at=old)
    ModerationLog.objects.update(created_at=old)

    reported = ThreadFactory(theme=theme, author=author)
    for reason in ("spam", "spam", "insulting"):
        moderation_services.report_file(reporter=UserFactory(), target=reported, reason=reason)
    moderation_services.reports_resolve(acting_user=moderator, target=reported, uphold=False, note="Geen overtreding")
    moderation_services.post_hide(
        acting_user=moderator, post=ReplyFactory(thread=reported, author=author), reason="Persoonsgegevens"
    )
    confidential = ThreadFactory(theme=theme, author=author)
    moderation_services.report_file(reporter=UserFactory(), target=confidential, reason="confidential")
    moderation_services.reports_resolve(acting_user=moderator, target=confidential, uphold=True, note="Vertrouwelijk")
    account_services.member_approve(acting_user=moderator, member=UserFactory(approval=Approval.PENDING))
    account_services.member_refuse(
        acting_user=moderator, member=UserFactory(approval=Approval.PENDING), reason="Geen ambtenaar"
    )
    return {"old": old}


def test_figures_match_the_acts_in_their_month(moderation_history):
    """Every count on the figures page is exactly what the services did, in the month they did it."""
    figures = selectors.moderation_figures(selectors.figures_months())
    assert len(figures) == 12 and figures[0].month == timezone.localdate().replace(day=1)
    now = row_for(figures, timezone.now())
    assert now.reports_by_reason == {
        "spam": 2,
        "insulting": 1,
        "discrimination": 0,
        "off_topic": 0,
        "personal_data": 0,
        "confidential": 1,
        "other": 0,
    }
    assert (now.hidden_by_moderator, now.hidden_automatically, now.restored) == (2, 1, 1)
    assert (now.reports_upheld, now.reports_dismissed) == (1, 3)
    assert (now.members_approved, now.members_refused) == (1, 1)
    old = row_for(figures, moderation_history["old"])
    assert old.reports_received == 1 and old.reports_by_reason["off_topic"] == 1
    assert (old.hidden_by_moderator, old.hidden_automatically, old.restored) == (1, 0, 0)
    assert (old.reports_upheld, old.reports_dismissed) == (0, 1)
    others = [figure for figure in figures if figure not in (now, old)]
    assert all(figure.reports_received == 0 and figure.hidden_by_moderator == 0 for figure in others)


def test_figures_page_shows_totals_for_a_chosen_year(client, moderation_history):
    """Choosing a year shows that year's months, newest first, and the period totals."""
    old = moderation_history["old"]
    response = client.get(FIGURES_URL, {"jaar": timezone.localtime(old).year})
    assert response.status_code == HTTPStatus.OK
    assert response.context["year"] == timezone.localtime(old).year
    months = [figure.month for figure in response.context["figures"]]
    assert months == sorted(months, reverse=True) and all(month.year == old.year for month in months)
    assert row_for(response.context["figures"], old).reports_dismissed == 1


def test_figures_page_runs_a_fixed_number_of_queries(client, moderation_history, django_assert_num_queries):
    """Two first-date lookups and four aggregates (reports received, decided, logged acts, objections)."""
    client.get(FIGURES_URL)
    with django_assert_num_queries(6):
        response = client.get(FIGURES_URL)
    assert response.status_code == HTTPStatus.OK


def test_visitors_see_the_figures_page_and_the_footer_links_to_it(client, db):
    """The figures are public, and every page's footer links to them."""
    response = client.get(FIGURES_URL)
    assert response.status_code == HTTPStatus.OK
    assert f'href="{FIGURES_URL}"' in response.content.decode()
    assert "never destroys" in response.content.decode() or "nooit" in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "99999", "-1", "0", "1999", "", "2026.5", "९९"])
def test_figures_page_ignores_a_bad_year(client, db, year):
    """A year that is not one on offer shows the last twelve months instead of an error."""
    response = client.get(FIGURES_URL, {"jaar": year})
    assert response.status_code == HTTPStatus.OK
    assert response.context["year"] is None and len(response.context["figures"]) == 12


def test_figures_page_shows_no_names_or_titles(client, theme, moderator):
    """The public figures name no member and no discussion, even ones that were reported and hidden."""
    member = UserFactory(display_name="Jan Jansen")
    thread = ThreadFactory(theme=theme, author=member, title="Geheim rapport")
    moderation_services.report_file(reporter=UserFactory(), target=thread, reason="confidential")
    moderation_services.report_file(reporter=UserFactory(), target=member, reason="insulting")
    moderation_services.post_hide(acting_user=moderator, post=thread, reason="Geheim rapport van Jan Jansen")
    moderation_services.reports_resolve(
        acting_user=moderator, target=member, uphold=True, note="Jan Jansen intimideert"
    )
    content = client.get(FIGURES_URL).content.decode()
    assert "Geheim rapport" not in content and "Jan Jansen" not in content
    assert moderator.display_name not in content


# The moderation log ---------------------------------------------------------------------


def test_visitors_are_sent_to_log_in_for_the_log(client, db):
    """The log is not public: visitors are asked to log in."""
    response = client.get(LOG_URL)
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response.url


def test_members_may_not_read_the_log(user_client):
    """Members who are not moderators get 403."""
    assert user_client.get(LOG_URL).status_code == HTTPStatus.FORBIDDEN


def test_log_lists_acts_newest_first_with_moderator_reason_and_links(
    moderator_client, moderator, thread, reply, django_capture_on_commit_callbacks
):
    """Rows show the time, who acted (or "automatic"), the action, the item with a link, and the reason."""
    moderation_services.post_hide(acting_user=moderator, post=thread, reason="Vertrouwelijke informatie")
    moderation_services.post_hide(acting_user=moderator, post=reply, reason="Spam")
    for _ in range(3):
        moderation_services.report_file(reporter=UserFactory(), target=ThreadFactory(theme=thread.theme), reason="spam")
    moderation_services.thread_pin(acting_user=moderator, thread=thread)
    response = moderator_client.get(LOG_URL)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    rows = [row for row, _url in response.context["entries"]]
    assert [row.action for row in rows] == ["pin", "hide", "hide"]
    assert thread.get_absolute_url() in content and reverse("forum:reply", kwargs={"pk": reply.pk}) in content
    assert "Vertrouwelijke informatie" in content and moderator.display_name in content


def test_log_says_automatic_when_nobody_acted(moderator_client, theme):
    """An automatic hide after reports is shown as automatic."""
    target = ThreadFactory(theme=theme)
    for _ in range(3):
        moderation_services.report_file(reporter=UserFactory(), target=target, reason="spam")
    response = moderator_client.get(LOG_URL, {"moderator": "auto"})
    [(row, url)] = response.context["entries"]
    assert row.action == ModerationAction.AUTO_HIDE and row.actor is None and url == target.get_absolute_url()
    assert "automatic" in response.content.decode() or "automatisch" in response.content.decode()


def test_log_links_to_a_member_profile(moderator_client, moderator):
    """Membership decisions link to the member's profile."""
    member = UserFactory(approval=Approval.PENDING)
    account_services.member_approve(acting_user=moderator, member=member)
    [(row, url)] = moderator_client.get(LOG_URL).context["entries"]
    assert row.action == ModerationAction.MEMBER_APPROVE and url == member.get_absolute_url()


def test_log_filters_by_action_and_moderator(moderator_client, moderator, thread, reply):
    """?actie= keeps one kind of act and ?moderator= the acts of one moderator; unknown values are ignored."""
    other = ModeratorFactory()
    moderation_services.post_hide(acting_user=moderator, post=thread, reason="Een")
    moderation_services.post_hide(acting_user=other, post=reply, reason="Twee")
    moderation_services.thread_lock(acting_user=other, thread=thread)

    def actions(**query):
        response = moderator_client.get(LOG_URL, query)
        assert response.status_code == HTTPStatus.OK
        return [(row.action, row.actor_id) for row, _url in response.context["entries"]]

    assert actions(actie="hide") == [("hide", other.pk), ("hide", moderator.pk)]
    assert actions(moderator=other.pk) == [("lock", other.pk), ("hide", other.pk)]
    assert actions(actie="hide", moderator=moderator.pk) == [("hide", moderator.pk)]
    assert len(actions(actie="destroy", moderator="<script>")) == 3
    assert actions(moderator="99999999") == []


def test_log_filters_by_period(moderator_client, moderator, thread):
    """?van= and ?tot= keep the acts between two dates, both included."""
    moderation_services.thread_pin(acting_user=moderator, thread=thread)
    ModerationLog.objects.update(created_at=months_ago(2))
    moderation_services.thread_lock(acting_user=moderator, thread=thread)
    old = timezone.localtime(months_ago(2)).date()

    def actions(**query):
        return [row.action for row, _url in moderator_client.get(LOG_URL, query).context["entries"]]

    assert actions(van=old.isoformat(), tot=old.isoformat()) == ["pin"]
    assert actions(van=(old + timedelta(days=1)).isoformat()) == ["lock"]
    assert actions(tot=(old - timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize("value", ["gisteren", "2026-13-45", "99999-01-01", "-1"])
def test_log_ignores_a_bad_date_with_a_message(moderator_client, moderator, thread, value):
    """A date that cannot be read is ignored, and the page says so."""
    moderation_services.thread_pin(acting_user=moderator, thread=thread)
    response = moderator_client.get(LOG_URL, {"van": value, "tot": value})
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["entries"]) == 1
    assert len(response.context["notices"]) == 2


def test_log_is_paginated_by_fifty(moderator_client, moderator, thread):
    """Fifty rows a page; the next page has the rest and keeps the filter."""
    for _ in range(26):
        moderation_services.thread_pin(acting_user=moderator, thread=thread)
        moderation_services.thread_unpin(acting_user=moderator, thread=thread)
    first = moderator_client.get(LOG_URL, {"moderator": moderator.pk})
    assert len(first.context["entries"]) == 50
    assert f"page=2&amp;moderator={moderator.pk}" in first.content.decode()
    second = moderator_client.get(LOG_URL, {"moderator": moderator.pk, "page": 2})
    assert len(second.context["entries"]) == 2


def _log_acts(moderator, theme, count):
    author = UserFactory()
    for _ in range(count):
        thread = ThreadFactory(theme=theme, author=author)
        moderation_services.post_hide(acting_user=moderator, post=thread, reason="Reden")
        moderation_services.post_hide(
            acting_user=moderator, post=ReplyFactory(thread=thread, author=author), reason="Reden"
        )
        account_services.member_approve(acting_user=moderator, member=UserFactory(approval=Approval.PENDING))


def test_log_runs_a_fixed_number_of_queries(moderator_client, moderator, theme):
    """The log page costs the same number of queries with 3 rows as with 30: item links are fetched per kind."""
    _log_acts(moderator, theme, 1)
    moderator_client.get(LOG_URL)  # warm caches (content types, site settings)
    with CaptureQueriesContext(connection) as small:
        moderator_client.get(LOG_URL)
    _log_acts(ModeratorFactory(), theme, 9)
    with CaptureQueriesContext(connection) as large:
        response = moderator_client.get(LOG_URL)
    assert len(response.context["entries"]) == 30
    assert len(large.captured_queries) == len(small.captured_queries)


def test_objections_and_measures_are_counted(client, moderator, user, reply):
    """The figures count objections with their outcomes, and warnings, suspensions and bans."""
    client.cookies["django_language"] = "en"
    moderation_services.post_hide(acting_user=moderator, post=reply, reason="Spam")
    decision = ModerationLog.objects.get(action="hide")
    objection = moderation_services.objection_file(member=reply.author, decision=decision, text="Onterecht")
    other = ModeratorFactory()
    moderation_services.objection_decide(acting_user=other, objection=objection, uphold=False, note="Toch spam")
    sanctions.member_sanction(acting_user=moderator, member=user, kind="warning", reason="Toon")
    sanctions.member_sanction(acting_user=moderator, member=user, kind="suspension", reason="Herhaling")
    month = selectors.moderation_figures([timezone.localdate().replace(day=1)])[0]
    assert (month.objections_received, month.objections_upheld, month.objections_rejected) == (1, 0, 1)
    assert (month.warnings, month.suspensions, month.bans) == (1, 1, 0)
    html = client.get(reverse("moderation:moderation_figures")).content.decode()
    assert "Objections received" in html and "Suspensions" in html
