"""
Members-only themes: a visitor never sees such a theme, its discussions or their replies, anywhere;
following a link to them leads to the login page and back. Members see them as any other theme.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Approval, ProfileVisibility
from accounts.standing import standing_of
from forum import permissions, selectors
from forum.models import Reply, Theme, Thread
from notifications import targets

from .factories import ReplyFactory, ThemeFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_theme(db):
    return ThemeFactory(name="Binnenkamer", slug="binnenkamer", is_members_only=True)


@pytest.fixture
def author(db):
    return UserFactory(display_name="Open Auteur", profile_visibility=ProfileVisibility.PUBLIC)


@pytest.fixture
def closed_thread(closed_theme, author):
    return ThreadFactory(theme=closed_theme, author=author, title="Alleen voor leden")


@pytest.fixture
def closed_reply(closed_thread, author):
    return ReplyFactory(thread=closed_thread, author=author, body="Een reactie binnenskamers.")


@pytest.fixture
def open_thread(theme, author):
    return ThreadFactory(theme=theme, author=author, title="Voor iedereen")


def _login_redirect(response, url):
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('account_login')}?next={url.replace('/', '%2F')}"


def test_a_visitor_following_a_link_to_a_members_only_thread_is_led_to_log_in(client, closed_thread):
    """Not a 404: the thread exists, and logging in shows it. After logging in the member lands on it."""
    url = closed_thread.get_absolute_url()
    _login_redirect(client.get(url), url)
    member = UserFactory()
    response = client.post(
        f"{reverse('account_login')}?next={url}",
        {"login": member.email, "password": "een-lang-wachtwoord", "next": url},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Alleen voor leden" in page.content.decode()


def test_a_visitor_is_led_to_log_in_from_the_theme_a_reply_and_the_short_link(client, closed_thread, closed_reply):
    for url in (
        closed_thread.theme.get_absolute_url(),
        reverse("forum:thread_short", kwargs={"pk": closed_thread.pk}),
        closed_reply.get_absolute_url(),
        reverse("forum:thread_reactions", kwargs={"pk": closed_thread.pk}),
        reverse("forum:reply_reactions", kwargs={"pk": closed_reply.pk}),
    ):
        _login_redirect(client.get(url), url)


def test_a_hidden_thread_in_a_members_only_theme_is_not_found_by_a_visitor(client, closed_thread, hide_post, moderator):
    """Logging in would not show it either: no invitation to log in, a 404."""
    hide_post(acting_user=moderator, post=closed_thread, reason="Dubbel")
    assert client.get(closed_thread.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_members_see_a_members_only_theme_and_its_threads(user_client, closed_thread, closed_reply):
    theme_page = user_client.get(closed_thread.theme.get_absolute_url()).content.decode()
    assert "Alleen voor leden" in theme_page
    thread_page = user_client.get(closed_thread.get_absolute_url()).content.decode()
    assert "Een reactie binnenskamers." in thread_page
    home = user_client.get(reverse("forum:home")).content.decode()
    assert "Binnenkamer" in home
    assert "Alleen voor leden" in home


def test_the_home_page_shows_a_visitor_nothing_of_a_members_only_theme(client, closed_thread, open_thread):
    """Not the theme in the list, not its thread in the discussions or in the latest activity."""
    ReplyFactory(thread=closed_thread)
    page = client.get(reverse("forum:home"))
    html = page.content.decode()
    assert "Binnenkamer" not in html
    assert "Alleen voor leden" not in html
    assert "Voor iedereen" in html
    assert list(page.context["page_obj"]) == [open_thread]
    assert page.context["page_obj"].paginator.count == 1
    assert [item.title for item in selectors.latest_activity(AnonymousUser()) if item.title] == ["Voor iedereen"]


def test_what_the_home_page_keeps_for_members_is_not_shown_to_visitors(client, closed_thread, open_thread):
    """The home page keeps its themes, activity and lines in the cache: members' copies are their own."""
    member = UserFactory()
    client.force_login(member)
    assert "Binnenkamer" in client.get(reverse("forum:home")).content.decode()
    client.logout()
    html = client.get(reverse("forum:home")).content.decode()
    assert "Binnenkamer" not in html
    assert "Alleen voor leden" not in html


def test_a_pinned_thread_of_a_members_only_theme_is_not_pinned_for_visitors(client, closed_thread, moderator):
    Thread.objects.filter(pk=closed_thread.pk).update(is_pinned=True)
    assert client.get(reverse("forum:home")).context["pinned_threads"] == []


def test_the_home_page_counts_what_a_visitor_may_see(closed_thread, open_thread, user):
    assert selectors.listed_thread_count(AnonymousUser()) == 1
    assert selectors.listed_thread_count(user) == 2


def test_making_a_theme_members_only_in_the_admin_updates_the_visitors_count(client, administrator, theme, open_thread):
    client.force_login(administrator)
    assert selectors.listed_thread_count(AnonymousUser()) == 1
    response = client.post(
        reverse("admin:forum_theme_change", args=[theme.pk]),
        {
            "name": theme.name,
            "slug": theme.slug,
            "description": theme.description,
            "position": 0,
            "is_members_only": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()
    assert Theme.objects.get(pk=theme.pk).is_members_only
    assert selectors.listed_thread_count(AnonymousUser()) == 0


def test_a_members_profile_shows_a_visitor_only_their_public_posts(client, author, closed_thread, open_thread):
    ReplyFactory(thread=closed_thread, author=author, body="Binnenskamers gezegd.")
    ReplyFactory(thread=open_thread, author=author, body="Openlijk gezegd.")
    request = RequestFactory().get(author.get_absolute_url())
    request.standing = standing_of(AnonymousUser())
    posts = selectors.member_posts_for_profile(request, author)
    assert list(posts["threads"]) == [open_thread]
    assert [reply.body for reply in posts["replies"]] == ["Openlijk gezegd."]
    visitor_page = client.get(author.get_absolute_url()).content.decode()
    assert "Voor iedereen" in visitor_page
    assert "Alleen voor leden" not in visitor_page


def test_the_read_layer_keeps_members_only_content_from_visitors(closed_thread, closed_reply, open_thread, user):
    visitor = AnonymousUser()
    assert list(Theme.objects.visible_to(visitor)) == [open_thread.theme]
    assert set(Theme.objects.visible_to(user)) == {open_thread.theme, closed_thread.theme}
    assert list(Thread.objects.visible_to(visitor)) == [open_thread]
    assert set(Thread.objects.visible_to(user)) == {open_thread, closed_thread}
    assert list(Reply.objects.visible_to(visitor).in_threads_visible_to(visitor)) == []
    assert list(Reply.objects.visible_to(user).in_threads_visible_to(user)) == [closed_reply]


def test_permissions_ask_visitors_to_log_in_and_let_members_in(closed_thread, closed_reply, user):
    visitor = standing_of(AnonymousUser())
    member = standing_of(user)
    assert not permissions.can_view_theme(visitor, closed_thread.theme)
    assert not permissions.can_view_thread(visitor, closed_thread)
    assert not permissions.can_view_reply(visitor, closed_reply)
    with pytest.raises(permissions.LoginToView):
        permissions.check_view_thread(visitor, closed_thread)
    assert permissions.can_view_thread(member, closed_thread)
    assert permissions.can_view_reply(member, closed_reply)
    assert permissions.can_create_thread(member, closed_thread.theme)


def test_notifications_are_only_for_who_may_see_them(closed_thread, closed_reply, user):
    """The notifications' rule is the forum's: a visitor's standing may see no members-only target."""
    visitor = standing_of(AnonymousUser())
    assert not targets.can_see(visitor, closed_thread)
    assert not targets.can_see(visitor, closed_reply)
    assert targets.can_see(standing_of(user), closed_reply)


def test_members_only_pages_are_not_indexed(user_client, closed_thread, open_thread, theme):
    for url in (closed_thread.get_absolute_url(), closed_thread.theme.get_absolute_url()):
        assert '<meta name="robots" content="noindex">' in user_client.get(url).content.decode()
    for url in (open_thread.get_absolute_url(), theme.get_absolute_url()):
        assert 'content="noindex"' not in user_client.get(url).content.decode()


def test_the_theme_page_says_who_sees_it(user_client, closed_theme):
    page = user_client.get(closed_theme.get_absolute_url()).content.decode()
    assert "Alleen ingelogde leden zien dit thema en de discussies erin." in page


@pytest.mark.parametrize("approval", [Approval.PENDING, Approval.REFUSED])
def test_a_member_not_admitted_sees_nothing_of_a_members_only_theme(client, closed_thread, open_thread, approval):
    """
    Members-only themes are for admitted members: someone who can log in but still waits for
    approval, or was refused, is treated as a visitor there, with a refusal instead of a login
    page (they are logged in already), also when the home page's kept lists were filled by them first.
    """
    applicant = UserFactory(approval=approval)
    client.force_login(applicant)
    home = client.get(reverse("forum:home")).content.decode()
    assert open_thread.title in home
    assert closed_thread.title not in home
    assert closed_thread.theme.name not in home
    response = client.get(closed_thread.get_absolute_url())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not permissions.can_view_thread(standing_of(applicant), closed_thread)
    assert not Thread.objects.visible_to(applicant).filter(pk=closed_thread.pk).exists()
    # What they filled in the cache is what a visitor may see: a visitor after them sees no more.
    client.logout()
    assert closed_thread.title not in client.get(reverse("forum:home")).content.decode()


def test_an_admitted_member_sees_the_members_only_theme_on_the_home_page(client, closed_thread, open_thread, user):
    client.force_login(user)
    home = client.get(reverse("forum:home")).content.decode()
    assert closed_thread.title in home
