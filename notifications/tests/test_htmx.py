"""
Marking notifications read with htmx: the same forms post without JavaScript
and redirect back to the list; with htmx (``HX-Request``) the answer is the
swapped item or list, the header's bell out of band and the status text.
"""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from forum.tests.factories import ThreadFactory, UserFactory
from notifications import services
from notifications.models import Kind, Notification

HTMX = {"HTTP_HX_REQUEST": "true"}
BELL = re.compile(r'<a class="notification-bell[^"]*"[^>]*>.*?</a>', re.S)


@pytest.fixture(autouse=True)
def _english():
    """The tests read the English source strings, whatever the translations say."""
    with translation.override("en"):
        yield


def mention(member, *, thread=None):
    return services.notify(recipient=member, kind=Kind.MENTION, actor=UserFactory(), target=thread or ThreadFactory())


def mark_read_url(notification):
    return reverse("notifications:mark_read", kwargs={"pk": notification.pk})


def item_html(html, notification):
    return re.search(rf'<li id="notification-{notification.pk}".*?</li>', html, re.S).group()


def bell_html(html):
    return BELL.search(html).group()


def comparable(html):
    """Markup with whitespace and the attributes only the swapped bell has taken out."""
    html = re.sub(r'\s(id="notification-bell"|data-hx-swap-oob="[^"]*")', "", html)
    return re.sub(r"\s+>", ">", re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html))).strip()


def test_the_list_forms_post_with_and_without_htmx(member_client, member, thread):
    """Both forms post to their own address, and htmx posts the same form to the same address, into the item or list."""
    notification = mention(member, thread=thread)
    html = member_client.get(reverse("notifications:list")).content.decode()
    item = item_html(html, notification)
    url = mark_read_url(notification)
    assert f'action="{url}"' in item and f'data-hx-post="{url}"' in item
    assert f'data-hx-target="#notification-{notification.pk}"' in item and 'data-hx-swap="outerHTML"' in item
    all_url = reverse("notifications:mark_all_read")
    assert re.search(
        rf'action="{all_url}"[^>]*data-hx-post="{all_url}"[^>]*data-hx-target="#notifications"', html, re.S
    )
    assert '<div id="notifications"' in html and '<div id="notifications-mark-all"' in html
    assert re.search(r'<p id="notifications-status" class="visually-hidden" role="status"></p>', html)
    assert "autofocus" not in html and "hx-swap-oob" not in html


def test_marking_one_read_without_htmx_redirects_to_the_list(member_client, member, thread):
    """Without JavaScript the per-item button posts and returns to the same page of the list."""
    notification = mention(member, thread=thread)
    response = member_client.post(mark_read_url(notification), {"page": "3"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('notifications:list')}?page=3"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_marking_one_read_with_htmx_returns_the_item_the_bell_and_the_status(member_client, member, thread):
    """With htmx the answer is the item, now read and focused, the bell with one fewer unread, and the status text."""
    notification, other = mention(member, thread=thread), mention(member, thread=thread)
    response = member_client.post(mark_read_url(notification), {"page": "2"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<html" not in html and "<main" not in html
    item = item_html(html, notification)
    assert "notification-item--unread" not in item and "Unread" not in item
    assert mark_read_url(notification) not in item
    assert re.search(r'<a class="notification-link"\s+href="[^"]+"\s+autofocus>', item)
    assert re.search(r'<div id="notifications-mark-all" data-hx-swap-oob="true">\s*<form', html)
    assert 'name="page" value="2"' in html
    bell = bell_html(html)
    assert 'data-hx-swap-oob="outerHTML:.notification-bell"' in bell
    assert 'aria-label="Notifications (1 unread)"' in bell and '<span class="notification-count">1</span>' in bell
    assert re.search(
        r'<p id="notifications-status" data-hx-swap-oob="innerHTML">\s*The notification is marked as read\.', html
    )
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_marking_the_last_one_read_with_htmx_empties_the_bell_and_removes_mark_all(member_client, member, thread):
    """When nothing is unread any more, the bell shows no number and the "mark all" button goes."""
    notification = mention(member, thread=thread)
    html = member_client.post(mark_read_url(notification), **HTMX).content.decode()
    assert re.search(r'<div id="notifications-mark-all" data-hx-swap-oob="true">\s*</div>', html)
    bell = bell_html(html)
    assert 'aria-label="Notifications (0 unread)"' in bell and "notification-count" not in bell


def test_the_swapped_bell_is_the_headers_bell(member_client, member, thread):
    """The bell htmx swaps in is the same markup as the header's, so the page looks the same as after a reload."""
    notification = mention(member, thread=thread)
    mention(member, thread=thread)
    swapped = bell_html(member_client.post(mark_read_url(notification), **HTMX).content.decode())
    header = bell_html(member_client.get(reverse("forum:home")).content.decode())
    assert comparable(swapped) == comparable(header)


def test_marking_an_unavailable_notification_read_with_htmx_focuses_the_item(
    member_client, member, thread, moderator, hide_post
):
    """A notification whose post was hidden has no link: the item itself takes the focus."""
    notification = mention(member, thread=thread)
    hide_post(acting_user=moderator, post=thread, reason="Vertrouwelijk")
    html = member_client.post(mark_read_url(notification), **HTMX).content.decode()
    item = item_html(html, notification)
    assert re.search(r'<li id="notification-\d+"\s+class="notification-item"\s+tabindex="-1" autofocus>', item)
    assert thread.title not in item


def test_marking_someone_elses_notification_with_htmx_is_not_found(member_client, other_user, thread):
    """With htmx too, another member's notification does not exist and stays unread."""
    notification = mention(other_user, thread=thread)
    response = member_client.post(mark_read_url(notification), **HTMX)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_marking_all_read_without_htmx_redirects_with_a_message(member_client, member, thread):
    """Without JavaScript "mark all as read" posts, returns to the list's page and says so there."""
    mention(member, thread=thread)
    response = member_client.post(reverse("notifications:mark_all_read"), {"page": "2"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('notifications:list')}?page=2"
    assert "All notifications are marked as read." in member_client.get(response["Location"]).content.decode()
    assert not member.notifications.unread().exists()


def test_marking_all_read_with_htmx_returns_the_list_the_bell_and_the_status(
    member_client, member, other_user, thread, monkeypatch
):
    """With htmx the answer is the same page of the list, all read and focused, the empty bell and the status text."""
    monkeypatch.setattr("notifications.views.PER_PAGE", 2)
    mine = [mention(member, thread=thread) for _ in range(3)]
    theirs = mention(other_user, thread=thread)
    response = member_client.post(reverse("notifications:mark_all_read"), {"page": "2"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<html" not in html
    assert re.search(r'<div id="notifications"\s+tabindex="-1" autofocus>', html)
    assert re.search(r'<div id="notifications-mark-all">\s*</div>', html)
    assert f'id="notification-{mine[0].pk}"' in html  # the oldest, alone on page 2
    assert f'id="notification-{mine[2].pk}"' not in html
    assert "notification-item--unread" not in html and "Mark all as read" not in html
    assert 'aria-current="page"><span class="visually-hidden">Page</span> 2' in html
    bell = bell_html(html)
    assert 'data-hx-swap-oob="outerHTML:.notification-bell"' in bell and "(0 unread)" in bell
    assert re.search(
        r'<p id="notifications-status" data-hx-swap-oob="innerHTML">\s*All notifications are marked as read\.', html
    )
    assert not member.notifications.unread().exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    # The status said it: no message waits for the next page.
    assert "All notifications are marked as read." not in member_client.get(reverse("forum:home")).content.decode()


def test_htmx_answers_have_nothing_inline(member_client, member, thread):
    """The swapped fragments keep to the strict CSP: no inline script or style, no hx-on handlers."""
    notification = mention(member, thread=thread)
    for response in (
        member_client.post(mark_read_url(notification), **HTMX),
        member_client.post(reverse("notifications:mark_all_read"), **HTMX),
    ):
        html = response.content.decode()
        assert "<script" not in html and "<style" not in html and ' style="' not in html
        assert "hx-on" not in html
