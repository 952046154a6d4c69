import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import SiteSettings
from core.models import ModerationLog
from forum.models import Status
from forum.tests.factories import UserFactory
from moderation import services as moderation_services
from moderation.models import Report


def test_member_reports_a_reply_once(reply, user):
    """Reporting the same item again returns the open report instead of a second one."""
    first = moderation_services.report_file(reporter=user, target=reply, reason="spam")
    again = moderation_services.report_file(reporter=user, target=reply, reason="insulting")
    assert first.pk == again.pk and Report.objects.count() == 1


def test_other_needs_an_explanation(reply, user):
    """The reason "something else" needs a text."""
    with pytest.raises(ValidationError):
        moderation_services.report_file(reporter=user, target=reply, reason="other", note="  ")
    assert not Report.objects.exists()


def test_own_post_and_visitors_cannot_report(reply, other_user):
    """Authors do not report their own post; nothing is stored."""
    with pytest.raises(PermissionDenied):
        moderation_services.report_file(reporter=other_user, target=reply, reason="spam")
    assert not Report.objects.exists()


def test_three_members_hide_a_post_pending_review(reply, django_capture_on_commit_callbacks):
    """When the configured number of members report a post it is hidden at once, logged, and its author told."""
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            moderation_services.report_file(reporter=UserFactory(), target=reply, reason="confidential")
    reply.refresh_from_db()
    reply.thread.refresh_from_db()
    assert reply.status == Status.HIDDEN and reply.hidden_by is None
    assert reply.thread.reply_count == 0
    assert ModerationLog.objects.get().action == "auto_hide"
    assert Notification.objects.get(recipient=reply.author).kind == "moderation"


def test_threshold_is_a_site_setting(reply):
    """Administrators set the number; 0 switches automatic hiding off."""
    settings = SiteSettings.current()
    settings.auto_hide_report_count = 0
    settings.save()
    for _ in range(4):
        moderation_services.report_file(reporter=UserFactory(), target=reply, reason="spam")
    reply.refresh_from_db()
    assert reply.status == Status.PUBLISHED


def test_dismissing_restores_an_automatically_hidden_post(reply, moderator, django_capture_on_commit_callbacks):
    """A moderator who dismisses the reports shows the post again and the reporters hear the outcome."""
    from notifications.models import Notification

    reporters = [UserFactory() for _ in range(3)]
    for reporter in reporters:
        moderation_services.report_file(reporter=reporter, target=reply, reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            moderation_services.reports_resolve(acting_user=moderator, target=reply, uphold=False, note="Geen spam")
            == 3
        )
    reply.refresh_from_db()
    assert reply.status == Status.PUBLISHED
    assert set(Report.objects.values_list("state", flat=True)) == {"dismissed"}
    assert Notification.objects.filter(kind="report_outcome").count() == 3


def test_upholding_hides_and_members_cannot_decide(reply, moderator, user):
    """Only moderators decide; upholding hides the post with the moderator's reason."""
    moderation_services.report_file(reporter=user, target=reply, reason="personal_data")
    with pytest.raises(PermissionDenied):
        moderation_services.reports_resolve(acting_user=user, target=reply, uphold=True)
    assert (
        moderation_services.reports_resolve(
            acting_user=moderator, target=reply, uphold=True, note="Naam van een burger"
        )
        == 1
    )
    reply.refresh_from_db()
    assert reply.status == Status.HIDDEN and reply.hidden_reason == "Naam van een burger"


def test_member_profiles_can_be_reported(user, other_user, moderator):
    """A member profile can be reported and the report decided without hiding anything."""
    moderation_services.report_file(reporter=user, target=other_user, reason="insulting")
    with pytest.raises(PermissionDenied):
        moderation_services.report_file(reporter=user, target=user, reason="spam")
    assert moderation_services.reports_resolve(acting_user=moderator, target=other_user, uphold=False) == 1
