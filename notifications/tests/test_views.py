"""The bell, the list of notifications, opening and marking them, and the e-mail settings page."""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory
from notifications import selectors, services, views
from notifications.models import Frequency, Kind, Notification


def mention(member, *, thread=None, reply=None, actor=None):
    return services.notify(
        recipient=member,
        kind=Kind.MENTION,
        actor=actor or UserFactory(),
        target=reply or thread or ThreadFactory(),
    )


def main_html(response):
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group()


def test_the_bell_shows_the_unread_count(member_client, member, thread):
    """Members see a bell with the number of unread notifications, labelled for screen readers."""
    for _ in range(3):
        mention(member, thread=thread)
    html = member_client.get(reverse("forum:home")).content.decode()
    bell = re.search(r'<a class="notification-bell[^"]*"[^>]*>.*?</a>', html, re.S).group()
    assert 'aria-label="Notifications (3 unread)"' in bell
    assert f'href="{reverse("notifications:list")}"' in bell
    assert '<span class="notification-count">3</span>' in bell


def test_the_bell_without_unread_notifications(member_client):
    """With nothing unread the bell shows no number."""
    html = member_client.get(reverse("forum:home")).content.decode()
    assert 'aria-label="Notifications (0 unread)"' in html
    assert "notification-count" not in html


def test_visitors_have_no_bell(client, db):
    """Visitors are not shown a bell, and the list asks them to log in."""
    assert "notification-bell" not in client.get(reverse("forum:home")).content.decode()
    response = client.get(reverse("notifications:list"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_the_list_shows_sentences_newest_first_and_marks_unread(member_client, member, other_user, thread):
    """Each notification is a sentence linking to it; the newest first; unread ones say so."""
    older = mention(member, thread=thread, actor=other_user)
    newer = services.notify(recipient=member, kind=Kind.REPLY_TO_THREAD, actor=other_user, target=thread)
    services.notification_mark_read(acting_user=member, notification=older)
    html = main_html(member_client.get(reverse("notifications:list")))
    newer_link = f'href="{reverse("notifications:open", kwargs={"pk": newer.pk})}"'
    older_link = f'href="{reverse("notifications:open", kwargs={"pk": older.pk})}"'
    assert html.index(newer_link) < html.index(older_link)
    assert f"{other_user.display_name} replied to your discussion “{thread.title}”" in html
    assert f"{other_user.display_name} mentioned you in “{thread.title}”" in html
    assert html.count("notification-item--unread") == 1
    assert html.count(">Unread<") == 1
    assert reverse("notifications:mark_read", kwargs={"pk": newer.pk}) in html
    assert reverse("notifications:mark_read", kwargs={"pk": older.pk}) not in html


def test_the_list_shows_only_the_members_own_notifications(member_client, member, other_user, thread):
    """Another member's notifications never appear."""
    mine = mention(member, thread=thread)
    theirs = mention(other_user, thread=thread)
    html = member_client.get(reverse("notifications:list")).content.decode()
    assert reverse("notifications:open", kwargs={"pk": mine.pk}) in html
    assert reverse("notifications:open", kwargs={"pk": theirs.pk}) not in html


def test_the_list_is_paginated(member_client, member, thread, monkeypatch):
    """A long list is shown a page at a time; a page number out of range shows the last page."""
    monkeypatch.setattr(views, "PER_PAGE", 2)
    notifications = [mention(member, thread=thread) for _ in range(5)]
    first = member_client.get(reverse("notifications:list")).content.decode()
    assert reverse("notifications:open", kwargs={"pk": notifications[4].pk}) in first
    assert reverse("notifications:open", kwargs={"pk": notifications[0].pk}) not in first
    assert "?page=3" in first
    for page in ("3", "99", "nonsense"):
        assert member_client.get(reverse("notifications:list"), {"page": page}).status_code == HTTPStatus.OK


def test_empty_list(member_client):
    """A member without notifications is told how they get them."""
    response = member_client.get(reverse("notifications:list"))
    assert response.status_code == HTTPStatus.OK
    assert "You have no notifications yet." in response.content.decode()


def _count_queries(client, url):
    client.get(url)  # the first visit fills the session and the caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(context.captured_queries)


def test_the_list_costs_the_same_queries_for_few_and_many(member_client, member, theme):
    """The list page has a fixed number of queries with 2 or 25 notifications about replies and threads."""
    url = reverse("notifications:list")
    thread = ThreadFactory(theme=theme)
    mention(member, reply=ReplyFactory(thread=thread))
    mention(member, thread=thread)
    few = _count_queries(member_client, url)
    for number in range(23):
        other = ThreadFactory(theme=theme, author=UserFactory())
        if number % 2:
            mention(member, thread=other)
        else:
            mention(member, reply=ReplyFactory(thread=other, author=UserFactory()))
    assert _count_queries(member_client, url) == few
    # the member, the moderator check (permissions of the user and of their groups), the count for the
    # paginator, the page of notifications with their actors, their targets in one query per kind
    # (the threads; the replies with their threads), and the unread count.
    assert few <= 6


def test_opening_a_reply_notification_marks_it_read_and_goes_to_the_reply(member_client, member, reply):
    """Opening leads to the reply (which lands on its page and anchor) and marks the notification read."""
    notification = mention(member, reply=reply)
    response = member_client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("forum:reply", kwargs={"pk": reply.pk})
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_a_thread_notification_goes_to_the_thread(member_client, member, thread):
    """A notification about a thread leads to the thread."""
    notification = mention(member, thread=thread)
    response = member_client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response["Location"] == thread.get_absolute_url()


def test_a_notification_about_something_hidden_since_leads_nowhere(member_client, member, thread, moderator, hide_post):
    """When the thread was hidden since, the list does not show its title and opening it leads back to the list."""
    notification = mention(member, thread=thread)
    hide_post(acting_user=moderator, post=thread, reason="Vertrouwelijk")
    html = main_html(member_client.get(reverse("notifications:list")))
    assert thread.title not in html
    assert "no longer available" in html
    response = member_client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response["Location"] == reverse("notifications:list")
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("url_name", ["notifications:open", "notifications:mark_read"])
def test_other_members_notifications_do_not_exist(member_client, other_user, thread, url_name):
    """Opening or marking someone else's notification is not found, and changes nothing."""
    notification = mention(other_user, thread=thread)
    url = reverse(url_name, kwargs={"pk": notification.pk})
    response = member_client.get(url) if url_name == "notifications:open" else member_client.post(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_one_read(member_client, member, thread):
    """The per-item button marks that notification read and returns to the same page of the list."""
    notification, other = mention(member, thread=thread), mention(member, thread=thread)
    response = member_client.post(reverse("notifications:mark_read", kwargs={"pk": notification.pk}), {"page": "2"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('notifications:list')}?page=2"
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_marking_needs_a_post(member_client, member, thread):
    """Marking read is a POST; a GET is refused and changes nothing."""
    notification = mention(member, thread=thread)
    response = member_client.get(reverse("notifications:mark_read", kwargs={"pk": notification.pk}))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = member_client.get(reverse("notifications:mark_all_read"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Notification.objects.get().read_at is None


def test_marking_all_read(member_client, member, other_user, thread):
    """The "mark all as read" button marks the member's notifications read, not anyone else's."""
    mine = [mention(member, thread=thread) for _ in range(3)]
    theirs = mention(other_user, thread=thread)
    response = member_client.post(reverse("notifications:mark_all_read"), {"page": "x"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications:list")
    assert "All notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert "Mark all as read" not in main_html(response)


def test_preferences_page_shows_the_current_choices(member_client, member):
    """Each kind has its choice (the default until the member chooses), and the e-mail language."""
    services.preference_set(member=member, kind=Kind.REACTION, frequency=Frequency.NEVER)
    html = member_client.get(reverse("notifications:preferences")).content.decode()
    for kind in Kind.values:
        assert f'name="kind_{kind}"' in html
    assert re.search(r'name="kind_reaction" value="never"[^>]*checked', html)
    assert re.search(r'name="kind_mention" value="immediately"[^>]*checked', html)
    assert "A mention of my name" in html and "Language of the e-mails" in html


def test_saving_preferences(member_client, member):
    """The member chooses a frequency per kind and English e-mail; they are saved through the service."""
    data = {f"kind_{kind}": Frequency.WEEKLY for kind in Kind.values}
    data |= {"kind_mention": Frequency.NEVER, "language": "en"}
    response = member_client.post(reverse("notifications:preferences"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications:preferences")
    assert "Your e-mail settings are saved." in response.content.decode()
    member.refresh_from_db()
    assert member.language == "en"
    frequencies = selectors.frequencies_for(member)
    assert frequencies[Kind.MENTION] == Frequency.NEVER and frequencies[Kind.REPLY_TO_THREAD] == Frequency.WEEKLY


def test_bad_preferences_are_form_errors(member_client, member):
    """An unknown frequency or language, or a missing choice, shows the form again with errors; nothing changes."""
    data = {f"kind_{kind}": Frequency.DAILY for kind in Kind.values}
    for bad in ({**data, "kind_mention": "hourly", "language": "nl"}, {**data, "language": "fr"}, {}):
        response = member_client.post(reverse("notifications:preferences"), bad)
        assert response.status_code == HTTPStatus.OK
        assert "is-invalid" in response.content.decode()
    assert not member.notification_preferences.exists()
    member.refresh_from_db()
    assert member.language == "nl"


@pytest.mark.parametrize("url_name", ["notifications:list", "notifications:preferences"])
def test_pages_have_nothing_inline_and_nothing_from_elsewhere(member_client, member, thread, url_name):
    """The pages keep to the strict CSP: no inline script or style, nothing from other hosts."""
    mention(member, thread=thread)
    response = member_client.get(reverse(url_name))
    html = response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"<style[\s>]", html) and ' style="' not in html, "inline style"
