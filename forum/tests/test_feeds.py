"""
RSS and Atom feeds: valid XML with the public discussions and replies, never a hidden or held one,
the post's sanitised HTML (never its Markdown source) shortened, erased members as "former member",
and a fixed number of queries whatever the number of items.
"""

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import privacy
from forum.models import Thread
from forum.tests.factories import ReplyFactory, ThemeFactory, ThreadFactory, UserFactory
from forum.tests.head import head_of

ATOM = "{http://www.w3.org/2005/Atom}"


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, ET.fromstring(response.content)  # noqa: S314 (the site's own feed)


def rss_items(root):
    return [
        {
            "title": item.findtext("title"),
            "link": item.findtext("link"),
            "description": item.findtext("description").strip(),
            "author": item.findtext("{http://purl.org/dc/elements/1.1/}creator"),
        }
        for item in root.iter("item")
    ]


def atom_entries(root):
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary").strip(),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


@pytest.fixture
def premoderated(db):
    return ThemeFactory(is_premoderated=True)


def test_site_feed_lists_public_threads_with_their_text_not_hidden_or_held(
    client, theme, thread, hidden_thread, premoderated, other_user, post
):
    held = post.thread(other_user, premoderated)
    assert held.is_held
    response, root = fetch(client, reverse("forum:feed_rss"))
    assert response["Content-Type"].startswith("application/rss+xml")
    items = rss_items(root)
    assert [item["title"] for item in items] == [thread.title]
    assert items[0]["link"] == f"{settings.SITE_URL}{thread.get_absolute_url()}"
    assert items[0]["description"] == thread.body_html.strip()
    assert root.find("channel/link").text == f"{settings.SITE_URL}/"

    response, root = fetch(client, reverse("forum:feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = atom_entries(root)
    assert [entry["title"] for entry in entries] == [thread.title]
    assert entries[0]["link"] == f"{settings.SITE_URL}{thread.get_absolute_url()}"
    assert entries[0]["author"] == thread.author.display_name


def test_feed_text_is_the_sanitised_html_shortened_never_the_markdown(client, theme, user):
    long_text = "**Open** data <script>alert(1)</script> " + "woord " * 2000
    ThreadFactory(theme=theme, author=user, title="Lang verhaal", body=long_text)
    _, root = fetch(client, reverse("forum:feed_rss"))
    description = rss_items(root)[0]["description"]
    assert description.startswith("<p><strong>Open</strong> data &lt;script&gt;")
    assert "**" not in description and "<script>" not in description
    assert len(description) <= 1600
    assert description.endswith("…</p>")


def test_theme_feed_has_only_that_themes_public_threads(client, theme, thread, hidden_thread, user):
    elsewhere = ThreadFactory(theme=ThemeFactory(), author=user)
    for url in (reverse("forum:theme_feed_rss", kwargs={"slug": theme.slug}),):
        _, root = fetch(client, url)
        assert [item["title"] for item in rss_items(root)] == [thread.title]
        assert elsewhere.title not in [item["title"] for item in rss_items(root)]
    _, root = fetch(client, reverse("forum:theme_feed_atom", kwargs={"slug": theme.slug}))
    assert [entry["title"] for entry in atom_entries(root)] == [thread.title]
    assert client.get(reverse("forum:theme_feed_rss", kwargs={"slug": "bestaat-niet"})).status_code == 404


def test_thread_feed_has_its_published_replies_not_hidden_or_held_ones(
    client, thread, reply, hidden_reply, premoderated, other_user, post
):
    held_thread = ThreadFactory(theme=premoderated, author=other_user)
    held_reply = post(UserFactory(), held_thread, body="Wacht op goedkeuring.")
    assert held_reply.is_held
    _, root = fetch(client, reverse("forum:thread_feed_rss", kwargs={"pk": thread.pk}))
    items = rss_items(root)
    assert [item["link"] for item in items] == [f"{settings.SITE_URL}{reply.get_absolute_url()}"]
    assert items[0]["description"] == reply.body_html.strip()
    _, root = fetch(client, reverse("forum:thread_feed_atom", kwargs={"pk": thread.pk}))
    assert [entry["summary"] for entry in atom_entries(root)] == [reply.body_html.strip()]
    # The held reply's thread is public; its feed shows nothing of the held reply.
    _, root = fetch(client, reverse("forum:thread_feed_rss", kwargs={"pk": held_thread.pk}))
    assert rss_items(root) == []


def test_no_feed_of_a_hidden_or_held_thread(client, hidden_thread, premoderated, other_user, post):
    held = post.thread(other_user, premoderated)
    for thread in (hidden_thread, held):
        for name in ("forum:thread_feed_rss", "forum:thread_feed_atom"):
            assert client.get(reverse(name, kwargs={"pk": thread.pk})).status_code == 404


def test_feeds_are_public_whoever_asks(client, theme, thread, hidden_thread, moderator):
    """A moderator's feed reader gets what everyone gets: no hidden thread slips into a shared feed."""
    client.force_login(moderator)
    _, root = fetch(client, reverse("forum:feed_rss"))
    assert [item["title"] for item in rss_items(root)] == [thread.title]
    assert client.get(reverse("forum:thread_feed_rss", kwargs={"pk": hidden_thread.pk})).status_code == 404


def test_erased_member_is_a_former_member_in_feeds(client, theme, other_user):
    author = UserFactory(display_name="Jan Jansen")
    erased_thread = ThreadFactory(theme=theme, author=author, title="Over open data")
    ReplyFactory(thread=erased_thread, author=author)
    privacy.member_close_account(member=author)
    for url in (reverse("forum:feed_rss"), reverse("forum:thread_feed_rss", kwargs={"pk": erased_thread.pk})):
        content = client.get(url).content.decode()
        assert "Jan Jansen" not in content
    _, root = fetch(client, reverse("forum:feed_atom"))
    assert atom_entries(root)[0]["author"] == "voormalig lid"
    _, root = fetch(client, reverse("forum:thread_feed_rss", kwargs={"pk": erased_thread.pk}))
    assert rss_items(root)[0]["title"] == "Reactie van voormalig lid"


@pytest.mark.parametrize(
    ("name", "kwargs", "queries"),
    [
        ("forum:feed_rss", None, 1),
        ("forum:feed_atom", None, 1),
        ("forum:theme_feed_rss", "theme", 2),
        ("forum:theme_feed_atom", "theme", 2),
        ("forum:thread_feed_rss", "thread", 2),
        ("forum:thread_feed_atom", "thread", 2),
    ],
)
def test_each_feed_costs_a_fixed_number_of_queries(client, django_assert_num_queries, theme, name, kwargs, queries):
    authors = UserFactory.create_batch(3)
    threads = [ThreadFactory(theme=theme, author=authors[n % 3]) for n in range(2)]
    for n in range(2):
        ReplyFactory(thread=threads[0], author=authors[n % 3])
    args = {"theme": {"slug": theme.slug}, "thread": {"pk": threads[0].pk}, None: None}[kwargs]
    url = reverse(name, kwargs=args)
    client.get(url)  # anything the first request of a process reads once (the site settings) is read
    with django_assert_num_queries(queries):
        client.get(url)
    for _ in range(5):  # more items, each by an author of its own
        ThreadFactory(theme=theme, author=UserFactory())
        ReplyFactory(thread=threads[0], author=UserFactory())
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert Thread.objects.count() == 7


RSS_TYPE, ATOM_TYPE = "application/rss+xml", "application/atom+xml"


def test_pages_name_their_feeds(client, theme, thread):
    assert head_of(client.get(reverse("forum:home"))).alternates() == {
        RSS_TYPE: reverse("forum:feed_rss"),
        ATOM_TYPE: reverse("forum:feed_atom"),
    }
    assert head_of(client.get(theme.get_absolute_url())).alternates() == {
        RSS_TYPE: reverse("forum:theme_feed_rss", kwargs={"slug": theme.slug}),
        ATOM_TYPE: reverse("forum:theme_feed_atom", kwargs={"slug": theme.slug}),
    }
    assert head_of(client.get(thread.get_absolute_url())).alternates() == {
        RSS_TYPE: reverse("forum:thread_feed_rss", kwargs={"pk": thread.pk}),
        ATOM_TYPE: reverse("forum:thread_feed_atom", kwargs={"pk": thread.pk}),
    }


def test_a_hidden_thread_names_no_feed(client, hidden_thread, moderator):
    client.force_login(moderator)
    assert head_of(client.get(hidden_thread.get_absolute_url())).alternates() == {}


@pytest.fixture
def members_only_thread(db, user):
    theme = ThemeFactory(name="Binnenkamer", slug="binnenkamer", is_members_only=True)
    thread = ThreadFactory(theme=theme, author=user, title="Alleen voor leden")
    ReplyFactory(thread=thread, author=UserFactory(), body="Vertrouwelijk antwoord.")
    return thread


def test_members_only_threads_are_in_no_feed(client, thread, members_only_thread, user):
    """Feeds are public: a members-only theme's discussions never appear, not even for a member's reader."""
    client.force_login(user)
    for name in ("forum:feed_rss", "forum:feed_atom"):
        content = client.get(reverse(name)).content.decode()
        assert thread.title in content
        assert "Alleen voor leden" not in content and "Binnenkamer" not in content
    slug = members_only_thread.theme.slug
    for name in ("forum:theme_feed_rss", "forum:theme_feed_atom"):
        assert client.get(reverse(name, kwargs={"slug": slug})).status_code == 404
    for name in ("forum:thread_feed_rss", "forum:thread_feed_atom"):
        assert client.get(reverse(name, kwargs={"pk": members_only_thread.pk})).status_code == 404


def test_members_only_pages_name_no_feed(user_client, members_only_thread):
    assert head_of(user_client.get(members_only_thread.get_absolute_url())).alternates() == {}
    assert head_of(user_client.get(members_only_thread.theme.get_absolute_url())).alternates() == {}
