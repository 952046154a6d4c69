"""Thread tools for moderators (closing date, slow mode) and members' rate limits."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum import permissions, ratelimits, services
from forum.models import Reply, Thread
from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory
from moderation import services as moderation_services
from moderation.models import Report, ReportReason

pytestmark = pytest.mark.django_db


def _moderate_url(thread, action):
    return reverse("moderation:thread_moderate", args=[thread.pk, action])


def _reply_url(thread):
    return reverse("forum:reply_create", kwargs={"pk": thread.pk})


# Closing date


def test_closing_date_in_the_past_closes_thread_for_members(thread, user, moderator):
    """A closing date in the past stops members from replying at once."""
    moderation_services.thread_close_at(
        acting_user=moderator, thread=thread, closes_at=timezone.now() - timedelta(hours=1), reason=""
    )
    assert not permissions.can_reply(standing_of(user), thread)


def test_closing_date_in_the_future_keeps_thread_open(thread, user, moderator):
    """Until the closing date members may still reply."""
    moderation_services.thread_close_at(
        acting_user=moderator, thread=thread, closes_at=timezone.now() + timedelta(days=1), reason=""
    )
    assert permissions.can_reply(standing_of(user), thread)


def test_closing_date_passes_without_further_action(thread, user, moderator, monkeypatch):
    """Once the future closing date has passed, the thread is closed."""
    closes_at = timezone.now() + timedelta(days=1)
    moderation_services.thread_close_at(acting_user=moderator, thread=thread, closes_at=closes_at, reason="")
    monkeypatch.setattr(timezone, "now", lambda: closes_at + timedelta(seconds=1))
    assert not permissions.can_reply(standing_of(user), thread)


def test_reply_to_closed_thread_is_refused_by_view(client, thread, other_user, moderator):
    """Posting to a closed thread gives 403 and stores nothing."""
    Thread.objects.filter(pk=thread.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(other_user)
    response = client.post(_reply_url(thread), {"body": "Toch nog iets."})
    assert response.status_code == 403
    assert not Reply.objects.filter(thread=thread).exists()


def test_closed_thread_page_says_when_it_closed(client, thread, other_user):
    """The thread page shows the closing date instead of the reply form."""
    Thread.objects.filter(pk=thread.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(other_user)
    client.cookies["django_language"] = "en"
    response = client.get(thread.get_absolute_url())
    content = response.content.decode()
    assert "This discussion was closed on" in content
    assert "Add a reply" not in content


def test_moderator_may_reply_to_closed_thread(moderator_client, thread):
    """Moderators may still reply after the closing date."""
    Thread.objects.filter(pk=thread.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = moderator_client.post(_reply_url(thread), {"body": "Ter afsluiting."})
    assert response.status_code == 302
    assert Reply.objects.filter(thread=thread).count() == 1


def test_closing_date_is_logged_with_reason_once(thread, moderator):
    """Setting the closing date writes one log row with the reason; repeating it changes nothing."""
    closes_at = timezone.now() + timedelta(days=2)
    assert moderation_services.thread_close_at(
        acting_user=moderator, thread=thread, closes_at=closes_at, reason="Afgerond"
    )
    assert not moderation_services.thread_close_at(
        acting_user=moderator, thread=thread, closes_at=closes_at, reason="Afgerond"
    )
    log = ModerationLog.objects.get(action=ModerationAction.CLOSE_AT)
    assert log.reason == "Afgerond"
    assert log.actor == moderator
    thread.refresh_from_db()
    assert thread.closes_at == closes_at


def test_closing_date_can_be_removed(thread, moderator, user):
    """Clearing the closing date opens the thread again, and is logged."""
    moderation_services.thread_close_at(
        acting_user=moderator, thread=thread, closes_at=timezone.now() - timedelta(1), reason=""
    )
    assert moderation_services.thread_close_at(acting_user=moderator, thread=thread, closes_at=None, reason="Heropend")
    thread.refresh_from_db()
    assert thread.closes_at is None
    assert permissions.can_reply(standing_of(user), thread)
    assert ModerationLog.objects.filter(action=ModerationAction.CLOSE_AT, reason="Heropend").count() == 1


def test_moderator_sets_closing_date_through_page(moderator_client, thread):
    """The moderator form sets the closing date and logs the reason."""
    response = moderator_client.post(
        _moderate_url(thread, "close-at"), {"closes_at": "2030-05-01T17:00", "reason": "Loopt af"}
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert timezone.localtime(thread.closes_at).strftime("%Y-%m-%d %H:%M") == "2030-05-01 17:00"
    assert ModerationLog.objects.get(action=ModerationAction.CLOSE_AT).reason == "Loopt af"


def test_moderator_clears_closing_date_through_page(moderator_client, thread):
    """An empty date in the form removes the closing date."""
    Thread.objects.filter(pk=thread.pk).update(closes_at=timezone.now())
    moderator_client.post(_moderate_url(thread, "close-at"), {"closes_at": "", "reason": ""})
    thread.refresh_from_db()
    assert thread.closes_at is None


@pytest.mark.parametrize("value", ["morgen", "2030-13-45T99:99", "0001-01-01T00:00", "99999-01-01T00:00", "x" * 5000])
def test_garbage_closing_date_shows_error(moderator_client, thread, value):
    """A date that is not one gives a message, not a 500, and changes nothing."""
    moderator_client.cookies["django_language"] = "en"
    response = moderator_client.post(_moderate_url(thread, "close-at"), {"closes_at": value}, follow=True)
    assert response.status_code == 200
    assert "alert" in response.content.decode()
    thread.refresh_from_db()
    assert thread.closes_at is None
    assert not ModerationLog.objects.filter(action=ModerationAction.CLOSE_AT).exists()


def test_moderation_page_shows_thread_tools(moderator_client, thread):
    """Moderators see the closing-date and slow-mode forms on the thread page."""
    moderator_client.cookies["django_language"] = "en"
    content = moderator_client.get(thread.get_absolute_url()).content.decode()
    assert 'type="datetime-local"' in content
    assert 'name="minutes"' in content
    assert _moderate_url(thread, "slow-mode") in content


# Slow mode


@pytest.fixture
def slow_thread(thread, moderator):
    moderation_services.thread_slow_mode(acting_user=moderator, thread=thread, seconds=60, reason="Verhit")
    thread.refresh_from_db()
    return thread


def test_slow_mode_refuses_quick_second_reply(slow_thread, other_user):
    """In slow mode a member cannot reply twice within the interval."""
    services.reply_create(author=other_user, thread=slow_thread, body="Eerste.")
    with pytest.raises(ValidationError) as error:
        services.reply_create(author=other_user, thread=slow_thread, body="Tweede.")
    assert error.value.code == "slow_mode"
    assert Reply.objects.filter(thread=slow_thread).count() == 1


def test_slow_mode_allows_reply_after_interval(slow_thread, other_user, monkeypatch):
    """After the interval the member may reply again."""
    services.reply_create(author=other_user, thread=slow_thread, body="Eerste.")
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.reply_create(author=other_user, thread=slow_thread, body="Tweede.")
    assert Reply.objects.filter(thread=slow_thread).count() == 2


def test_slow_mode_counts_older_reply_by_its_date(slow_thread, other_user):
    """A reply older than the interval does not hold the member back."""
    ReplyFactory(thread=slow_thread, author=other_user, created_at=timezone.now() - timedelta(minutes=5))
    services.reply_create(author=other_user, thread=slow_thread, body="Weer.")
    assert Reply.objects.filter(thread=slow_thread).count() == 2


def test_slow_mode_is_per_member(slow_thread, other_user):
    """Another member's reply does not make a member wait."""
    services.reply_create(author=other_user, thread=slow_thread, body="Eerste.")
    services.reply_create(author=UserFactory(), thread=slow_thread, body="Van een ander.")
    assert Reply.objects.filter(thread=slow_thread).count() == 2


def test_moderators_are_exempt_from_slow_mode(slow_thread, moderator):
    """Moderators reply as often as they need to."""
    services.reply_create(author=moderator, thread=slow_thread, body="Eerste.")
    services.reply_create(author=moderator, thread=slow_thread, body="Tweede.")
    assert Reply.objects.filter(thread=slow_thread).count() == 2


def test_slow_mode_is_logged_with_reason_once(slow_thread, moderator):
    """Slow mode writes one log row with the reason; setting the same value again changes nothing."""
    assert not moderation_services.thread_slow_mode(
        acting_user=moderator, thread=slow_thread, seconds=60, reason="Verhit"
    )
    log = ModerationLog.objects.get(action=ModerationAction.SLOW_MODE)
    assert log.reason == "Verhit"
    assert log.data == {"seconds": 60}


def test_moderator_sets_slow_mode_through_page(moderator_client, thread):
    """The moderator form sets slow mode in minutes and 0 turns it off again."""
    moderator_client.post(_moderate_url(thread, "slow-mode"), {"minutes": "2", "reason": "Rustig aan"})
    thread.refresh_from_db()
    assert thread.slow_mode_seconds == 120
    moderator_client.post(_moderate_url(thread, "slow-mode"), {"minutes": "0", "reason": "Weer normaal"})
    thread.refresh_from_db()
    assert thread.slow_mode_seconds == 0
    assert list(
        ModerationLog.objects.filter(action=ModerationAction.SLOW_MODE).order_by("pk").values_list("reason", flat=True)
    ) == ["Rustig aan", "Weer normaal"]


@pytest.mark.parametrize("value", ["-5", "99999999999999999999", "10081", "1.5", "tien", ""])
def test_bad_slow_mode_shows_error(moderator_client, thread, value):
    """Negative, huge or non-numeric minutes give a message, not a 500, and change nothing."""
    response = moderator_client.post(_moderate_url(thread, "slow-mode"), {"minutes": value}, follow=True)
    assert response.status_code == 200
    assert "alert" in response.content.decode()
    thread.refresh_from_db()
    assert thread.slow_mode_seconds == 0


@pytest.mark.parametrize("seconds", [-1, 604801, "60", True])
def test_slow_mode_service_refuses_bad_values(thread, moderator, seconds):
    """The service itself refuses values outside 0 to a week."""
    with pytest.raises(ValidationError):
        moderation_services.thread_slow_mode(acting_user=moderator, thread=thread, seconds=seconds, reason="")


@pytest.mark.parametrize("action", ["close-at", "slow-mode"])
def test_members_cannot_use_thread_tools(user_client, thread, action):
    """Members get 403 from the tools and nothing changes."""
    response = user_client.post(_moderate_url(thread, action), {"closes_at": "2020-01-01T00:00", "seconds": "60"})
    assert response.status_code == 403
    thread.refresh_from_db()
    assert thread.closes_at is None and thread.slow_mode_seconds == 0
    assert not ModerationLog.objects.exists()


def test_services_refuse_members(thread, user):
    """The services check permission themselves."""
    with pytest.raises(PermissionDenied):
        moderation_services.thread_close_at(acting_user=user, thread=thread, closes_at=None, reason="")
    with pytest.raises(PermissionDenied):
        moderation_services.thread_slow_mode(acting_user=user, thread=thread, seconds=10, reason="")


# Rate limits


def test_ratelimit_counts_per_member_and_window(user, other_user, monkeypatch):
    """The counter allows up to the limit, per member, and starts again in the next window."""
    assert [ratelimits.hit(user, "test", 2, 60) for _ in range(3)] == [True, True, False]
    assert ratelimits.is_limited(user, "test", 2, 60)
    assert not ratelimits.is_limited(other_user, "test", 2, 60)
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert not ratelimits.is_limited(user, "test", 2, 60)


@override_settings(FORUM_POSTS_PER_HOUR=2)
def test_post_rate_limit_refuses_and_stores_nothing(
    thread, theme, other_user, request, django_capture_on_commit_callbacks
):
    """Beyond the hourly limit a member's reply or new thread is refused and nothing is stored."""
    from django.utils import translation

    translation.activate("en")  # the refusal is asserted in the source language
    request.addfinalizer(translation.deactivate)
    with django_capture_on_commit_callbacks(execute=True):  # a post counts once it is committed
        services.reply_create(author=other_user, thread=thread, body="Een.")
        services.thread_create(author=other_user, theme=theme, title="Nieuw", body="Twee.")
    with pytest.raises(ValidationError, match="You are posting very fast"):
        services.reply_create(author=other_user, thread=thread, body="Drie.")
    with pytest.raises(ValidationError, match="You are posting very fast"):
        services.thread_create(author=other_user, theme=theme, title="Nog een", body="Vier.")
    assert Reply.objects.filter(author=other_user).count() == 1
    assert Thread.objects.filter(author=other_user).count() == 1


@override_settings(FORUM_POSTS_PER_HOUR=1)
def test_post_rate_limit_counts_only_successful_posts(slow_thread, other_user):
    """A refused reply does not use up the member's allowance."""
    ReplyFactory(thread=slow_thread, author=other_user)
    with pytest.raises(ValidationError):
        services.reply_create(author=other_user, thread=slow_thread, body="Te snel.")
    assert not ratelimits.is_limited(other_user, "post", 1, 3600)


@override_settings(FORUM_POSTS_PER_HOUR=1)
def test_a_post_that_is_rolled_back_does_not_count(thread, other_user, django_capture_on_commit_callbacks):
    """The allowance is used when the post is stored: a transaction that fails later leaves it alone."""
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.reply_create(author=other_user, thread=thread, body="Wordt teruggedraaid.")
        raise RuntimeError("something after the post failed")
    assert not ratelimits.is_limited(other_user, "post", 1, 3600)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(author=other_user, thread=thread, body="Deze telt.")
    assert ratelimits.is_limited(other_user, "post", 1, 3600)


@override_settings(FORUM_POSTS_PER_HOUR=1)
def test_moderators_are_exempt_from_post_rate_limit(thread, moderator):
    """Moderators have no posting limit."""
    for n in range(3):
        services.reply_create(author=moderator, thread=thread, body=f"Bericht {n}.")
    assert Reply.objects.filter(author=moderator).count() == 3


@override_settings(FORUM_POSTS_PER_HOUR=0)
def test_post_rate_limit_zero_means_no_limit(thread, other_user):
    """A limit of 0 turns the rate limit off."""
    for n in range(3):
        services.reply_create(author=other_user, thread=thread, body=f"Bericht {n}.")
    assert Reply.objects.filter(author=other_user).count() == 3


@override_settings(FORUM_REPORTS_PER_HOUR=2)
def test_report_rate_limit_refuses_and_stores_nothing(theme, other_user):
    """Beyond the hourly limit a member's report is refused and not stored."""
    threads = [ThreadFactory(theme=theme) for _ in range(3)]
    for target in threads[:2]:
        moderation_services.report_file(reporter=other_user, target=target, reason=ReportReason.SPAM)
    with pytest.raises(ValidationError) as error:
        moderation_services.report_file(reporter=other_user, target=threads[2], reason=ReportReason.SPAM)
    assert error.value.code == "rate_limited"
    assert Report.objects.filter(reporter=other_user).count() == 2


@override_settings(FORUM_REPORTS_PER_HOUR=1)
def test_report_rate_limit_shows_form_error(client, theme, other_user):
    """The report page shows the refusal as a form error, not a 500."""
    first, second = ThreadFactory(theme=theme), ThreadFactory(theme=theme)
    moderation_services.report_file(reporter=other_user, target=first, reason=ReportReason.SPAM)
    client.force_login(other_user)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("moderation:thread_report", args=[second.pk]), {"reason": ReportReason.SPAM})
    assert response.status_code == 200
    assert "many reports in a short time" in response.content.decode()
    assert not Report.objects.filter(thread=second).exists()


@override_settings(FORUM_REPORTS_PER_HOUR=1)
def test_moderators_are_exempt_from_report_rate_limit(theme, moderator):
    """Moderators may report as often as they need to."""
    for target in [ThreadFactory(theme=theme) for _ in range(3)]:
        moderation_services.report_file(reporter=moderator, target=target, reason=ReportReason.SPAM)
    assert Report.objects.filter(reporter=moderator).count() == 3


def test_posting_too_fast_is_a_form_error_on_the_page(
    user_client, thread, settings, django_capture_on_commit_callbacks
):
    """Past the hourly limit the reply page shows an error on the text and keeps it; nothing is stored."""
    from forum.models import Reply

    settings.FORUM_POSTS_PER_HOUR = 1
    url = reverse("forum:reply_create", kwargs={"pk": thread.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert user_client.post(url, {"body": "Eerste"}).status_code == 302
    response = user_client.post(url, {"body": "Tweede, te snel"})
    assert response.status_code == 400
    assert response.context["reply_form"].errors["body"]
    assert "Tweede, te snel" in response.content.decode()
    assert Reply.objects.count() == 1
