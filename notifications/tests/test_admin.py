"""Notifications in the administration: a read-only record with the failed e-mails easy to find."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.tests.factories import ThreadFactory, UserFactory
from notifications import selectors, services
from notifications.models import Frequency, Kind, Notification, Preference


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def failed(member, other_user, thread):
    """A notification whose e-mail failed."""
    notification = services.notify(recipient=member, kind=Kind.MENTION, actor=other_user, target=thread)
    Notification.objects.filter(pk=notification.pk).update(email_attempts=1, email_error="421 Service not available")
    return notification


def test_notifications_are_listed_and_filtered_by_failed_email(administrator_client, failed, member, thread):
    """The list filters on kind, read and "e-mail failed"; a notification opens read-only."""
    fine = services.notify(recipient=member, kind=Kind.REPLY_TO_THREAD, actor=UserFactory(), target=thread)
    url = reverse("admin:notifications_notification_changelist")
    assert administrator_client.get(url).status_code == HTTPStatus.OK
    response = administrator_client.get(url, {"email_failed": "yes"})
    assert list(response.context["cl"].result_list) == [failed]
    response = administrator_client.get(url, {"email_failed": "no", "read": "no", "kind__exact": Kind.REPLY_TO_THREAD})
    assert list(response.context["cl"].result_list) == [fine]
    response = administrator_client.get(reverse("admin:notifications_notification_change", args=[failed.pk]))
    assert response.status_code == HTTPStatus.OK
    assert "421 Service not available" in response.content.decode()
    assert 'name="_save"' not in response.content.decode()


def test_notifications_cannot_be_added_changed_or_deleted(administrator_client, failed):
    """The record is read only."""
    response = administrator_client.get(reverse("admin:notifications_notification_add"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = administrator_client.post(
        reverse("admin:notifications_notification_delete", args=[failed.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Notification.objects.filter(pk=failed.pk).exists()


def test_the_list_costs_a_fixed_number_of_queries(administrator_client, member, theme):
    """Recipients and actors are fetched with the notifications, not one by one."""
    url = reverse("admin:notifications_notification_changelist")

    def queries():
        administrator_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            administrator_client.get(url)
        return len(captured)

    services.notify(recipient=member, kind=Kind.MENTION, actor=UserFactory(), target=ThreadFactory(theme=theme))
    few = queries()
    for _ in range(10):
        services.notify(recipient=UserFactory(), kind=Kind.MENTION, actor=UserFactory(), target=ThreadFactory())
    assert queries() == few


def test_send_again_action(administrator_client, failed, member):
    """The action sends a failed e-mail again, through the same code as the retry command."""
    response = administrator_client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "send_email_again", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "1 e-mail sent." in response.content.decode()
    assert [message.to for message in mail.outbox] == [[member.email]]
    failed.refresh_from_db()
    assert failed.emailed_at is not None and failed.email_error == ""


def test_preferences_are_listed_and_changed_through_the_service(administrator_client, member):
    """An administrator can see and change a member's choice (say, when asked by e-mail to stop)."""
    services.preference_set(member=member, kind=Kind.MENTION, frequency=Frequency.DAILY)
    preference = Preference.objects.get()
    response = administrator_client.get(reverse("admin:notifications_preference_changelist"))
    assert response.status_code == HTTPStatus.OK
    url = reverse("admin:notifications_preference_change", args=[preference.pk])
    assert administrator_client.get(url).status_code == HTTPStatus.OK
    response = administrator_client.post(url, {"frequency": Frequency.NEVER})
    assert response.status_code == HTTPStatus.FOUND
    assert selectors.frequencies_for(member)[Kind.MENTION] == Frequency.NEVER
    response = administrator_client.post(
        reverse("admin:notifications_preference_add"),
        {"member": member.pk, "kind": Kind.REACTION, "frequency": Frequency.NEVER},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert selectors.frequencies_for(member)[Kind.REACTION] == Frequency.NEVER
