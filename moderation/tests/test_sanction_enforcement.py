"""
Suspension and ban are enforced on every path a member writes through, on the server.

A suspended member reads but does not post, edit, appreciate or report; they may still
object to the decision and follow discussions (both are about reading and defending
themself). A banned member's session ends at their next request, whatever it is.
test_sanctions.py covers replying while suspended and the ban at login.
"""

from http import HTTPStatus

import pytest
from django.urls import reverse

from core.models import ModerationAction, ModerationLog
from forum import services
from forum.models import Reaction, Reply, Revision, Thread
from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory
from moderation import services as moderation_services
from moderation.models import Objection, Report, Sanction
from moderation.services import sanctions

pytestmark = pytest.mark.django_db


@pytest.fixture
def others_thread(theme, other_user):
    return ThreadFactory(theme=theme, author=other_user)


@pytest.fixture
def own_thread(theme, user):
    return ThreadFactory(theme=theme, author=user)


@pytest.fixture
def own_reply(thread, user):
    return ReplyFactory(thread=thread, author=user)


def _snapshot():
    return (
        list(Thread.objects.order_by("pk").values_list("pk", "title", "body", "reaction_count", "edited_at")),
        list(Reply.objects.order_by("pk").values_list("pk", "body", "reaction_count", "edited_at")),
        Reaction.objects.count(),
        Report.objects.count(),
        Revision.objects.count(),
    )


# Each write path: the URL for the fixtures, and the form.
WRITE_PATHS = {
    "new thread": (
        lambda f: reverse("forum:thread_create", args=[f["theme"].slug]),
        {"title": "Nog een vraag", "body": "Wat vinden jullie?"},
    ),
    "reply": (lambda f: reverse("forum:reply_create", args=[f["thread"].pk]), {"body": "Toch even reageren."}),
    "edit own thread": (
        lambda f: reverse("forum:thread_edit", args=[f["own_thread"].pk]),
        {"title": "Andere titel", "body": "Andere tekst."},
    ),
    "edit own reply": (lambda f: reverse("forum:reply_edit", args=[f["own_reply"].pk]), {"body": "Andere tekst."}),
    "appreciate thread": (lambda f: reverse("forum:thread_react", args=[f["others_thread"].pk]), {}),
    "appreciate reply": (lambda f: reverse("forum:reply_react", args=[f["reply"].pk]), {}),
    "report thread": (lambda f: reverse("moderation:thread_report", args=[f["others_thread"].pk]), {"reason": "spam"}),
    "report reply": (lambda f: reverse("moderation:reply_report", args=[f["reply"].pk]), {"reason": "spam"}),
    "report member": (
        lambda f: reverse("moderation:member_report", args=[f["other_user"].handle]),
        {"reason": "insulting"},
    ),
}


@pytest.fixture
def items(theme, thread, reply, others_thread, own_thread, own_reply, other_user):
    return {
        "theme": theme,
        "thread": thread,
        "others_thread": others_thread,
        "reply": reply,
        "own_thread": own_thread,
        "own_reply": own_reply,
        "other_user": other_user,
    }


def _measure(member, moderator, kind):
    return sanctions.member_sanction(acting_user=moderator, member=member, kind=kind, reason="Beledigend")


@pytest.mark.parametrize("path", WRITE_PATHS)
def test_suspended_member_is_refused_on_every_write_path(client, user, moderator, items, path):
    """While suspended the server answers 403 and stores nothing, on every way to write."""
    url_for, data = WRITE_PATHS[path]
    _measure(user, moderator, Sanction.Kind.SUSPENSION)
    client.force_login(user)
    before = _snapshot()
    response = client.post(url_for(items), data)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _snapshot() == before


@pytest.mark.parametrize("path", WRITE_PATHS)
def test_lifting_the_suspension_opens_every_write_path_again(client, user, moderator, items, path):
    """The same requests succeed once the measure is lifted (so the 403s above are about the suspension)."""
    url_for, data = WRITE_PATHS[path]
    sanction = _measure(user, moderator, Sanction.Kind.SUSPENSION)
    sanctions.sanction_lift(acting_user=moderator, sanction=sanction)
    client.force_login(user)
    before = _snapshot()
    response = client.post(url_for(items), data)
    assert response.status_code == HTTPStatus.FOUND
    assert _snapshot() != before


@pytest.mark.parametrize("path", WRITE_PATHS)
def test_banned_member_is_refused_on_every_write_path(client, user, moderator, items, path):
    """A member banned while logged in gets 403 on every way to write, and their next page ends the session."""
    url_for, data = WRITE_PATHS[path]
    client.force_login(user)
    _measure(user, moderator, Sanction.Kind.BAN)
    before = _snapshot()
    response = client.post(url_for(items), data)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _snapshot() == before
    assert client.get(reverse("forum:home")).status_code == HTTPStatus.FORBIDDEN
    assert "_auth_user_id" not in client.session


def test_suspended_member_may_still_object_to_the_suspension(client, user, moderator):
    """The statement of reasons points to the objection page: a suspension must not close it."""
    _measure(user, moderator, Sanction.Kind.SUSPENSION)
    decision = ModerationLog.objects.get(action=ModerationAction.SUSPEND, target_id=user.pk)
    client.force_login(user)
    response = client.post(reverse("moderation:objection_create", args=[decision.pk]), {"text": "Ik was het niet."})
    assert response.status_code == HTTPStatus.FOUND
    assert Objection.objects.filter(decision=decision, member=user).exists()


def test_suspended_member_may_still_follow_a_discussion(client, user, moderator, thread):
    """Following is part of reading; it stays open during a suspension (the notifications pause)."""
    _measure(user, moderator, Sanction.Kind.SUSPENSION)
    client.force_login(user)
    response = client.post(reverse("forum:thread_follow", args=[thread.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert thread.follows.filter(member=user).exists()


def test_suspended_member_is_refused_by_the_services_too(user, moderator, thread, reply, theme):
    """The same refusal when a service is called directly (commands, the admin, future views)."""
    from django.core.exceptions import PermissionDenied

    _measure(user, moderator, Sanction.Kind.SUSPENSION)
    other = UserFactory()
    attempts = [
        lambda: services.thread_create(author=user, theme=theme, title="Titel", body="Tekst"),
        lambda: services.reply_create(author=user, thread=thread, body="Tekst"),
        lambda: services.reaction_toggle(member=user, post=reply, appreciate=True),
        lambda: moderation_services.report_file(reporter=user, target=reply, reason="spam"),
        lambda: moderation_services.report_file(reporter=user, target=other, reason="spam"),
    ]
    before = _snapshot()
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert _snapshot() == before
