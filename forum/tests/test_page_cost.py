"""
What the thread page costs, as far as a test can tell without a clock: the same number of
queries whatever the number of replies on it, and the parts that are the same for every viewer
rendered once, not on every request (forum/cooked.py). Time is measured by the benchmark
(`make bench`, docs/benchmarks.md), on the benchmark's data and machine.

Until issue 13 this module counted Python function calls per reply, a budget that held the
reply card as a Python template tag; the card is a template now (forum/_reply_card.html).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import services
from forum.tests.factories import ReplyFactory, UserFactory

PER_PAGE = 20
KEPT = {"forum/_byline.html", "forum/_author_badges.html"}


@pytest.fixture
def replies(thread, settings):
    """A full page of replies by other members, the newest appreciated by one of them."""
    settings.FORUM_REPLIES_PER_PAGE = PER_PAGE
    authors = [UserFactory() for _ in range(4)]
    made = [ReplyFactory(thread=thread, author=authors[n % 4]) for n in range(PER_PAGE)]
    services.reaction_toggle(member=authors[1], post=made[-1])
    return made


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_the_thread_page_costs_the_same_queries_for_ten_or_twenty_replies(
    viewer, client, user_client, thread, replies, settings
):
    client = user_client if viewer == "member" else client
    url = thread.get_absolute_url()
    client.get(url)
    full = _queries(client, url)
    settings.FORUM_REPLIES_PER_PAGE = PER_PAGE // 2
    assert _queries(client, url) == full


@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_the_parts_the_same_for_everyone_are_rendered_once(viewer, client, user_client, thread, replies):
    """Bylines and badges of the article and the replies: rendered by the first request, then kept."""
    client = user_client if viewer == "member" else client
    url = thread.get_absolute_url()
    first = client.get(url)
    assert sum(template.name in KEPT for template in first.templates) == 2 * (PER_PAGE + 1)
    again = client.get(url)
    assert not KEPT & {template.name for template in again.templates}
