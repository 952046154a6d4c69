"""
The home page with its kept parts (forum/cooked.py, forum/versions.py): the list of discussions
a visitor sees, the lines of each discussion, the themes and the latest activity are kept in the
cache a few seconds, and every change made on the site shows on the next request all the same.
"""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ProfileVisibility
from forum import services
from forum.models import Thread
from forum.tests.factories import ThemeFactory, ThreadFactory, UserFactory
from moderation import services as moderation_services


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` a change, then what follows its commit, as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def home(client=None):
    response = (client or Client()).get(reverse("forum:home"))
    assert response.status_code == HTTPStatus.OK
    return " ".join(response.content.decode().split())


def line_of(html, thread):
    """The list item of ``thread`` in the latest discussions."""
    latest = html.split('id="latest-title"', 1)[1]
    match = re.search(rf'<li class="thread-item[^"]*">(?:(?!</li>).)*?{re.escape(thread.title)}.*?</li>', latest)
    return match.group() if match else ""


@pytest.fixture
def listed(theme, user):
    return ThreadFactory(theme=theme, author=user, title="Bewaarde discussie")


def test_a_new_thread_and_a_new_reply_show_at_once(listed, user, other_user, theme, committed):
    home()
    with committed():
        services.reply_create(author=other_user, thread=listed, body="Een nieuwe reactie.")
    assert "1 reactie" in line_of(home(), listed)
    with committed():
        services.thread_create(author=user, theme=theme, title="Heel nieuwe discussie", body="Wat vinden jullie?")
    assert "Heel nieuwe discussie" in home()


def test_hiding_locking_and_moving_show_at_once(listed, moderator, committed):
    home()
    with committed():
        moderation_services.thread_lock(acting_user=moderator, thread=listed, reason="Afgerond")
    assert "Gesloten" in line_of(home(), listed)
    other = ThemeFactory(name="Ander thema")
    with committed():
        moderation_services.thread_move(acting_user=moderator, thread=listed, theme=other)
    assert "Ander thema" in line_of(home(), listed)
    with committed():
        moderation_services.post_hide(acting_user=moderator, post=listed, reason="Spam")
    assert "Bewaarde discussie" not in home()


def test_a_renamed_author_shows_at_once(listed, user, committed):
    home()
    user.display_name = "Nieuwe Naam"
    with committed():
        user.save()
    assert "door Nieuwe Naam" in line_of(home(), listed)


def test_a_new_member_shows_in_the_latest_activity_at_once(listed, committed):
    home()
    with committed():
        UserFactory(display_name="Net Lid", profile_visibility=ProfileVisibility.PUBLIC)
    assert "Net Lid" in home()


def test_the_view_count_in_lists_may_lag_but_the_stored_count_is_exact(listed):
    home()
    for _ in range(3):
        assert Client().get(listed.get_absolute_url()).status_code == HTTPStatus.OK
    assert Thread.objects.get(pk=listed.pk).view_count == listed.view_count + 3


def test_a_visitor_list_comes_from_the_cache_members_get_their_own_markers(listed):
    home()
    with CaptureQueriesContext(connection) as captured:
        html = home()
    assert "Bewaarde discussie" in html
    lists = [query for query in captured if "last_activity_at" in query["sql"] and "ORDER BY" in query["sql"]]
    assert len(lists) == 1  # the pinned discussions; the latest come from the cache
    member = UserFactory(date_joined=listed.created_at - timedelta(days=1))
    client = Client()
    client.force_login(member)
    assert "thread-item--unread" in line_of(home(client), listed)
    assert "thread-item--unread" not in home()


def test_a_member_page_does_not_save_the_session_again(user):
    """Known terms are written to the session once, not after every page (an UPDATE and a commit each)."""
    client = Client()
    client.force_login(user)
    home(client)
    with CaptureQueriesContext(connection) as captured:
        home(client)
    assert not [query for query in captured if "django_session" in query["sql"]]


def test_the_language_of_kept_parts_follows_the_visitor(listed):
    home()
    client = Client()
    client.cookies["django_language"] = "en"
    html = home(client)
    assert "Latest discussions" in html and "Laatste discussies" not in html
    assert "by " in line_of(html, listed)


def test_a_renamed_theme_and_its_count_show_at_once(listed, theme, user, committed):
    home()
    theme.name = "Hernoemd thema"
    with committed():
        theme.save()
    assert 'Hernoemd thema</a> <span class="text-body-secondary">(1)</span>' in home()
    with committed():
        services.thread_create(author=user, theme=theme, title="Tweede discussie", body="Wat vinden jullie?")
    assert 'Hernoemd thema</a> <span class="text-body-secondary">(2)</span>' in home()
