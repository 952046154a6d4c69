"""
sitemap.xml and robots.txt: the public themes and discussions with their last activity, never a
hidden or held discussion; robots.txt keeps search engines out of members' own pages, the
moderators' pages and the administration, and names the sitemap by the site's own address.
"""

import xml.etree.ElementTree as ET
from urllib.robotparser import RobotFileParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from forum import sitemaps
from forum.tests.factories import ThemeFactory, ThreadFactory

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)  # noqa: S314 (the site's own sitemap)
    return {element.findtext(f"{NS}loc"): element.findtext(f"{NS}lastmod") for element in root}


def sitemap_urls(client):
    """Every address of every page of every section the index lists."""
    urls = {}
    for section in locations(client, reverse("forum:sitemap")):
        urls |= locations(client, section.removeprefix("http://testserver"))
    return urls


def test_sitemap_lists_public_themes_and_threads_never_hidden_or_held(client, theme, thread, hidden_thread, user, post):
    premoderated = ThemeFactory(is_premoderated=True)
    held = post.thread(user, premoderated)
    assert held.is_held
    urls = sitemap_urls(client)
    assert f"http://testserver{theme.get_absolute_url()}" in urls
    assert f"http://testserver{premoderated.get_absolute_url()}" in urls
    thread_url = f"http://testserver{thread.get_absolute_url()}"
    assert urls[thread_url] == timezone.localdate(thread.last_activity_at).isoformat()
    assert f"http://testserver{hidden_thread.get_absolute_url()}" not in urls
    assert f"http://testserver{held.get_absolute_url()}" not in urls


def test_large_sitemaps_are_split_into_pages_by_the_index(client, theme, user, monkeypatch):
    monkeypatch.setattr(sitemaps.ThreadSitemap, "limit", 2)
    threads = [ThreadFactory(theme=theme, author=user) for _ in range(5)]
    index = locations(client, reverse("forum:sitemap"))
    thread_pages = [url for url in index if "threads" in url]
    assert len(thread_pages) == 3
    urls = sitemap_urls(client)
    assert all(f"http://testserver{thread.get_absolute_url()}" in urls for thread in threads)


def test_sitemap_costs_a_fixed_number_of_queries(client, theme, user, django_assert_num_queries):
    for _ in range(3):
        ThreadFactory(theme=theme, author=user)
    section = reverse("forum:sitemap_section", kwargs={"section": "threads"})
    client.get(section)
    with django_assert_num_queries(2):  # the count and the page
        client.get(section)
    with django_assert_num_queries(4):  # each section's count, the threads' latest activity
        client.get(reverse("forum:sitemap"))
    for _ in range(5):
        ThreadFactory(theme=theme, author=user)
    with django_assert_num_queries(2):
        client.get(section)


@pytest.fixture
def robots(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    parser = RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return parser, response.content.decode()


def test_robots_keeps_crawlers_out_of_personal_moderation_and_account_pages(robots, thread, user):
    parser, text = robots
    for path in (
        reverse("account_login"),
        reverse("account_signup"),
        reverse("moderation:moderation_queue"),
        reverse("moderation:moderation_log"),
        reverse("notifications:list"),
        reverse("accounts:my_data"),
        reverse("accounts:profile_edit"),
        reverse("admin:index"),
        f"{reverse('search:results')}?q=ambtenaar",
    ):
        assert not parser.can_fetch("*", f"{settings.SITE_URL}{path}"), path
    for path in (
        "/",
        thread.get_absolute_url(),
        thread.theme.get_absolute_url(),
        reverse("accounts:profile", kwargs={"handle": user.handle}),
        reverse("forum:feed_rss"),
    ):
        assert parser.can_fetch("*", f"{settings.SITE_URL}{path}"), path
    assert f"Sitemap: {settings.SITE_URL}{reverse('forum:sitemap')}" in text.splitlines()


def test_members_only_themes_and_threads_are_not_in_the_sitemap(client, thread, user):
    members_only = ThemeFactory(name="Binnenkamer", slug="binnenkamer", is_members_only=True)
    closed = ThreadFactory(theme=members_only, author=user)
    client.force_login(user)  # a member asking gets the same public sitemap
    urls = sitemap_urls(client)
    assert f"http://testserver{thread.get_absolute_url()}" in urls
    assert f"http://testserver{members_only.get_absolute_url()}" not in urls
    assert f"http://testserver{closed.get_absolute_url()}" not in urls
