"""
What the thread page costs in Python, counted in function calls (machine-independent, unlike
time): a regression guard for issue 6. The bounds leave some room above today's figures; a change
that brings back an included template or a few template tags per reply crosses them.
"""

import sys

import pytest

from forum import services
from forum.tests.factories import ReplyFactory, UserFactory

PER_PAGE = 20


def _calls(client, url):
    """Python function calls (and calls of built-in functions) of one request."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        response = client.get(url)
    finally:
        sys.setprofile(None)
    assert response.status_code == 200
    return count


@pytest.fixture
def replies(thread, settings):
    """A full page of replies by other members, the newest appreciated by one of them."""
    settings.FORUM_REPLIES_PER_PAGE = PER_PAGE
    settings.FORUM_PAGE_CACHE = False  # the view itself, also for visitors
    authors = [UserFactory() for _ in range(4)]
    made = [ReplyFactory(thread=thread, author=authors[n % 4]) for n in range(PER_PAGE)]
    services.reaction_toggle(member=authors[1], post=made[-1])
    return made


def test_a_members_thread_page_in_python_calls(user_client, thread, replies, settings):
    """A member's page: 20 replies with appreciation forms, the reply form (some 55,400 calls, 800 a reply)."""
    url = thread.get_absolute_url()
    for _ in range(2):
        user_client.get(url)
    full = _calls(user_client, url)
    settings.FORUM_REPLIES_PER_PAGE = PER_PAGE // 2
    half = _calls(user_client, url)
    per_reply = (full - half) / (PER_PAGE // 2)
    # Before the reply blocks became template tags (b74b1e0): some 88,500 calls, 1,930 per reply.
    assert full < 62_000 and per_reply < 900, (full, per_reply)


def test_a_visitors_thread_page_in_python_calls(client, thread, replies, settings):
    """A visitor's page, rendered (the page cache off): some 35,700 calls, 560 a reply."""
    url = thread.get_absolute_url()
    for _ in range(2):
        client.get(url)
    full = _calls(client, url)
    settings.FORUM_REPLIES_PER_PAGE = PER_PAGE // 2
    half = _calls(client, url)
    per_reply = (full - half) / (PER_PAGE // 2)
    # Before (b74b1e0): some 43,800 calls, 860 per reply.
    assert full < 40_000 and per_reply < 640, (full, per_reply)
