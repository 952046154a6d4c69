"""Words and links people read: short links, unread markers, revisions, mentions, auto-links."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import Reply
from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory


@pytest.mark.parametrize("path", ["/discussie/{pk}/", "/discussie/{pk}-oude-titel/"])
def test_short_link_keeps_the_page_and_the_order(client, db, path):
    """A short link with ?page=2&sort=oldest opens that page in that order, and passes nothing else on."""
    thread = ThreadFactory()
    response = client.get(path.format(pk=thread.pk), {"page": "2", "sort": "oldest", "next": "https://evil.example/"})
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2&sort=oldest"


def _jump_link(response):
    """The address of "Go to the first unread reply", or None."""
    match = re.search(r'<p class="unread-jump">\s*<a href="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


def test_the_reply_you_just_posted_is_not_the_first_unread(client, db):
    """After posting, the thread page does not send the writer to their own reply; another's new one still counts."""
    member = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    thread = ThreadFactory(created_at=timezone.now() - timedelta(days=10))
    client.force_login(member)
    client.get(thread.get_absolute_url())
    response = client.post(
        reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Mijn reactie."}, follow=True
    )
    assert response.status_code == HTTPStatus.OK
    assert "Mijn reactie." in response.content.decode()
    assert _jump_link(response) is None
    others = ReplyFactory(thread=thread, body="Een ander antwoordt.")
    client.post(reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Nog een reactie van mij."})
    response = client.get(thread.get_absolute_url())
    assert _jump_link(response) == reverse("forum:reply", kwargs={"pk": others.pk})


def test_a_reply_written_for_an_organisation_is_not_unread_to_its_writer(client, db):
    """What a member wrote for an organisation account is theirs too: not unread to them."""
    member = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    thread = ThreadFactory(created_at=timezone.now() - timedelta(days=10))
    client.force_login(member)
    client.get(thread.get_absolute_url())
    reply = ReplyFactory(thread=thread, body="Namens het team.")
    Reply.objects.filter(pk=reply.pk).update(written_by=member)
    assert _jump_link(client.get(thread.get_absolute_url())) is None
