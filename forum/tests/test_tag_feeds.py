"""
A tag's feeds, its place in the sitemap and its page's head: only discussions a visitor may read
carry it there, and a tag that is only on hidden, held or members-only discussions has no feed, is
not in the sitemap and its page (for the members who may see it) is noindex.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from forum import services
from forum.models import Tag, ThreadTag
from forum.tests.factories import ThemeFactory, ThreadFactory, UserFactory
from forum.tests.head import head_of
from forum.tests.test_feeds import atom_entries, fetch, rss_items
from forum.tests.test_sitemap import sitemap_urls


def tag(name):
    return Tag.objects.create(name=name, slug=services.tags.tag_slug(name))


def tagged(thread, *tags):
    for each in tags:
        ThreadTag.objects.create(content_object=thread, tag=each)
    return thread


@pytest.fixture
def woo(db):
    return tag("woo")


def test_tag_feed_lists_its_public_threads_only(client, theme, user, woo, hidden_thread):
    public = tagged(ThreadFactory(theme=theme, author=user, title="Woo-verzoeken"), woo)
    tagged(hidden_thread, woo)
    ThreadFactory(theme=theme, author=user, title="Zonder tag")
    closed = tagged(ThreadFactory(theme=ThemeFactory(is_members_only=True), author=user, title="Binnenkamer"), woo)
    assert closed
    _, root = fetch(client, reverse("forum:tag_feed_rss", kwargs={"slug": woo.slug}))
    items = rss_items(root)
    assert [item["title"] for item in items] == ["Woo-verzoeken"]
    assert items[0]["link"] == f"{settings.SITE_URL}{public.get_absolute_url()}"
    assert [category.text for category in root.iter("category")] == [theme.name, "woo"]
    _, root = fetch(client, reverse("forum:tag_feed_atom", kwargs={"slug": woo.slug}))
    assert [entry["title"] for entry in atom_entries(root)] == ["Woo-verzoeken"]


def test_a_tag_only_on_hidden_or_members_only_threads_has_no_feed(client, theme, user, woo, hidden_thread):
    secret = tag("geheim")
    tagged(hidden_thread, woo)
    tagged(ThreadFactory(theme=ThemeFactory(is_members_only=True), author=user), secret)
    for each in (woo, secret):
        for name in ("forum:tag_feed_rss", "forum:tag_feed_atom"):
            assert client.get(reverse(name, kwargs={"slug": each.slug})).status_code == 404


def test_sitemap_lists_public_tags_only(client, theme, user, woo, hidden_thread):
    secret = tag("geheim")
    tagged(ThreadFactory(theme=theme, author=user), woo)
    tagged(hidden_thread, secret)
    urls = sitemap_urls(client)
    assert f"http://testserver{woo.get_absolute_url()}" in urls
    assert f"http://testserver{secret.get_absolute_url()}" not in urls


def test_tag_page_names_its_feed_and_canonical_address(client, theme, user, woo):
    tagged(ThreadFactory(theme=theme, author=user), woo)
    head = head_of(client.get(f"{woo.get_absolute_url()}?utm_source=x"))
    assert head.alternates() == {
        "application/rss+xml": reverse("forum:tag_feed_rss", kwargs={"slug": woo.slug}),
        "application/atom+xml": reverse("forum:tag_feed_atom", kwargs={"slug": woo.slug}),
    }
    assert head.canonical() == f"{settings.SITE_URL}{woo.get_absolute_url()}"
    assert head.meta("og:title") == "Discussies met de tag “woo”"
    assert head.meta("robots") is None


def test_a_members_only_tag_page_is_noindex_without_feed(user_client, user, woo):
    tagged(ThreadFactory(theme=ThemeFactory(is_members_only=True), author=user), woo)
    head = head_of(user_client.get(woo.get_absolute_url()))
    assert head.meta("robots") == "noindex"
    assert head.alternates() == {} and head.meta("og:title") is None


def test_tag_feed_costs_a_fixed_number_of_queries(client, theme, woo, django_assert_num_queries):
    for _ in range(2):
        tagged(ThreadFactory(theme=theme, author=UserFactory()), woo, tag(f"extra{_}"))
    url = reverse("forum:tag_feed_rss", kwargs={"slug": woo.slug})
    client.get(url)
    with django_assert_num_queries(2):  # the tag, the threads with their tags
        client.get(url)
    for n in range(5):
        tagged(ThreadFactory(theme=theme, author=UserFactory()), woo, tag(f"meer{n}"))
    with django_assert_num_queries(2):
        response = client.get(url)
    assert len(rss_items(fetch(client, url)[1])) == 7
    assert response.status_code == 200
