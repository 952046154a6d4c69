"""Statements of reasons read as written Dutch, and say until when a measure lasts as it is enforced."""

from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import can_post
from accounts.standing import standing_of
from moderation.models import Sanction
from moderation.services import sanctions
from notifications.models import Notification

DUTCH_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def _at(day, hour=0, minute=0, second=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


def test_suspension_until_a_chosen_day_reads_and_holds_until_and_including_that_day(
    moderator_client, user, monkeypatch, django_capture_on_commit_callbacks
):
    """
    The moderator picks a day: the member reads "tot en met <that day>", is suspended all that
    day, and can post again from the start of the next day (in the site's time zone).
    """
    chosen = timezone.localdate() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            reverse("moderation:member_moderation", kwargs={"handle": user.handle}),
            {"action": "suspension", "suspension-reason": "Afkoelen.", "suspension-until_date": chosen.isoformat()},
        )
    statement = Notification.objects.get(recipient=user, kind="moderation").message
    assert f"De schorsing duurt tot en met {chosen.day} {DUTCH_MONTHS[chosen.month - 1]} {chosen.year}." in statement
    assert "Reden: Afkoelen." in statement and ".." not in statement
    assert "00:00" not in statement

    page = moderator_client.get(reverse("moderation:member_moderation", kwargs={"handle": user.handle}))
    assert f"Geschorst tot en met {chosen.day} {DUTCH_MONTHS[chosen.month - 1]} {chosen.year}." in page.content.decode()

    for moment, may_post in ((_at(chosen, 23, 59, 59), False), (_at(chosen + timedelta(days=1)), True)):
        cache.clear()
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        user.refresh_from_db()
        assert can_post(standing_of(user)) is may_post, moment


def test_a_reason_and_rule_get_one_full_stop(user, moderator, django_capture_on_commit_callbacks):
    """A reason that ends in a full stop gets no second one; one without gets one."""
    with django_capture_on_commit_callbacks(execute=True):
        sanctions.member_sanction(
            acting_user=moderator, member=user, kind=Sanction.Kind.WARNING, reason="Let op je toon.", rule="Artikel 3"
        )
    statement = Notification.objects.get(recipient=user, kind="moderation").message
    assert "Reden: Let op je toon.\n" in statement and "Regel: Artikel 3.\n" in statement
    assert ".." not in statement


def test_an_end_during_the_day_reads_with_its_time(user, moderator, django_capture_on_commit_callbacks):
    """A suspension ending during a day (set elsewhere than the form) names the day and the time."""
    ends = _at(timezone.localdate() + timedelta(days=2), 14, 30)
    with django_capture_on_commit_callbacks(execute=True):
        sanctions.member_sanction(acting_user=moderator, member=user, kind="suspension", reason="Spam", until=ends)
    statement = Notification.objects.get(recipient=user, kind="moderation").message
    assert f"De schorsing duurt tot {ends.day} {DUTCH_MONTHS[ends.month - 1]} {ends.year} om 14.30 uur." in statement
