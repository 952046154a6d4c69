from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import ModerationLog
from forum.models import ContentKind, Status
from forum.tests.factories import ReplyFactory, ThemeFactory, ThreadFactory, UserFactory
from moderation import services as moderation_services
from moderation.models import Report


@pytest.fixture(autouse=True)
def _english(client):
    """The messages below are asserted in the source language."""
    client.cookies["django_language"] = "en"


def _report(target, reason="spam", note=""):
    return moderation_services.report_file(reporter=UserFactory(), target=target, reason=reason, note=note)


def test_member_reports_a_reply_through_the_page(user_client, reply, user):
    """Filing a report stores it, thanks the member and goes back to the reply."""
    url = reverse("moderation:reply_report", kwargs={"pk": reply.pk})
    assert user_client.get(url).status_code == HTTPStatus.OK
    response = user_client.post(url, {"reason": "insulting", "note": "Scheldwoorden"}, follow=True)
    report = Report.objects.get()
    assert (report.reporter, report.reply, report.reason, report.note) == (user, reply, "insulting", "Scheldwoorden")
    assert response.redirect_chain[0][0] == reply.get_absolute_url()
    assert "A moderator will look at your report." in response.content.decode()


def test_member_reports_a_thread_and_a_member(client, thread, other_user):
    """Threads and member profiles are reported through their own pages."""
    client.force_login(other_user)
    response = client.post(reverse("moderation:thread_report", kwargs={"pk": thread.pk}), {"reason": "off_topic"})
    assert response.status_code == HTTPStatus.FOUND and response.url == thread.get_absolute_url()
    member = thread.author
    response = client.post(reverse("moderation:member_report", kwargs={"handle": member.handle}), {"reason": "spam"})
    assert response.status_code == HTTPStatus.FOUND and response.url == member.get_absolute_url()
    assert Report.objects.filter(thread=thread).exists() and Report.objects.filter(member=member).exists()


def test_other_without_note_is_a_form_error(user_client, reply):
    """The reason "something else" without an explanation shows an error and stores nothing."""
    url = reverse("moderation:reply_report", kwargs={"pk": reply.pk})
    response = user_client.post(url, {"reason": "other", "note": " \u200b "})
    assert response.status_code == HTTPStatus.OK
    assert "note" in response.context["form"].errors
    assert not Report.objects.exists()


def test_bad_input_is_a_form_error(user_client, reply):
    """A forged reason, a NUL character or an over-long note is a form error, never a 500; nothing is stored."""
    url = reverse("moderation:reply_report", kwargs={"pk": reply.pk})
    for data in (
        {"reason": "forged"},
        {"reason": "spam", "note": "a\x00b"},
        {"reason": "spam", "note": "x" * 2001},
        {"reason": ["spam", "other"], "note": "x" * 100_000},
    ):
        response = user_client.post(url, data)
        assert response.status_code == HTTPStatus.OK, data
        assert response.context["form"].errors, data
    assert not Report.objects.exists()


def test_visitor_is_sent_to_log_in(client, reply):
    """Visitors are redirected to the login page."""
    url = reverse("moderation:reply_report", kwargs={"pk": reply.pk})
    response = client.post(url, {"reason": "spam"})
    assert response.status_code == HTTPStatus.FOUND and reverse("account_login") in response.url
    assert not Report.objects.exists()


def test_own_post_and_own_profile_are_forbidden(client, reply, other_user):
    """Members cannot report their own post or profile."""
    client.force_login(other_user)
    assert client.get(reverse("moderation:reply_report", kwargs={"pk": reply.pk})).status_code == HTTPStatus.FORBIDDEN
    url = reverse("moderation:member_report", kwargs={"handle": other_user.handle})
    assert client.post(url, {"reason": "spam"}).status_code == HTTPStatus.FORBIDDEN
    assert not Report.objects.exists()


def test_hidden_items_and_unknown_ids_are_not_found(client, hidden_reply, hidden_thread):
    """Hidden items a member cannot see, and ids that do not exist, are 404."""
    client.force_login(UserFactory())
    for url in (
        reverse("moderation:reply_report", kwargs={"pk": hidden_reply.pk}),
        reverse("moderation:thread_report", kwargs={"pk": hidden_thread.pk}),
        reverse("moderation:thread_report", kwargs={"pk": 999_999}),
        reverse("moderation:member_report", kwargs={"handle": "niemand"}),
    ):
        assert client.post(url, {"reason": "spam"}).status_code == HTTPStatus.NOT_FOUND, url
    assert not Report.objects.exists()


def test_report_links_show_for_members_who_can_report(client, reply, user):
    """The thread page links to the report form for the reply, not for the member's own thread."""
    client.force_login(user)
    content = client.get(reply.thread.get_absolute_url()).content.decode()
    assert reverse("moderation:reply_report", kwargs={"pk": reply.pk}) in content
    assert reverse("moderation:thread_report", kwargs={"pk": reply.thread.pk}) not in content
    profile = client.get(reply.author.get_absolute_url()).content.decode()
    assert reverse("moderation:member_report", kwargs={"handle": reply.author.handle}) in profile


def test_queue_groups_reports_per_item(moderator_client, reply, thread):
    """Reports of one item are shown together with all reasons, notes and the number of reporters."""
    _report(reply, "spam")
    _report(reply, "other", "Reclame voor een bureau")
    _report(thread, "off_topic")
    response = moderator_client.get(reverse("moderation:moderation_queue"))
    assert response.status_code == HTTPStatus.OK
    items = response.context["items"]
    assert [item.kind for item in items] == ["reply", "thread"]
    assert items[0].reporter_count == 2 and len(items[0].reports) == 2
    content = response.content.decode()
    assert "Reclame voor een bureau" in content and thread.title in content
    assert "Moderation (2 waiting)" in content


def test_queue_excerpt_is_escaped_plain_text(moderator_client, thread):
    """The excerpt of a reported post is plain text, escaped."""
    reply = ReplyFactory(thread=thread, body="**Vet** <script>alert(1)</script> & meer")
    _report(reply)
    content = moderator_client.get(reverse("moderation:moderation_queue")).content.decode()
    assert "<script>alert" not in content and "<strong>Vet" not in content
    assert "Vet &lt;script&gt;" in content or "Vet &amp;" in content


def test_queue_filters_by_theme_and_reason(moderator_client, reply):
    """The theme and reason filters keep the matching items, each with all its reports."""
    other_thread = ThreadFactory(theme=ThemeFactory(slug="ander-thema"))
    _report(reply, "spam")
    _report(reply, "insulting")
    _report(other_thread, "off_topic")
    url = reverse("moderation:moderation_queue")
    items = moderator_client.get(url, {"theme": "ander-thema"}).context["items"]
    assert [item.target for item in items] == [other_thread]
    items = moderator_client.get(url, {"reason": "insulting"}).context["items"]
    assert [item.target for item in items] == [reply] and len(items[0].reports) == 2
    items = moderator_client.get(url, {"reason": "forged", "theme": "<x>"}).context["items"]
    assert len(items) == 2


def test_queue_query_count_does_not_grow(moderator_client, theme):
    """The queue asks a fixed number of queries, whatever the number of reports."""
    url = reverse("moderation:moderation_queue")

    def add_items(count):
        for _ in range(count):
            thread = ThreadFactory(theme=theme)
            _report(thread)
            _report(ReplyFactory(thread=thread))
            _report(UserFactory())

    add_items(1)
    moderator_client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert moderator_client.get(url).status_code == HTTPStatus.OK
    add_items(5)
    with CaptureQueriesContext(connection) as large:
        response = moderator_client.get(url)
    assert len(response.context["items"]) == 18
    assert len(large) == len(small)


def test_members_cannot_use_the_queue_or_decide(user_client, reply):
    """Members get 403 on the queue and on decisions; nothing changes."""
    _report(reply)
    assert user_client.get(reverse("moderation:moderation_queue")).status_code == HTTPStatus.FORBIDDEN
    url = reverse("moderation:report_decide", kwargs={"kind": ContentKind.REPLY, "pk": reply.pk, "decision": "uphold"})
    assert user_client.post(url, {"note": "Weg ermee"}).status_code == HTTPStatus.FORBIDDEN
    assert Report.objects.get().state == Report.State.OPEN


def test_upholding_hides_the_post_and_logs(moderator_client, reply):
    """Upholding through the queue hides the reply, decides all its reports and writes the log."""
    _report(reply)
    _report(reply, "insulting")
    url = reverse("moderation:report_decide", kwargs={"kind": ContentKind.REPLY, "pk": reply.pk, "decision": "uphold"})
    response = moderator_client.post(url, {"note": "Reclame"})
    assert response.status_code == HTTPStatus.FOUND and response.url == reverse("moderation:moderation_queue")
    reply.refresh_from_db()
    assert reply.status == Status.HIDDEN
    assert set(Report.objects.values_list("state", flat=True)) == {Report.State.UPHELD}
    assert ModerationLog.objects.filter(action="report_uphold", reason="Reclame").exists()


def test_dismissing_a_member_report_logs(moderator_client, user):
    """Dismissing with an optional note closes the reports and writes the log."""
    _report(user, "spam")
    url = reverse("moderation:report_decide", kwargs={"kind": ContentKind.MEMBER, "pk": user.pk, "decision": "dismiss"})
    assert moderator_client.post(url, {"note": ""}).status_code == HTTPStatus.FOUND
    assert Report.objects.get().state == Report.State.DISMISSED
    assert ModerationLog.objects.filter(action="report_dismiss").exists()


def test_upholding_without_reason_or_with_forged_ids_changes_nothing(moderator_client, reply):
    """An empty reason is refused; unknown kinds, decisions and ids are 404."""
    _report(reply)
    url = reverse("moderation:report_decide", kwargs={"kind": ContentKind.REPLY, "pk": reply.pk, "decision": "uphold"})
    assert moderator_client.post(url, {"note": "  "}).status_code == HTTPStatus.FOUND
    for forged in (
        f"/moderatie/thema/{reply.pk}/uphold/",  # no such kind: no such address
        reverse("moderation:report_decide", kwargs={"kind": ContentKind.REPLY, "pk": reply.pk, "decision": "delete"}),
        reverse("moderation:report_decide", kwargs={"kind": ContentKind.REPLY, "pk": 999_999, "decision": "dismiss"}),
    ):
        response = moderator_client.post(forged, {"note": "x"})
        assert response.status_code == HTTPStatus.NOT_FOUND, forged
    assert Report.objects.get().state == Report.State.OPEN
    assert moderator_client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
