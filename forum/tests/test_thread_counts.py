"""The home page's counts come from the shared cache and follow every change at once."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from forum import selectors, services
from moderation import services as moderation_services

from .factories import ThreadFactory

pytestmark = pytest.mark.django_db


def _theme_count(client, theme) -> int:
    page = client.get(reverse("forum:home")).content.decode()
    found = re.search(rf">{re.escape(theme.name)}</a>\s*<span[^>]*>\((\d+)\)</span>", page)
    assert found, f"no count for {theme.name} on the home page"
    return int(found.group(1))


def test_the_theme_counts_follow_new_hidden_moved_and_restored_threads(client, theme, user, moderator):
    from .factories import ThemeFactory

    ThreadFactory(theme=theme)
    assert _theme_count(client, theme) == 1  # counted, and now cached
    thread = services.thread_create(author=user, theme=theme, title="Nieuw", body="Tekst")
    assert _theme_count(client, theme) == 2
    moderation_services.post_hide(acting_user=moderator, post=thread, reason="Dubbel")
    assert _theme_count(client, theme) == 1
    moderation_services.post_restore(acting_user=moderator, post=thread)
    other = ThemeFactory()
    moderation_services.thread_move(acting_user=moderator, thread=thread, theme=other)
    assert (_theme_count(client, theme), _theme_count(client, other)) == (1, 1)


def test_the_home_page_count_leaves_pinned_threads_out(theme, moderator):
    threads = [ThreadFactory(theme=theme) for _ in range(3)]
    assert selectors.listed_thread_count(AnonymousUser()) == 3
    moderation_services.thread_pin(acting_user=moderator, thread=threads[0])
    assert selectors.listed_thread_count(AnonymousUser()) == 2


def test_the_home_pages_are_numbered_from_the_cached_count(client, theme, settings):
    settings.FORUM_THREADS_PER_PAGE = 2
    for number in range(5):
        ThreadFactory(theme=theme, title=f"Discussie nummer {number}")
    page = client.get(reverse("forum:home"), {"page": 3}).content.decode()
    assert "Discussie nummer 0" in page  # the oldest, alone on the last page
    assert "?page=4" not in page
