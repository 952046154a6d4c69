from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum.models import Status
from forum.tests.factories import ModeratorFactory
from moderation import services as moderation_services
from moderation.models import Objection, Sanction
from moderation.services import sanctions
from notifications.models import Notification


@pytest.fixture(autouse=True)
def _english(client, user):
    """The messages below are asserted in the source language: the page's and the member's."""
    client.cookies["django_language"] = "en"
    user.language = "en"
    user.save(update_fields=["language"])


@pytest.fixture
def hide_decision(hidden_thread):
    return ModerationLog.objects.get(action=ModerationAction.HIDE, target_id=hidden_thread.pk)


def _url(decision):
    return reverse("moderation:objection_create", kwargs={"pk": decision.pk})


def _decide_url(objection):
    return reverse("moderation:objection_decide", kwargs={"pk": objection.pk})


def test_member_objects_once(user_client, user, hide_decision):
    """An objection is stored once; objecting again shows a message and stores nothing."""
    response = user_client.post(_url(hide_decision), {"text": "Er stond niets vertrouwelijks in."}, follow=True)
    assert "Another moderator will look at your objection." in response.content.decode()
    objection = Objection.objects.get()
    assert (objection.member, objection.decision, objection.state) == (user, hide_decision, Objection.State.OPEN)
    response = user_client.post(_url(hide_decision), {"text": "Nog een keer"}, follow=True)
    assert "You have already objected to this decision." in response.content.decode()
    assert Objection.objects.count() == 1


def test_service_turns_a_second_objection_into_a_clear_error(user, hide_decision):
    """The one-per-decision constraint surfaces as a ValidationError, not an IntegrityError."""
    moderation_services.objection_file(member=user, decision=hide_decision, text="Eerste")
    with pytest.raises(ValidationError) as error:
        moderation_services.objection_file(member=user, decision=hide_decision, text="Tweede")
    assert error.value.code == "already_objected"
    assert Objection.objects.count() == 1


def test_someone_elses_decision_is_not_found(client, other_user, hide_decision, moderator):
    """A member cannot object to a decision that did not affect them, nor to non-objectable acts."""
    client.force_login(other_user)
    assert client.get(_url(hide_decision)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(_url(hide_decision), {"text": "Bezwaar"}).status_code == HTTPStatus.NOT_FOUND
    lock = ModerationLog.objects.record(actor=moderator, action=ModerationAction.LOCK, target=hide_decision)
    assert client.get(_url(lock)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("moderation:objection_create", kwargs={"pk": 999999})).status_code == HTTPStatus.NOT_FOUND
    assert not Objection.objects.exists()


def test_bad_text_is_a_form_error(user_client, hide_decision):
    """Empty, invisible or over-long text, or a control character (NUL, escape), is a form error; nothing is stored."""
    for text in ("", " \u200b ", "x" * 5001, "a\x00b", "a\x1bb"):
        response = user_client.post(_url(hide_decision), {"text": text})
        assert response.status_code == HTTPStatus.OK
        assert "text" in response.context["form"].errors
    assert not Objection.objects.exists()


def test_list_shows_only_decisions_the_member_may_object_to(user_client, user, hide_decision, hidden_reply):
    """/bezwaar/ lists the member's own affecting decisions, and drops them once objected to."""
    url = reverse("moderation:objection_list")
    response = user_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert [d.pk for d in response.context["decisions"]] == [hide_decision.pk]
    assert _url(hide_decision) in response.content.decode()
    moderation_services.objection_file(member=user, decision=hide_decision, text="Bezwaar")
    response = user_client.get(url)
    assert response.context["decisions"] == []
    assert "open" in response.content.decode()


def test_deciding_moderator_cannot_decide_but_another_can(
    client, moderator, user, hidden_thread, hide_decision, django_capture_on_commit_callbacks
):
    """The moderator who hid the post gets 403 and does not see it queued; another upholds and the post returns."""
    objection = moderation_services.objection_file(member=user, decision=hide_decision, text="Onterecht")
    client.force_login(moderator)
    assert client.post(_decide_url(objection), {"decision": "uphold"}).status_code == HTTPStatus.FORBIDDEN
    assert "Onterecht" not in client.get(reverse("moderation:moderation_queue")).content.decode()
    other = ModeratorFactory()
    client.force_login(other)
    queue = client.get(reverse("moderation:moderation_queue"))
    assert "Onterecht" in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide_url(objection), {"decision": "uphold", "note": "Terecht bezwaar"}, follow=True)
    assert "The objection has been upheld." in response.content.decode()
    objection.refresh_from_db()
    hidden_thread.refresh_from_db()
    assert (objection.state, objection.decided_by) == (Objection.State.UPHELD, other)
    assert hidden_thread.status == Status.PUBLISHED
    log = ModerationLog.objects.get(action=ModerationAction.OBJECTION_UPHOLD)
    assert (log.actor, log.data["decision"], log.data["reversed"]) == (other, hide_decision.pk, True)
    assert Notification.objects.filter(recipient=user, kind="moderation", message__contains="upheld").exists()


def test_rejection_is_logged_and_sent_and_needs_a_reason(
    client, user, hide_decision, hidden_thread, django_capture_on_commit_callbacks
):
    """Rejecting without a reason changes nothing; with one it is logged, sent, and the post stays hidden."""
    objection = moderation_services.objection_file(member=user, decision=hide_decision, text="Onterecht")
    other = ModeratorFactory()
    client.force_login(other)
    client.post(_decide_url(objection), {"decision": "reject", "note": " "})
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _decide_url(objection), {"decision": "reject", "note": "Het blijft verborgen"}, follow=True
        )
    assert "The objection has been rejected." in response.content.decode()
    objection.refresh_from_db()
    hidden_thread.refresh_from_db()
    assert objection.state == Objection.State.REJECTED and hidden_thread.status == Status.HIDDEN
    assert ModerationLog.objects.filter(action=ModerationAction.OBJECTION_REJECT, actor=other).exists()
    notification = Notification.objects.get(recipient=user, kind="moderation", message__contains="rejected")
    assert "Het blijft verborgen" in notification.message
    response = client.post(_decide_url(objection), {"decision": "uphold"}, follow=True)
    assert "already been decided" in response.content.decode()


def test_upholding_lifts_a_suspension(client, user, moderator, django_capture_on_commit_callbacks):
    """An upheld objection to a suspension lifts it; the suspended member is told."""
    sanction = sanctions.member_sanction(acting_user=moderator, member=user, kind=Sanction.Kind.SUSPENSION, reason="X")
    decision = ModerationLog.objects.get(action=ModerationAction.SUSPEND)
    client.force_login(user)
    client.post(_url(decision), {"text": "Ik was het niet"})
    objection = Objection.objects.get()
    other = ModeratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.objection_decide(acting_user=other, objection=objection, uphold=True, note="Klopt")
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None and sanction.lifted_by == other
    assert ModerationLog.objects.filter(action=ModerationAction.SANCTION_LIFT).exists()
    assert Notification.objects.filter(recipient=user, message__contains="upheld").exists()


def test_automatic_hide_may_be_decided_by_any_moderator(user, moderator, hidden_thread):
    """For an automatic decision (no actor) any moderator may decide; the objector never decides their own."""
    from forum import permissions

    decision = ModerationLog.objects.record(actor=None, action=ModerationAction.AUTO_HIDE, target=hidden_thread)
    objection = moderation_services.objection_file(member=user, decision=decision, text="Bezwaar")
    assert permissions.can_decide_objection(standing_of(moderator), objection)
    assert not permissions.can_decide_objection(standing_of(user), objection)


def test_visitors_are_sent_to_login(client, hide_decision, user):
    """Visitors reach none of the objection pages."""
    objection = moderation_services.objection_file(member=user, decision=hide_decision, text="Bezwaar")
    for method, url in (
        ("get", reverse("moderation:objection_list")),
        ("get", _url(hide_decision)),
        ("post", _decide_url(objection)),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == HTTPStatus.FOUND and "login" in response.url


def test_member_cannot_decide_an_objection(user_client, user, hide_decision):
    """A member posting to the decision URL gets 403 and nothing changes."""
    objection = moderation_services.objection_file(member=user, decision=hide_decision, text="Bezwaar")
    assert user_client.post(_decide_url(objection), {"decision": "uphold"}).status_code == HTTPStatus.FORBIDDEN
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN


def test_queue_queries_do_not_grow_with_objections(client, user, theme, moderator):
    """The objections section costs the same number of queries for one or several objections."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forum.tests.factories import ThreadFactory

    def add_objection():
        thread = ThreadFactory(theme=theme, author=user)
        moderation_services.post_hide(acting_user=moderator, post=thread, reason="Spam")
        decision = ModerationLog.objects.filter(action=ModerationAction.HIDE).first()
        moderation_services.objection_file(member=user, decision=decision, text="Bezwaar")

    client.force_login(ModeratorFactory())
    url = reverse("moderation:moderation_queue")
    add_objection()
    client.get(url)  # caches filled on the first visit
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == HTTPStatus.OK
    add_objection()
    add_objection()
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert len(response.context["objections"]) == 3
    assert len(three) == len(one)
