"""
The lists of discussions (issue 14): latest, most active, most viewed and unanswered, site-wide at
/discussies/ and per theme, paginated, each page a fixed number of queries.
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.choices import ThreadList
from forum.models import Status, Thread
from forum.tests.factories import ReplyFactory, ThemeFactory, ThreadFactory, UserFactory
from moderation import services as moderation_services

LISTS = list(ThreadList)


def list_url(kind: ThreadList, theme=None) -> str:
    if theme is None:
        return reverse("forum:lists") if kind == ThreadList.LATEST else reverse("forum:list", kwargs={"kind": kind})
    if kind == ThreadList.LATEST:
        return reverse("forum:theme", kwargs={"slug": theme.slug})
    return reverse("forum:theme_list", kwargs={"slug": theme.slug, "kind": kind})


def titles(response) -> list[str]:
    assert response.status_code == HTTPStatus.OK
    return [thread.title for thread in response.context["page_obj"].object_list]


def viewed(thread, count: int) -> None:
    Thread.objects.filter(pk=thread.pk).update(view_count=count)


def test_the_addresses_are_dutch_words():
    assert reverse("forum:lists") == "/discussies/"
    assert reverse("forum:list", kwargs={"kind": ThreadList.ACTIVE}) == "/discussies/actief/"
    assert reverse("forum:list", kwargs={"kind": ThreadList.VIEWED}) == "/discussies/bekeken/"
    assert reverse("forum:list", kwargs={"kind": ThreadList.UNANSWERED}) == "/discussies/onbeantwoord/"
    assert reverse("forum:theme_list", kwargs={"slug": "werk", "kind": "active"}) == "/thema/werk/actief/"


def test_latest_lists_pinned_first_then_by_latest_activity(client, theme, moderator):
    old = ThreadFactory(theme=theme, title="Oud", created_at=timezone.now() - timedelta(days=3))
    pinned = ThreadFactory(theme=theme, title="Vastgezet", created_at=timezone.now() - timedelta(days=9))
    moderation_services.thread_pin(acting_user=moderator, thread=pinned)
    ThreadFactory(theme=theme, title="Nieuw")
    ReplyFactory(thread=old)  # the old one moved last
    assert titles(client.get(list_url(ThreadList.LATEST))) == ["Vastgezet", "Oud", "Nieuw"]
    assert titles(client.get(list_url(ThreadList.LATEST, theme))) == ["Vastgezet", "Oud", "Nieuw"]


def test_most_active_counts_published_replies_of_the_last_30_days(client, theme, moderator):
    now = timezone.now()
    busy_long_ago = ThreadFactory(theme=theme, title="Vroeger druk")
    for _ in range(5):
        ReplyFactory(thread=busy_long_ago, created_at=now - timedelta(days=31))
    ReplyFactory(thread=busy_long_ago, created_at=now - timedelta(days=20))
    busy = ThreadFactory(theme=theme, title="Nu druk")
    for _ in range(3):
        ReplyFactory(thread=busy, created_at=now - timedelta(days=2))
    hidden_replies = ThreadFactory(theme=theme, title="Verborgen reacties")
    for _ in range(2):
        reply = ReplyFactory(thread=hidden_replies)
        moderation_services.post_hide(acting_user=moderator, post=reply, reason="Spam")
    ReplyFactory(thread=hidden_replies)
    ThreadFactory(theme=theme, title="Stil")

    expected = ["Nu druk", "Verborgen reacties", "Vroeger druk"]  # 3, 1 (two hidden), 1 (five too old)
    assert titles(client.get(list_url(ThreadList.ACTIVE))) == expected
    assert titles(client.get(list_url(ThreadList.ACTIVE, theme))) == expected
    page = client.get(list_url(ThreadList.ACTIVE)).context["page_obj"]
    assert [thread.recent_reply_count for thread in page.object_list] == [3, 1, 1]
    assert page.paginator.count == 3  # a discussion without replies in the period is not listed
    html = client.get(list_url(ThreadList.ACTIVE)).content.decode()
    assert "3 reacties in de afgelopen 30 dagen" in html and "1 reactie in de afgelopen 30 dagen" in html
    assert "De discussies met de meeste reacties in de afgelopen 30 dagen." in html
    assert "in de afgelopen 30 dagen" not in client.get(list_url(ThreadList.VIEWED)).content.decode()


def test_most_viewed_lists_the_most_views_first(client, theme):
    for title, views in [("Weinig", 3), ("Veel", 300), ("Geen", 0), ("Middel", 30)]:
        viewed(ThreadFactory(theme=theme, title=title), views)
    assert titles(client.get(list_url(ThreadList.VIEWED))) == ["Veel", "Middel", "Weinig", "Geen"]
    assert titles(client.get(list_url(ThreadList.VIEWED, theme))) == ["Veel", "Middel", "Weinig", "Geen"]


def test_unanswered_lists_discussions_without_a_published_reply_newest_first(client, theme, moderator):
    now = timezone.now()
    ThreadFactory(theme=theme, title="Oud zonder", created_at=now - timedelta(days=5))
    ReplyFactory(thread=ThreadFactory(theme=theme, title="Beantwoord"))
    only_hidden = ThreadFactory(theme=theme, title="Alleen verborgen", created_at=now - timedelta(days=1))
    moderation_services.post_hide(acting_user=moderator, post=ReplyFactory(thread=only_hidden), reason="Spam")
    ThreadFactory(theme=theme, title="Nieuw zonder")
    expected = ["Nieuw zonder", "Alleen verborgen", "Oud zonder"]
    assert titles(client.get(list_url(ThreadList.UNANSWERED))) == expected
    assert titles(client.get(list_url(ThreadList.UNANSWERED, theme))) == expected


def test_a_theme_lists_only_its_own_discussions_and_site_wide_lists_all(client, theme):
    elsewhere = ThemeFactory(name="Elders")
    ThreadFactory(theme=theme, title="Hier")
    ThreadFactory(theme=elsewhere, title="Daar")
    for kind in LISTS:
        if kind == ThreadList.ACTIVE:
            continue
        assert titles(client.get(list_url(kind, theme))) == ["Hier"]
        assert sorted(titles(client.get(list_url(kind)))) == ["Daar", "Hier"]


@pytest.mark.parametrize("kind", LISTS)
def test_hidden_and_held_discussions_are_in_no_list_but_a_moderators(client, theme, user, moderator, kind):
    for title in ("Zichtbaar", "Verborgen", "Wacht"):
        thread = ThreadFactory(theme=theme, title=title)
        if kind == ThreadList.ACTIVE:
            ReplyFactory(thread=thread)
    hidden = Thread.objects.get(title="Verborgen")
    moderation_services.post_hide(acting_user=moderator, post=hidden, reason="Vertrouwelijk")
    Thread.objects.filter(title="Wacht").update(status=Status.HELD)
    for url in (list_url(kind), list_url(kind, theme)):
        assert titles(client.get(url)) == ["Zichtbaar"]
        client.force_login(user)
        assert titles(client.get(url)) == ["Zichtbaar"]
        client.force_login(moderator)
        assert sorted(titles(client.get(url))) == ["Verborgen", "Wacht", "Zichtbaar"]
        client.logout()


@pytest.mark.parametrize("kind", LISTS)
def test_the_current_list_is_marked_and_the_others_are_links(client, theme, kind):
    for theme_or_none in (None, theme):
        response = client.get(list_url(kind, theme_or_none))
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert f'href="{list_url(kind, theme_or_none)}"\n                   aria-current="page"' in html
        for other in LISTS:
            assert f'href="{list_url(other, theme_or_none)}"' in html


def test_the_lists_are_paginated(client, theme, settings):
    settings.FORUM_THREADS_PER_PAGE = 2
    for views in range(5):
        viewed(ThreadFactory(theme=theme, title=f"Bekeken {views}"), views)
    url = list_url(ThreadList.VIEWED)
    assert titles(client.get(url)) == ["Bekeken 4", "Bekeken 3"]
    assert titles(client.get(url, {"page": 2})) == ["Bekeken 2", "Bekeken 1"]
    assert titles(client.get(url, {"page": 3})) == ["Bekeken 0"]
    html = client.get(url, {"page": 2}).content.decode()
    assert 'href="?page=3"' in html and 'href="?page=1"' in html  # the pages stay in the list


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "2.5", "\x00", "%00"])
def test_a_bad_page_number_shows_a_page_of_the_list(client, theme, page):
    ThreadFactory(theme=theme, title="Enige")
    for kind in LISTS:
        if kind == ThreadList.ACTIVE:
            continue
        assert titles(client.get(list_url(kind), {"page": page})) == ["Enige"]
        assert titles(client.get(list_url(kind, theme), {"page": page})) == ["Enige"]


@pytest.mark.parametrize(
    "path", ["/discussies/onzin/", "/discussies/recent/", "/discussies/ACTIEF/", "/discussies/actief/x/"]
)
def test_an_unknown_list_is_not_found(client, theme, path):
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND
    theme_path = path.replace("/discussies/", f"/thema/{theme.slug}/")
    assert client.get(theme_path).status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_theme_is_not_found(client, db):
    assert client.get("/thema/bestaat-niet/actief/").status_code == HTTPStatus.NOT_FOUND


def test_the_capacity_filter_applies_to_the_lists_and_stays_when_switching(client, theme):
    ThreadFactory(theme=theme, title="Persoonlijk")
    response = client.get(list_url(ThreadList.VIEWED), {"capacity": "function"})
    assert titles(response) == []
    assert f'href="{list_url(ThreadList.UNANSWERED)}?capacity=function"' in response.content.decode()
    assert titles(client.get(list_url(ThreadList.VIEWED), {"capacity": "onzin"})) == ["Persoonlijk"]


def test_the_lists_are_linked_from_the_header_and_the_home_page(client, db):
    html = client.get(reverse("forum:home")).content.decode()
    assert f'href="{reverse("forum:lists")}"' in html
    for kind in (ThreadList.ACTIVE, ThreadList.VIEWED, ThreadList.UNANSWERED):
        assert f'href="{list_url(kind)}"' in html


def test_the_lists_speak_dutch_and_english(client, db):
    html = client.get(list_url(ThreadList.UNANSWERED)).content.decode()
    assert "Onbeantwoord" in html and "Meest bekeken" in html and "Meest actief" in html
    client.cookies["django_language"] = "en"
    html = client.get(list_url(ThreadList.UNANSWERED)).content.decode()
    assert "Unanswered" in html and "Most viewed" in html and "Most active" in html


# A fixed number of queries per page ------------------------------------------------------------


def make_threads(theme, count: int) -> None:
    """``count`` discussions by a few authors, each with a reply in the last days and views."""
    authors = [UserFactory() for _ in range(3)]
    for number in range(count):
        thread = ThreadFactory(theme=theme, author=authors[number % 3])
        viewed(thread, number)
        if number % 2:
            ReplyFactory(thread=thread, author=authors[(number + 1) % 3])


# A visitor: the page's rows and their count (the theme page: and the theme). A member: also the
# member with their standing (the session comes from the cache); the theme page asks whether they
# follow the theme.
EXPECTED_QUERIES = {("visitor", False): 2, ("visitor", True): 3, ("member", False): 3, ("member", True): 5}


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("in_theme", [False, True], ids=["site-wide", "theme"])
def test_each_list_costs_the_same_queries_with_3_or_30_discussions(
    client, theme, who, in_theme, settings, django_assert_num_queries
):
    settings.FORUM_THREADS_PER_PAGE = 30
    ThemeFactory(is_members_only=True)  # what a visitor may not see is left out in the same query
    if who == "member":
        client.force_login(UserFactory())
    expected = EXPECTED_QUERIES[who, in_theme]
    for count in (3, 30):
        make_threads(theme, count - Thread.objects.count())
        for kind in LISTS:
            url = list_url(kind, theme if in_theme else None)
            client.get(url)  # the session and caches as on any later page
            with django_assert_num_queries(expected):
                response = client.get(url)
            answered = Thread.objects.filter(reply_count__gt=0).count()
            listed = {ThreadList.ACTIVE: answered, ThreadList.UNANSWERED: count - answered}.get(kind, count)
            assert len(response.context["page_obj"].object_list) == listed


@pytest.mark.parametrize("kind", LISTS)
def test_each_list_is_its_own_canonical_address(client, theme, kind, settings):
    for theme_or_none in (None, theme):
        response = client.get(list_url(kind, theme_or_none), {"capacity": "function"})
        html = response.content.decode()
        assert f'<link rel="canonical" href="{settings.SITE_URL}{list_url(kind, theme_or_none)}">' in html


@pytest.mark.parametrize("kind", LISTS)
def test_members_only_discussions_are_listed_for_members_only(client, theme, user, kind):
    closed = ThemeFactory(name="Binnenkamer", slug="binnenkamer", is_members_only=True)
    for in_theme, title in ((theme, "Open"), (closed, "Binnen")):
        thread = ThreadFactory(theme=in_theme, title=title)
        if kind == ThreadList.ACTIVE:
            ReplyFactory(thread=thread)
    assert titles(client.get(list_url(kind))) == ["Open"]
    response = client.get(list_url(kind, closed))  # a visitor is asked to log in
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(user)
    assert sorted(titles(client.get(list_url(kind)))) == ["Binnen", "Open"]
    assert titles(client.get(list_url(kind, closed))) == ["Binnen"]
