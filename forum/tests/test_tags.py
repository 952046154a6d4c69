"""
Tags on threads: chosen on the thread forms from existing ones (new ones only by members with
enough published posts), normalised, shown on thread pages, in lists and on theme pages, each with
a page of its discussions; moderators rename and merge them, logged. Nobody sees a tag through a
thread they may not see.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum import selectors, services
from forum.models import Tag, Thread, ThreadTag

from .factories import ModeratorFactory, ReplyFactory, ThemeFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


def tag(name):
    return Tag.objects.create(name=name, slug=services.tags.tag_slug(name))


def tagged(thread, *tags):
    for each in tags:
        ThreadTag.objects.create(content_object=thread, tag=each)
    return thread


def tag_names(thread):
    return sorted(thread.thread_tags.values_list("tag__name", flat=True))


@pytest.fixture
def experienced(db, theme, settings):
    """A member with enough published posts to add new tags."""
    settings.FORUM_TAG_CREATE_MIN_POSTS = 3
    member = UserFactory()
    ThreadFactory(theme=theme, author=member)
    for _ in range(2):
        ReplyFactory(author=member)
    return member


# Normalising ------------------------------------------------------------------------------------------


def test_tag_names_are_lowercase_trimmed_and_their_slugs_ascii():
    assert services.tag_normalise("  Open   Data ") == "open data"
    assert services.tags.tag_slug("open data") == "open-data"
    assert services.tag_normalise("Financiën") == "financiën"
    assert services.tags.tag_slug("financiën") == "financien"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("open\x00data", "control_characters"),
        ("woo\x1b", "control_characters"),
        ("x" * 41, "tag_too_long"),
        ("!!!", "tag_without_letters"),
    ],
)
def test_tag_names_that_cannot_be_a_tag_are_refused(value, code):
    with pytest.raises(ValidationError) as error:
        services.tag_normalise(value)
    assert error.value.code == code


# Choosing tags on the forms -------------------------------------------------------------------------


def test_a_new_member_tags_a_thread_with_existing_tags(user_client, user, theme):
    tag("open data")
    tag("woo")
    response = user_client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}),
        {"title": "Wie publiceert al?", "body": "Vertel.", "tags": "Open Data, WOO"},
    )
    assert response.status_code == HTTPStatus.FOUND
    thread = Thread.objects.get(title="Wie publiceert al?")
    assert tag_names(thread) == ["open data", "woo"]
    assert Tag.objects.count() == 2


def test_a_new_member_may_not_add_a_new_tag_and_is_told_why(user_client, user, theme, settings):
    settings.FORUM_TAG_CREATE_MIN_POSTS = 10
    tag("woo")
    user_client.cookies["django_language"] = "en"
    response = user_client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}),
        {"title": "Nieuw onderwerp", "body": "Tekst.", "tags": "woo, zelfbedacht"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "“zelfbedacht” is not an existing tag" in response.content.decode()
    assert "at least 10 published posts may add new ones" in response.content.decode()
    assert not Thread.objects.filter(title="Nieuw onderwerp").exists()
    assert not Tag.objects.filter(name="zelfbedacht").exists()
    # The service refuses it too, whatever sends it.
    with pytest.raises(ValidationError):
        services.thread_create(author=user, theme=theme, title="Via de dienst", body="Tekst.", tags=["zelfbedacht"])


def test_the_new_member_is_told_in_dutch_too(user_client, theme, settings):
    response = user_client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}),
        {"title": "Nieuw onderwerp", "body": "Tekst.", "tags": "zelfbedacht"},
    )
    assert "“zelfbedacht” is geen bestaande tag" in response.content.decode()


def test_members_with_enough_published_posts_add_new_tags(client, experienced, theme):
    client.force_login(experienced)
    response = client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}),
        {"title": "Een nieuw begrip", "body": "Tekst.", "tags": "Algoritmeregister"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert tag_names(Thread.objects.get(title="Een nieuw begrip")) == ["algoritmeregister"]


def test_held_and_hidden_posts_do_not_count_towards_adding_tags(theme, settings, moderator):
    from moderation import services as moderation_services

    settings.FORUM_TAG_CREATE_MIN_POSTS = 2
    member = UserFactory()
    first = ThreadFactory(theme=theme, author=member)
    ThreadFactory(theme=theme, author=member)
    moderation_services.post_hide(acting_user=moderator, post=first, reason="Dubbel")
    with pytest.raises(ValidationError):
        services.thread_create(author=member, theme=theme, title="Derde", body="Tekst.", tags=["nieuw"])


def test_moderators_add_new_tags(theme):
    moderator = ModeratorFactory()
    thread = services.thread_create(author=moderator, theme=theme, title="Aankondiging", body="Tekst.", tags=["Nieuws"])
    assert tag_names(thread) == ["nieuws"]


def test_at_most_five_tags_and_duplicates_count_once(experienced, theme):
    thread = services.thread_create(
        author=experienced, theme=theme, title="Veel", body="Tekst.", tags=["a1", "A1", "b2", "c3", "d4", "e5"]
    )
    assert tag_names(thread) == ["a1", "b2", "c3", "d4", "e5"]
    with pytest.raises(ValidationError) as error:
        services.thread_create(
            author=experienced, theme=theme, title="Te veel", body="Tekst.", tags=["a1", "b2", "c3", "d4", "e5", "f6"]
        )
    assert error.value.code == "too_many_tags"


def test_names_with_the_same_slug_are_the_same_tag(experienced, theme):
    existing = tag("open data")
    thread = services.thread_create(
        author=experienced, theme=theme, title="Streepje", body="Tekst.", tags=["open-data"]
    )
    assert list(Tag.objects.all()) == [existing]
    assert tag_names(thread) == ["open data"]


def test_the_edit_form_shows_the_tags_and_changes_them(user_client, user, theme):
    thread = tagged(ThreadFactory(theme=theme, author=user), tag("woo"))
    tag("open data")
    url = reverse("forum:thread_edit", kwargs={"pk": thread.pk})
    assert user_client.get(url).context["form"]["tags"].value() == "woo"
    response = user_client.post(url, {"title": thread.title, "body": thread.body, "tags": "open data"})
    assert response.status_code == HTTPStatus.FOUND
    assert tag_names(thread) == ["open data"]
    assert Tag.objects.filter(name="woo").exists()  # a tag without threads stays, for moderators to tidy


def test_the_thread_form_lists_the_existing_tags(user_client, theme):
    tagged(ThreadFactory(theme=theme), tag("woo"))
    page = user_client.get(reverse("forum:thread_create", kwargs={"slug": theme.slug}))
    assert [each.name for each in page.context["tag_choices"]] == ["woo"]
    assert "Bestaande tags" in page.content.decode()


# Where tags show ------------------------------------------------------------------------------------


def test_tags_show_on_the_thread_page_in_lists_and_on_the_theme_page(client, theme):
    woo, data = tag("woo"), tag("open data")
    thread = tagged(ThreadFactory(theme=theme, title="Getagd"), woo, data)
    tagged(ThreadFactory(theme=theme), woo)
    link = f'href="{reverse("forum:tag", kwargs={"slug": "open-data"})}"'
    for url in (thread.get_absolute_url(), reverse("forum:home"), theme.get_absolute_url()):
        assert link in client.get(url).content.decode(), url
    theme_page = client.get(theme.get_absolute_url())
    assert [(each.name, each.thread_count) for each in theme_page.context["theme_tags"]] == [
        ("woo", 2),
        ("open data", 1),
    ]


def test_lists_show_a_change_of_tags_at_once(client, theme):
    """The lines of the lists are kept in the cache a few seconds: a change of tags gives them a new version."""
    moderator = ModeratorFactory()
    thread = ThreadFactory(theme=theme)
    home = reverse("forum:home")
    client.get(home)  # kept without tags
    services.thread_tags_set(standing=standing_of(moderator), thread=thread, names=["wob"])
    assert 'href="/tag/wob/"' in client.get(home).content.decode()
    services.tag_rename(acting_user=moderator, tag=Tag.objects.get(), name="woo")
    page = client.get(home).content.decode()
    assert 'href="/tag/woo/"' in page
    assert 'href="/tag/wob/"' not in page


def test_a_theme_page_keeps_what_a_moderator_sees_from_others(client, theme, moderator):
    """The theme's tags are kept in the cache a few seconds, one copy per audience."""
    from moderation import services as moderation_services

    hidden = tagged(ThreadFactory(theme=theme), tag("verborgen"))
    tagged(ThreadFactory(theme=theme), tag("zichtbaar"))
    moderation_services.post_hide(acting_user=moderator, post=hidden, reason="Dubbel")
    client.force_login(moderator)
    assert [each.name for each in client.get(theme.get_absolute_url()).context["theme_tags"]] == [
        "verborgen",
        "zichtbaar",
    ]
    client.logout()
    assert [each.name for each in client.get(theme.get_absolute_url()).context["theme_tags"]] == ["zichtbaar"]


def test_a_theme_page_shows_only_its_own_tags(client, theme):
    tagged(ThreadFactory(theme=ThemeFactory()), tag("elders"))
    tagged(ThreadFactory(theme=theme), tag("hier"))
    assert [each.name for each in client.get(theme.get_absolute_url()).context["theme_tags"]] == ["hier"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(context.captured_queries)


def test_tags_in_lists_and_on_the_thread_page_cost_no_query(client, user_client, theme):
    """Tags come with the threads' own query: the pages cost what they cost without tags."""
    thread = ThreadFactory(theme=theme)
    others = [ThreadFactory(theme=theme) for _ in range(3)]
    urls = [reverse("forum:home"), theme.get_absolute_url(), thread.get_absolute_url()]
    for url in urls:  # counted views, cached counts and sessions settle first
        client.get(url)
        user_client.get(url)
    before = [(_queries(client, url), _queries(user_client, url)) for url in urls]
    tags = [tag(f"tag {number}") for number in range(5)]
    for each in [thread, *others]:
        tagged(each, *tags)
    assert [(_queries(client, url), _queries(user_client, url)) for url in urls] == before


# The tag page ---------------------------------------------------------------------------------------


def test_the_tag_page_lists_its_visible_threads_paginated(client, theme, settings, moderator):
    from moderation import services as moderation_services

    settings.FORUM_THREADS_PER_PAGE = 2
    woo = tag("woo")
    threads = [tagged(ThreadFactory(theme=theme, title=f"Woo {number}"), woo) for number in range(3)]
    tagged(ThreadFactory(theme=theme, title="Zonder"), tag("anders"))
    moderation_services.post_hide(acting_user=moderator, post=threads[0], reason="Dubbel")
    url = reverse("forum:tag", kwargs={"slug": "woo"})
    first = client.get(url)
    assert first.status_code == HTTPStatus.OK
    assert first.context["page_obj"].paginator.count == 2
    assert {thread.title for thread in first.context["page_obj"]} == {"Woo 1", "Woo 2"}
    assert "Zonder" not in first.content.decode()
    assert client.get(url, {"page": 2}).status_code == HTTPStatus.OK


def test_the_tag_page_costs_the_same_queries_with_2_or_30_threads(client, user_client, theme):
    woo = tag("woo")
    for number in range(2):
        tagged(ThreadFactory(theme=theme), woo, tag(f"ander {number}"))
    url = reverse("forum:tag", kwargs={"slug": "woo"})
    client.get(url)
    user_client.get(url)
    few = (_queries(client, url), _queries(user_client, url))
    for _ in range(28):
        tagged(ThreadFactory(theme=theme), woo)
    assert (_queries(client, url), _queries(user_client, url)) == few
    # The tag, the count, the page of threads (with their tags and unread markers); the member too.
    assert few[0] <= 4


def test_a_tag_only_on_threads_someone_may_not_see_does_not_exist_for_them(client, user, theme, moderator):
    from moderation import services as moderation_services

    closed = ThemeFactory(is_members_only=True)
    tagged(ThreadFactory(theme=closed), tag("binnenkamer"))
    hidden = tagged(ThreadFactory(theme=theme), tag("verborgen"))
    moderation_services.post_hide(acting_user=moderator, post=hidden, reason="Dubbel")
    held = Thread.objects.filter(pk=tagged(ThreadFactory(theme=theme), tag("wachtend")).pk)
    held.update(status="held")

    def status(viewer, slug):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        return client.get(reverse("forum:tag", kwargs={"slug": slug})).status_code

    assert status(None, "binnenkamer") == HTTPStatus.NOT_FOUND
    assert status(user, "binnenkamer") == HTTPStatus.OK
    for slug in ("verborgen", "wachtend"):
        assert status(None, slug) == HTTPStatus.NOT_FOUND
        assert status(user, slug) == HTTPStatus.NOT_FOUND
        assert status(moderator, slug) == HTTPStatus.OK
    visitor = AnonymousUser()
    assert list(Tag.objects.visible_to(visitor)) == []
    assert selectors.tag_choices(visitor) == []
    assert [each.name for each in selectors.tag_choices(user)] == ["binnenkamer"]


# Renaming and merging -------------------------------------------------------------------------------


def test_a_moderator_renames_a_tag_and_it_is_logged(theme):
    moderator = ModeratorFactory()
    woo = tag("wob")
    thread = tagged(ThreadFactory(theme=theme), woo)
    assert services.tag_rename(acting_user=moderator, tag=woo, name=" Woo ")
    woo.refresh_from_db()
    assert (woo.name, woo.slug) == ("woo", "woo")
    assert tag_names(thread) == ["woo"]
    entry = ModerationLog.objects.get(action=ModerationAction.TAG_RENAME)
    assert (entry.actor, entry.target_id, entry.data) == (moderator, woo.pk, {"from": "wob", "to": "woo"})
    assert not services.tag_rename(acting_user=moderator, tag=woo, name="woo")  # nothing changed, nothing logged
    assert ModerationLog.objects.filter(action=ModerationAction.TAG_RENAME).count() == 1


def test_renaming_to_an_existing_tag_is_refused(theme):
    moderator = ModeratorFactory()
    wob, _woo = tag("wob"), tag("woo")
    with pytest.raises(ValidationError) as error:
        services.tag_rename(acting_user=moderator, tag=wob, name="Woo")
    assert error.value.code == "tag_exists"


def test_a_moderator_merges_tags_into_one_and_it_is_logged(theme):
    moderator = ModeratorFactory()
    woo, wob, open_government = tag("woo"), tag("wob"), tag("openbaarheid")
    both = tagged(ThreadFactory(theme=theme), woo, wob)
    old_only = tagged(ThreadFactory(theme=theme), wob, open_government)
    assert services.tags_merge(acting_user=moderator, tags=[wob, open_government, woo], into=woo) == 2
    assert tag_names(both) == ["woo"]
    assert tag_names(old_only) == ["woo"]
    assert list(Tag.objects.all()) == [woo]
    entry = ModerationLog.objects.get(action=ModerationAction.TAG_MERGE)
    assert (entry.actor, entry.target_id, entry.target_repr) == (moderator, woo.pk, "woo")
    assert entry.data == {"merged": ["openbaarheid", "wob"], "into": "woo"}


def test_members_and_theme_moderators_may_not_rename_or_merge(user, theme):
    theme_moderator = ModeratorFactory()
    theme.moderators.add(theme_moderator)
    woo, wob = tag("woo"), tag("wob")
    for member in (user, theme_moderator):
        with pytest.raises(PermissionDenied):
            services.tag_rename(acting_user=member, tag=woo, name="anders")
        with pytest.raises(PermissionDenied):
            services.tags_merge(acting_user=member, tags=[wob], into=woo)
    assert not ModerationLog.objects.exists()


def test_the_moderators_page_renames_and_merges(client, user_client, theme):
    moderator = ModeratorFactory()
    tag("woo")
    thread = tagged(ThreadFactory(theme=theme), tag("wob"))
    assert user_client.get(reverse("forum:tag_manage")).status_code == HTTPStatus.FORBIDDEN
    assert user_client.post(reverse("forum:tag_merge"), {"tags": ["wob"], "into": "woo"}).status_code == 403
    client.force_login(moderator)
    page = client.get(reverse("forum:tag_manage"))
    assert page.status_code == HTTPStatus.OK
    assert [(each.name, each.thread_count) for each in page.context["tags"]] == [("wob", 1), ("woo", 0)]
    response = client.post(reverse("forum:tag_rename"), {"tag": "woo", "name": "wob"}, follow=True)
    assert "bestaat al" in response.content.decode()  # refused: merge instead
    response = client.post(reverse("forum:tag_merge"), {"tags": ["wob"], "into": "woo"})
    assert response.status_code == HTTPStatus.FOUND
    assert tag_names(thread) == ["woo"]
    response = client.post(reverse("forum:tag_rename"), {"tag": "woo", "name": "Wet open overheid"})
    assert response.status_code == HTTPStatus.FOUND
    assert tag_names(thread) == ["wet open overheid"]
    assert ModerationLog.objects.filter(actor=moderator).count() == 2
    log = client.get(reverse("moderation:moderation_log")).content.decode().lower()
    assert "tag hernoemd" in log
    assert "tags samengevoegd" in log
