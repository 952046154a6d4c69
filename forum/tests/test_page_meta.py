"""
What a shared link and a search engine see of a page: its canonical address (the listing's page
without query noise), the description and the Open Graph card from the page's own text as plain
text, and ``noindex`` on what a visitor may not read.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from forum.tests.factories import ReplyFactory, ThemeFactory, ThreadFactory, UserFactory
from forum.tests.head import head_of


def absolute(path):
    return f"{settings.SITE_URL}{path}"


@pytest.fixture
def shared_thread(theme, user):
    body = "Mag een ambtenaar **zijn mening** geven & <iets> delen?\n\n" + "Lange tekst. " * 100
    return ThreadFactory(theme=theme, author=user, title="Vrijheid van meningsuiting", body=body)


def test_thread_page_has_canonical_description_and_open_graph(client, shared_thread):
    head = head_of(client.get(f"{shared_thread.get_absolute_url()}?quote=12&utm_source=x"))
    url = absolute(shared_thread.get_absolute_url())
    assert head.canonical() == url
    description = head.meta("description")
    assert description.startswith("Mag een ambtenaar zijn mening geven & <iets> delen? Lange tekst.")
    assert "**" not in description and len(description) <= 200 and description.endswith("…")
    assert head.meta("og:title") == "Vrijheid van meningsuiting"
    assert head.meta("og:description") == description
    assert head.meta("og:url") == url
    assert head.meta("og:type") == "article"
    assert head.meta("og:site_name") == "Ambtenaar 2.0"
    assert head.meta("robots") is None


def test_thread_pages_after_the_first_are_canonical_with_their_page(client, shared_thread, settings):
    settings.FORUM_REPLIES_PER_PAGE = 2
    authors = UserFactory.create_batch(2)
    for n in range(5):
        ReplyFactory(thread=shared_thread, author=authors[n % 2])
    path = shared_thread.get_absolute_url()
    head = head_of(client.get(f"{path}?page=2&utm_campaign=x"))
    assert head.canonical() == absolute(f"{path}?page=2")
    assert head.meta("og:url") == absolute(path)
    head = head_of(client.get(f"{path}?{urlencode({'sort': 'oldest', 'page': 3})}"))
    assert head.canonical() == absolute(f"{path}?sort=oldest&page=3")
    assert head_of(client.get(f"{path}?page=1")).canonical() == absolute(path)


def test_hidden_and_held_threads_are_noindex_without_a_card(client, hidden_thread, moderator, other_user, post):
    held = post.thread(other_user, ThemeFactory(is_premoderated=True))
    client.force_login(moderator)
    for thread in (hidden_thread, held):
        head = head_of(client.get(thread.get_absolute_url()))
        assert head.meta("robots") == "noindex"
        assert head.meta("og:title") is None and head.meta("og:description") is None
    client.force_login(other_user)  # its author sees the held thread, unindexed
    assert head_of(client.get(held.get_absolute_url())).meta("robots") == "noindex"


def test_theme_and_home_pages_are_canonical_without_filters(client, theme, thread):
    head = head_of(client.get(f"{theme.get_absolute_url()}?capacity=function"))
    assert head.canonical() == absolute(theme.get_absolute_url())
    assert head.meta("og:title") == theme.name
    assert head.meta("og:description") == theme.description
    assert head.meta("description") == theme.description
    head = head_of(client.get(f"{reverse('forum:home')}?capacity=function&page=2"))
    assert head.canonical() == absolute("/")
    assert head.meta("og:type") == "website"


def test_profiles_are_canonical_and_private_ones_noindex_without_a_card(client, user, other_user):
    user.profile_visibility = "public"
    user.save(update_fields=["profile_visibility"])
    path = reverse("accounts:profile", kwargs={"handle": user.handle})
    head = head_of(client.get(f"{path}?x=1"))
    assert head.canonical() == absolute(path)
    assert head.meta("og:title") == user.display_name and head.meta("og:type") == "profile"
    assert head.meta("robots") is None
    other_user.profile_visibility = "members"
    other_user.save(update_fields=["profile_visibility"])
    client.force_login(user)
    path = reverse("accounts:profile", kwargs={"handle": other_user.handle})
    head = head_of(client.get(path))
    assert head.canonical() == absolute(path)
    assert head.meta("robots") == "noindex" and head.meta("og:title") is None


def test_members_only_pages_are_noindex_without_a_card(user_client, user):
    theme = ThemeFactory(is_members_only=True)
    thread = ThreadFactory(theme=theme, author=user)
    for path in (thread.get_absolute_url(), theme.get_absolute_url()):
        head = head_of(user_client.get(path))
        assert head.meta("robots") == "noindex"
        assert head.canonical() == absolute(path)
        assert head.meta("og:title") is None and head.meta("og:description") is None
