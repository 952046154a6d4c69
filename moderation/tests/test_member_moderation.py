from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum.tests.factories import ModeratorFactory, UserFactory
from moderation import selectors
from moderation.models import ModeratorNote, Sanction
from moderation.services import sanctions


def _url(member):
    return reverse("moderation:member_moderation", kwargs={"handle": member.handle})


def _lift_url(sanction):
    return reverse("moderation:member_sanction_lift", kwargs={"handle": sanction.member.handle, "pk": sanction.pk})


@pytest.fixture
def en_moderator_client(moderator_client):
    moderator_client.cookies["django_language"] = "en"
    return moderator_client


def test_page_shows_member_state_and_history(en_moderator_client, user, moderator):
    """A moderator sees the member's details, current restriction and the history of measures."""
    sanctions.member_sanction(acting_user=moderator, member=user, kind="warning", reason="Let op je toon", rule="R1")
    sanctions.member_sanction(acting_user=moderator, member=user, kind="suspension", reason="Herhaald beledigend")
    response = en_moderator_client.get(_url(user))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert user.display_name in content and user.email in content
    assert "Let op je toon" in content and "R1" in content and "Herhaald beledigend" in content
    assert "Suspended until a moderator lifts the suspension." in content
    assert moderator.display_name in content


def test_warning_through_the_page(en_moderator_client, user):
    """A warning with a reason and rule is recorded and the moderator is sent back to the page."""
    response = en_moderator_client.post(
        _url(user), {"action": "warning", "warning-reason": "Blijf bij het onderwerp", "warning-rule": "Artikel 3"}
    )
    assert response.status_code == HTTPStatus.FOUND and response.url == _url(user)
    sanction = Sanction.objects.get(member=user)
    assert (sanction.kind, sanction.reason, sanction.rule) == ("warning", "Blijf bij het onderwerp", "Artikel 3")


def test_suspension_until_a_date_through_the_page(en_moderator_client, user):
    """A suspension until a date lasts to the end of that day and restricts the member."""
    last_day = timezone.localdate() + timedelta(days=7)
    response = en_moderator_client.post(
        _url(user),
        {"action": "suspension", "suspension-reason": "Afkoelen", "suspension-until_date": last_day.isoformat()},
    )
    assert response.status_code == HTTPStatus.FOUND
    sanction = Sanction.objects.get(member=user)
    assert sanction.kind == "suspension"
    assert timezone.localtime(sanction.ends_at).date() == last_day + timedelta(days=1)
    assert selectors.sanction_state(user).restricted is True


def test_suspension_without_date_lasts_until_lifted(en_moderator_client, user):
    """An empty end date suspends until a moderator lifts it."""
    en_moderator_client.post(_url(user), {"action": "suspension", "suspension-reason": "Spam"})
    assert Sanction.objects.get(member=user).ends_at is None


def test_ban_through_the_page(en_moderator_client, user):
    """A ban is recorded and shown as the current restriction."""
    en_moderator_client.post(_url(user), {"action": "ban", "ban-reason": "Spamaccount"})
    assert Sanction.objects.get(member=user).kind == "ban"
    assert "Banned: cannot log in." in en_moderator_client.get(_url(user)).content.decode()


@pytest.mark.parametrize("kind", ["warning", "suspension", "ban"])
def test_empty_reason_is_a_form_error(en_moderator_client, user, kind):
    """A measure without a reason is refused with a form error."""
    response = en_moderator_client.post(_url(user), {"action": kind, f"{kind}-reason": "   "})
    assert response.status_code == HTTPStatus.OK
    assert response.context[f"{kind}_form"].errors["reason"]
    assert not Sanction.objects.exists()


def test_end_date_in_the_past_is_a_form_error(en_moderator_client, user):
    """A suspension ending yesterday is refused by the service and shown at the date field."""
    yesterday = timezone.localdate() - timedelta(days=1)
    response = en_moderator_client.post(
        _url(user), {"action": "suspension", "suspension-reason": "Te laat", "suspension-until_date": yesterday}
    )
    assert response.status_code == HTTPStatus.OK
    assert "The end must be in the future." in response.context["suspension_form"].errors["until_date"]
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("value", ["morgen", "2024-13-45", "9999-12-31", "2030-01-01\x00"])
def test_garbage_date_is_a_form_error(en_moderator_client, user, value):
    """A date that is no date (or has no day after it) is a form error, not a server error."""
    response = en_moderator_client.post(
        _url(user), {"action": "suspension", "suspension-reason": "Spam", "suspension-until_date": value}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["suspension_form"].errors["until_date"]
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("field", ["reason", "rule"])
def test_nul_bytes_are_a_form_error(en_moderator_client, user, field):
    """NUL bytes in the reason or rule are refused with a form error."""
    data = {"action": "ban", "ban-reason": "Spam", "ban-rule": "Regel"}
    data[f"ban-{field}"] = "Sp\x00am"
    response = en_moderator_client.post(_url(user), data)
    assert response.status_code == HTTPStatus.OK
    assert response.context["ban_form"].errors[field]
    assert not Sanction.objects.exists()


def test_lift_a_measure_with_reason(en_moderator_client, user, moderator):
    """A measure in force is lifted through its button, with the optional reason kept."""
    sanction = sanctions.member_sanction(acting_user=moderator, member=user, kind="suspension", reason="Spam")
    assert f'action="{_lift_url(sanction)}"' in en_moderator_client.get(_url(user)).content.decode()
    response = en_moderator_client.post(_lift_url(sanction), {f"lift-{sanction.pk}-reason": "Was een vergissing"})
    assert response.status_code == HTTPStatus.FOUND
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None and sanction.lift_reason == "Was een vergissing"
    assert selectors.sanction_state(user).restricted is False
    assert f'action="{_lift_url(sanction)}"' not in en_moderator_client.get(_url(user)).content.decode()


def test_lift_twice_says_already_lifted(en_moderator_client, user, moderator):
    """Lifting a lifted measure changes nothing and says so."""
    sanction = sanctions.member_sanction(acting_user=moderator, member=user, kind="ban", reason="Spam")
    en_moderator_client.post(_lift_url(sanction))
    response = en_moderator_client.post(_lift_url(sanction), follow=True)
    assert "This measure was already lifted." in response.content.decode()


def test_lift_reason_with_nul_bytes_is_a_form_error(en_moderator_client, user, moderator):
    """A lift reason with NUL bytes is shown as an error on that measure's form."""
    sanction = sanctions.member_sanction(acting_user=moderator, member=user, kind="ban", reason="Spam")
    response = en_moderator_client.post(_lift_url(sanction), {f"lift-{sanction.pk}-reason": "a\x00b"})
    assert response.status_code == HTTPStatus.OK
    sanction.refresh_from_db()
    assert sanction.lifted_at is None
    assert "Please correct the errors below." in response.content.decode()


def test_forged_ids_are_404(en_moderator_client, user, other_user, moderator):
    """An unknown handle, or a measure of another member, is not found."""
    other = sanctions.member_sanction(acting_user=moderator, member=other_user, kind="ban", reason="Spam")
    assert en_moderator_client.get("/moderatie/lid/bestaat-niet/").status_code == HTTPStatus.NOT_FOUND
    forged = reverse("moderation:member_sanction_lift", kwargs={"handle": user.handle, "pk": other.pk})
    assert en_moderator_client.post(forged).status_code == HTTPStatus.NOT_FOUND
    missing = reverse("moderation:member_sanction_lift", kwargs={"handle": user.handle, "pk": 999999})
    assert en_moderator_client.post(missing).status_code == HTTPStatus.NOT_FOUND
    other.refresh_from_db()
    assert other.lifted_at is None


def test_unknown_action_is_refused_without_error(en_moderator_client, user):
    """A forged action changes nothing and is no server error."""
    response = en_moderator_client.post(_url(user), {"action": "delete", "delete-reason": "x"})
    assert response.status_code == HTTPStatus.FOUND
    assert not Sanction.objects.exists()


def test_member_gets_403(user_client, other_user, user):
    """A member who is not a moderator may neither see nor use the page."""
    assert user_client.get(_url(other_user)).status_code == HTTPStatus.FORBIDDEN
    response = user_client.post(_url(other_user), {"action": "ban", "ban-reason": "Zomaar"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    sanction = sanctions.member_sanction(acting_user=ModeratorFactory(), member=other_user, kind="ban", reason="x")
    assert user_client.post(_lift_url(sanction)).status_code == HTTPStatus.FORBIDDEN
    assert not Sanction.objects.exclude(pk=sanction.pk).exists()


def test_visitor_is_sent_to_login(client, user):
    """A visitor is asked to log in."""
    response = client.get(_url(user))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response.url


def test_moderator_acting_on_themself_gets_a_message(en_moderator_client, moderator):
    """A moderator who tries a measure against themself is told why, without a server error."""
    page = en_moderator_client.get(_url(moderator))
    assert page.status_code == HTTPStatus.OK
    assert 'value="ban"' not in page.content.decode()
    response = en_moderator_client.post(_url(moderator), {"action": "ban", "ban-reason": "Test"}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "You cannot take or lift measures against yourself" in response.content.decode()
    assert not Sanction.objects.exists()


def test_moderator_cannot_lift_own_measure(en_moderator_client, moderator):
    """A moderator cannot lift a measure against themself either."""
    sanction = sanctions.member_sanction(acting_user=ModeratorFactory(), member=moderator, kind="warning", reason="x")
    response = en_moderator_client.post(_lift_url(sanction), follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "You cannot take or lift measures against yourself" in response.content.decode()
    sanction.refresh_from_db()
    assert sanction.lifted_at is None


def test_add_note(en_moderator_client, user, moderator):
    """A moderator adds a private note, which the page then lists."""
    response = en_moderator_client.post(_url(user), {"action": "note", "note-text": "Eerder gewaarschuwd per mail"})
    assert response.status_code == HTTPStatus.FOUND
    note = ModeratorNote.objects.get(member=user)
    assert note.author == moderator
    assert "Eerder gewaarschuwd per mail" in en_moderator_client.get(_url(user)).content.decode()


@pytest.mark.parametrize("text", ["", "   ", "a\x00b"])
def test_bad_note_is_a_form_error(en_moderator_client, user, text):
    """An empty note or one with NUL bytes is refused with a form error."""
    response = en_moderator_client.post(_url(user), {"action": "note", "note-text": text})
    assert response.status_code == HTTPStatus.OK
    assert response.context["note_form"].errors["text"]
    assert not ModeratorNote.objects.exists()


def test_notes_are_visible_to_moderators_only(client, user, other_user, moderator):
    """Notes appear on the moderation page only, never on the profile or for members."""
    sanctions.moderator_note_add(acting_user=moderator, member=user, text="Geheime notitie")
    client.force_login(other_user)
    assert "Geheime notitie" not in client.get(user.get_absolute_url()).content.decode()
    assert client.get(_url(user)).status_code == HTTPStatus.FORBIDDEN
    client.force_login(user)
    assert "Geheime notitie" not in client.get(user.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert "Geheime notitie" in client.get(_url(user)).content.decode()


def test_note_service_refuses_non_moderators(user, other_user):
    """Only moderators can write notes."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        sanctions.moderator_note_add(acting_user=user, member=other_user, text="Hallo")


def test_profile_link_only_for_moderators(client, user, other_user, moderator):
    """The profile shows "Moderate this member" to moderators only."""
    client.cookies["django_language"] = "en"
    client.force_login(other_user)
    assert "Moderate this member" not in client.get(user.get_absolute_url()).content.decode()
    client.force_login(moderator)
    content = client.get(user.get_absolute_url()).content.decode()
    assert "Moderate this member" in content and _url(user) in content
    client.logout()
    assert "Moderate this member" not in client.get(user.get_absolute_url()).content.decode()


def _page_queries(client, member, moderator, count):
    """Add ``count`` measures (one in force) and notes, then count the queries of a warmed-up page."""
    for index in range(count):
        sanction = sanctions.member_sanction(acting_user=moderator, member=member, kind="warning", reason=f"R{index}")
        if index:
            sanctions.sanction_lift(acting_user=moderator, sanction=sanction, reason="Klaar")
        sanctions.moderator_note_add(acting_user=moderator, member=member, text=f"Notitie {index}")
    client.get(_url(member))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(member)).status_code == HTTPStatus.OK
    return len(queries)


def test_fixed_number_of_queries(moderator_client, moderator):
    """The page costs the same number of queries with few or many measures and notes."""
    few = _page_queries(moderator_client, UserFactory(), moderator, 1)
    many = _page_queries(moderator_client, UserFactory(), moderator, 8)
    assert few == many
