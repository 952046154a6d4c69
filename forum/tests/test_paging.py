"""
The pages of a thread's replies: read from the nearer end of the thread, with the stored reply
count for members and visitors, so the last page of a long thread costs what the first costs.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum.models import Reply
from forum.pagination import EitherEndPaginator
from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory
from moderation import services as moderation_services

PER_PAGE = 3


@pytest.fixture
def replies(thread, settings):
    """Ten replies a minute apart, oldest first."""
    settings.FORUM_REPLIES_PER_PAGE = PER_PAGE
    start = timezone.now() - timedelta(days=1)
    return [ReplyFactory(thread=thread, created_at=start + timedelta(minutes=n)) for n in range(10)]


def shown(response):
    """The reply ids on a thread page, in page order."""
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'<article id="reactie-(\d+)"', response.content.decode())]


def expected(ordered, page):
    return [reply.pk for reply in ordered[(page - 1) * PER_PAGE : page * PER_PAGE]]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_every_page_holds_its_slice_in_both_orders(client, thread, replies, sort):
    """Pages from the start and from the end of the thread join up: each reply once, in order."""
    ordered = replies if sort == "oldest" else replies[::-1]
    url = thread.get_absolute_url()
    query = {"sort": "oldest"} if sort == "oldest" else {}
    for page in range(1, 5):
        assert shown(client.get(url, {**query, "page": page})) == expected(ordered, page)
    assert shown(client.get(url, {**query, "page": 99})) == expected(ordered, 4)  # past the end: the last page


def reply_queries(client, url, page):
    with CaptureQueriesContext(connection) as queries:
        shown(client.get(url, {"page": page}))
    return [query["sql"] for query in queries if 'FROM "forum_reply"' in query["sql"]]


def test_last_page_is_read_from_the_far_end_without_a_count(client, thread, replies):
    """The last page walks no OFFSET through the thread and counts nothing: the stored count says where it is."""
    url = thread.get_absolute_url()
    client.get(url)  # the first visit also counts the view
    assert shown(client.get(url, {"page": 4})) == [replies[0].pk]
    (last,) = reply_queries(client, url, 4)
    assert "COUNT(" not in last and "OFFSET" not in last
    assert '"created_at" ASC' in last and '"created_at" DESC' not in last  # the oldest, from that end
    (first,) = reply_queries(client, url, 1)
    assert "COUNT(" not in first and "OFFSET" not in first
    # A page inside the far half: the walk is a subquery of keys in the opposite order, from that
    # end; the rows themselves come back in the page's order.
    (inside,) = reply_queries(client, url, 3)
    assert "COUNT(" not in inside and '"created_at" ASC' in inside and '"created_at" DESC' in inside


def test_moderators_page_through_hidden_replies_too(client, thread, replies, moderator):
    """Moderators see hidden replies in place; their pages count them (the stored count does not)."""
    moderation_services.post_hide(acting_user=moderator, post=replies[0], reason="Spam")
    moderation_services.post_hide(acting_user=moderator, post=replies[5], reason="Spam")
    newest_first = replies[::-1]
    visitor = shown(Client().get(thread.get_absolute_url(), {"page": 3}))
    assert visitor == [reply.pk for reply in newest_first if reply.pk not in (replies[0].pk, replies[5].pk)][6:9]
    client.force_login(moderator)
    for page in range(1, 5):
        assert shown(client.get(thread.get_absolute_url(), {"page": page})) == expected(newest_first, page)


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_paginator_agrees_with_offset_paging(thread, replies, number):
    """Either end, the paginator gives what a plain OFFSET would."""
    queryset = Reply.objects.filter(thread=thread).order_by("-created_at", "-pk")
    page = EitherEndPaginator(queryset, PER_PAGE, count=len(replies)).page(number)
    assert [reply.pk for reply in page] == [reply.pk for reply in queryset[(number - 1) * PER_PAGE :][:PER_PAGE]]
    assert page.paginator.num_pages == 4 and page.has_next() == (number < 4)


def test_page_links_stand_around_the_current_page(client, thread, replies, settings):
    """Deep in a long thread the numbered links show the current page and its neighbours, not page 1's."""
    settings.FORUM_REPLIES_PER_PAGE = 1
    for _ in range(10):
        ReplyFactory(thread=thread, created_at=replies[0].created_at - timedelta(minutes=1))
    html = client.get(thread.get_absolute_url(), {"page": 12}).content.decode()
    current = re.search(r'<a class="page-link"\s+href="\?page=(\d+)"\s+aria-current="page">', html)
    assert current and current.group(1) == "12"
    assert 'href="?page=9"' in html and 'href="?page=15"' in html and 'href="?page=5"' not in html


def test_list_pages_number_their_links_around_the_current_page(client, theme, settings):
    """
    The shared pagination of the list pages (here the home page): deep in the list the numbered
    links show the current page and its neighbours, not page 1's.
    """
    settings.FORUM_THREADS_PER_PAGE = 1
    author = UserFactory()
    for _ in range(20):
        ThreadFactory(theme=theme, author=author)
    html = client.get(reverse("forum:home"), {"page": 12}).content.decode()
    current = re.search(r'<a class="page-link"\s+href="\?page=(\d+)[^"]*"\s+aria-current="page">', html)
    assert current and current.group(1) == "12"
    assert 'href="?page=9' in html and 'href="?page=15' in html and 'href="?page=5' not in html
