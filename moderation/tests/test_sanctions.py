from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import can_post
from accounts.standing import standing_of
from core.models import ModerationLog
from forum import services as forum_services
from forum.models import Reply
from moderation import selectors
from moderation.services import sanctions
from notifications.models import Notification


def test_suspended_member_reads_but_cannot_post(client, user, moderator, thread, django_capture_on_commit_callbacks):
    """A suspension stops posting on the server, and the member receives the statement of reasons."""
    with django_capture_on_commit_callbacks(execute=True):
        sanctions.member_sanction(
            acting_user=moderator,
            member=user,
            kind="suspension",
            reason="Herhaaldelijk beledigend",
            rule="Wees respectvol",
            until=timezone.now() + timedelta(days=7),
        )
    assert can_post(standing_of(user)) is False
    client.force_login(user)
    assert client.get(thread.get_absolute_url()).status_code == HTTPStatus.OK
    response = client.post(reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Toch even"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Reply.objects.exists()
    statement = Notification.objects.get(recipient=user, kind="moderation")
    assert "Herhaaldelijk beledigend" in statement.message and "Wees respectvol" in statement.message
    assert ModerationLog.objects.filter(action="suspend", target_id=user.pk).count() == 1


def test_suspended_members_are_not_notified(user, other_user, moderator, theme, django_capture_on_commit_callbacks):
    """While suspended, a member hears nothing of replies to their thread."""
    from forum.tests.factories import ThreadFactory

    thread = ThreadFactory(theme=theme, author=user)
    sanctions.member_sanction(acting_user=moderator, member=user, kind="suspension", reason="Spam")
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.reply_create(author=other_user, thread=thread, body="Hallo")
    assert not Notification.objects.filter(recipient=user, kind="reply_to_thread").exists()


def test_suspension_ends_by_itself(user, moderator):
    """A suspension until a date stops restricting after that date."""
    sanction = sanctions.member_sanction(
        acting_user=moderator,
        member=user,
        kind="suspension",
        reason="Even afkoelen",
        until=timezone.now() + timedelta(hours=1),
    )
    type(sanction).objects.filter(pk=sanction.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    from django.core.cache import cache

    cache.clear()
    assert can_post(standing_of(user)) is True


def test_lifting_restores_posting(user, moderator):
    """Lifting a measure lets the member post again at once; the lift is logged."""
    sanction = sanctions.member_sanction(acting_user=moderator, member=user, kind="suspension", reason="Spam")
    assert can_post(standing_of(user)) is False
    assert sanctions.sanction_lift(acting_user=moderator, sanction=sanction, reason="Vergissing") is True
    assert can_post(standing_of(user)) is True
    assert sanctions.sanction_lift(acting_user=moderator, sanction=sanction) is False
    assert ModerationLog.objects.filter(action="sanction_lift").count() == 1


def test_banned_member_cannot_log_in_and_is_logged_out(client, user, moderator):
    """A ban ends the member's session and refuses their next login."""
    client.force_login(user)
    sanctions.member_sanction(acting_user=moderator, member=user, kind="ban", reason="Doxing")
    response = client.get(reverse("forum:home"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("account_login"), {"login": user.email, "password": "een-lang-wachtwoord"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "_auth_user_id" not in client.session
    # Nothing of the attempt is kept (no record of a password step to go on with); at most the
    # login form's "keep me logged in" choice.
    assert set(client.session.keys()) <= {"_session_expiry"}


def test_warning_must_be_acknowledged(client, user, moderator):
    """A warned member reads the warning and confirms it before going on."""
    sanctions.member_sanction(acting_user=moderator, member=user, kind="warning", reason="Let op je toon")
    client.force_login(user)
    response = client.get(reverse("forum:home"))
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == reverse("moderation:warning")
    assert "Let op je toon" in client.get(reverse("moderation:warning")).content.decode()
    client.post(reverse("moderation:warning"))
    assert client.get(reverse("forum:home")).status_code == HTTPStatus.OK
    assert can_post(standing_of(user)) is True


@pytest.mark.parametrize("actor", ["member", "self"])
def test_only_moderators_sanction_others(user, other_user, moderator, actor):
    """Members cannot sanction, moderators not themselves; nothing is logged."""
    acting, target = (user, other_user) if actor == "member" else (moderator, moderator)
    with pytest.raises(PermissionDenied):
        sanctions.member_sanction(acting_user=acting, member=target, kind="ban", reason="x")
    assert not ModerationLog.objects.exists()


def test_a_reason_is_required(user, moderator):
    """Every measure states its reason; an end in the past is refused."""
    with pytest.raises(ValidationError):
        sanctions.member_sanction(acting_user=moderator, member=user, kind="warning", reason="  ")
    with pytest.raises(ValidationError):
        sanctions.member_sanction(
            acting_user=moderator,
            member=user,
            kind="suspension",
            reason="x",
            until=timezone.now() - timedelta(days=1),
        )


def test_sanction_state_is_a_frozen_value(user, moderator):
    """The state is one immutable value: banned, restricted, until when, and the warning to confirm."""
    until = timezone.now() + timedelta(days=2)
    sanctions.member_sanction(acting_user=moderator, member=user, kind="suspension", reason="Spam", until=until)
    warning = sanctions.member_sanction(acting_user=moderator, member=user, kind="warning", reason="Toon")
    state = selectors.sanction_state(user)
    assert state == selectors.SanctionState(
        banned=False, restricted=True, until=until, unacknowledged_warning=warning.pk
    )
    with pytest.raises(AttributeError):
        state.banned = True
    assert selectors.sanction_state(moderator) == selectors.SanctionState()
