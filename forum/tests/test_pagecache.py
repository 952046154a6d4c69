"""
The thread page with the cached parts of its posts (forum/cooked.py): every change shows at
once, each viewer gets their own parts, view counts stay exact.
"""

import re
from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import privacy
from accounts.models import Organisation
from forum import cooked, services
from forum.models import CAPACITY_DISPLAY, Capacity, Reply
from forum.tests.factories import ReplyFactory, ThemeFactory, UserFactory
from moderation import services as moderation_services


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` a change, then what follows its commit, as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def long_thread(thread, other_user):
    for number in range(25):
        ReplyFactory(thread=thread, author=other_user, body=f"Reactie {number} in de lange discussie.")
    thread.refresh_from_db()
    return thread


def visit(url, client=None, **kwargs):
    """A new visitor (a client without cookies) unless ``client`` is given."""
    response = (client or Client()).get(url, **kwargs)
    assert response.status_code == HTTPStatus.OK
    return response


def queries_of(url, client=None, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        response = visit(url, client, **kwargs)
    return len(captured), response


def shown_views(response):
    paragraph = re.search(r'<p class="thread-views">(.*?)</p>', response.content.decode(), re.S).group(1)
    return int(re.search(r"\d+", paragraph).group())


def without_visitor_parts(html):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'(<p class="thread-views">).*?(</p>)', r"\1\2", html, flags=re.S)


def test_every_page_and_order_is_cached_separately(long_thread):
    url = long_thread.get_absolute_url()
    for query in ({}, {"page": "2"}, {"sort": "oldest"}):
        visit(url, data=query)
    newest, oldest, second = visit(url), visit(url, data={"sort": "oldest"}), visit(url, data={"page": "2"})
    assert "Reactie 24 in de" in newest.content.decode()
    assert "Reactie 0 in de" in oldest.content.decode()
    assert "Reactie 24 in de" not in second.content.decode() and "Reactie 4 in de" in second.content.decode()


def test_view_counts_stay_exact_over_many_visitor_sessions(long_thread):
    url = long_thread.get_absolute_url()
    start = long_thread.view_count
    visitors = [Client() for _ in range(6)]
    for number, client in enumerate(visitors, start=1):
        assert shown_views(visit(url, client)) == start + number
    # Coming back (same session) counts nothing, and shows the count as it is now.
    for client in visitors:
        assert shown_views(visit(url, client)) == start + len(visitors)
        assert shown_views(visit(url, client, data={"page": "2"})) == start + len(visitors)
    long_thread.refresh_from_db()
    assert long_thread.view_count == start + len(visitors)


def test_a_new_reply_shows_to_the_next_visitor_at_once(thread, other_user, committed):
    url = thread.get_absolute_url()
    visit(url)
    assert "Zojuist geschreven." not in visit(url).content.decode()
    with committed():
        services.reply_create(author=other_user, thread=thread, body="Zojuist geschreven.")
    assert "Zojuist geschreven." in visit(url).content.decode()


def test_an_edit_shows_at_once(thread, reply, other_user, committed):
    url = thread.get_absolute_url()
    visit(url), visit(url)
    with committed():
        services.reply_edit(acting_user=other_user, reply=reply, body="Beter verwoord.")
    assert "Beter verwoord." in visit(url).content.decode()
    with committed():
        services.thread_edit(acting_user=thread.author, thread=thread, title="Een nieuwe titel", body=thread.body)
    thread.refresh_from_db()
    assert "Een nieuwe titel" in visit(thread.get_absolute_url()).content.decode()


def test_hiding_and_restoring_show_at_once(thread, reply, moderator, committed):
    url = thread.get_absolute_url()
    visit(url)
    assert reply.body in visit(url).content.decode()
    with committed():
        moderation_services.post_hide(acting_user=moderator, post=reply, reason="Spam")
    assert reply.body not in visit(url).content.decode()
    with committed():
        moderation_services.post_restore(acting_user=moderator, post=reply)
    assert reply.body in visit(url).content.decode()
    with committed():
        moderation_services.post_hide(acting_user=moderator, post=thread, reason="Vertrouwelijk")
    assert Client().get(url).status_code == HTTPStatus.NOT_FOUND


def test_locking_moving_and_appreciating_show_at_once(thread, reply, moderator, user, committed):
    url = thread.get_absolute_url()
    visit(url), visit(url)
    with committed():
        moderation_services.thread_lock(acting_user=moderator, thread=thread)
    assert "This discussion is locked" in visit(url, HTTP_COOKIE="django_language=en").content.decode()
    other_theme = ThemeFactory(name="Ander thema")
    with committed():
        moderation_services.thread_move(acting_user=moderator, thread=thread, theme=other_theme)
    assert "Ander thema" in visit(url).content.decode()
    with committed():
        services.reaction_toggle(member=user, post=reply)
    assert "1 waardering" in visit(url).content.decode()


def test_a_new_follower_shows_at_once(thread, other_user, committed):
    """The thread's facts count its followers: following it changes the visitors' page too."""
    url = thread.get_absolute_url()
    followers = thread.follows.count()
    visit(url), visit(url)
    with committed():
        services.thread_follow_toggle(member=other_user, thread=thread, follow=True)
    assert f"{followers + 1} volger" in visit(url).content.decode()


def test_a_members_new_name_shows_at_once(thread, user, committed):
    url = thread.get_absolute_url()
    visit(url), visit(url)
    user.display_name = "Nieuwe Naam"
    with committed():
        user.save()
    assert "Nieuwe Naam" in visit(url).content.decode()


def test_a_renamed_theme_shows_at_once(thread, committed):
    url = thread.get_absolute_url()
    visit(url), visit(url)
    with committed():
        thread.theme.name = "Hernoemd thema"
        thread.theme.save()
    assert "Hernoemd thema" in visit(url).content.decode()


def test_a_member_gets_their_own_page(thread, user_client):
    url = thread.get_absolute_url()
    visit(url), visit(url)
    html = user_client.get(url).content.decode()
    assert reverse("forum:reply_create", kwargs={"pk": thread.pk}) in html
    assert reverse("account_logout") in html
    # And the visitors' page stays as it was.
    assert reverse("account_logout") not in visit(url).content.decode()


def test_each_language_has_its_own_page(thread):
    url = thread.get_absolute_url()
    visit(url), visit(url)
    english = Client()
    english.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Views:" in visit(url, english).content.decode()
    assert "Views:" in visit(url, english).content.decode()
    assert "Weergaven:" in visit(url).content.decode()


def test_each_visitor_gets_their_own_csrf_token_and_cookie(thread):
    url = thread.get_absolute_url()
    visit(url)
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        response = visit(url, client)
        assert "csrftoken" in response.cookies
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', response.content.decode()).group(1)
        tokens.append(token)
        # The language switch on the served page works with this visitor's own cookie.
        switched = client.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token})
        assert switched.status_code == HTTPStatus.FOUND
    assert tokens[0] != tokens[1]


def test_served_pages_carry_the_security_headers(thread):
    url = thread.get_absolute_url()
    visit(url)
    response = visit(url)
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Cookie" in response["Vary"]
    assert response["Content-Language"] == "nl"
    assert "forum_viewed" in response.cookies and response.cookies["forum_viewed"]["httponly"]


def test_waiting_messages_are_shown(thread, rf):
    url = thread.get_absolute_url()
    visit(url), visit(url)
    client = Client()
    storage = CookieStorage(rf.get("/"))
    storage.add(constants.INFO, "Een boodschap voor deze bezoeker.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    html = visit(url, client).content.decode()
    assert "Een boodschap voor deze bezoeker." in html
    assert "Een boodschap voor deze bezoeker." not in visit(url, client).content.decode()


def test_a_page_rendered_during_a_change_is_not_served_after_its_commit(thread, other_user, committed):
    url = thread.get_absolute_url()
    visit(url)
    with committed():
        services.reply_create(author=other_user, thread=thread, body="Nog niet vastgelegd.")
        visit(url)  # rendered or served under the old version while the change runs
    assert "Nog niet vastgelegd." in visit(url).content.decode()


def test_served_pages_keep_the_frame_and_policy_headers(thread):
    url = thread.get_absolute_url()
    rendered = visit(url)
    served = visit(url)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "Content-Language", "Vary"):
        assert served[header] == rendered[header]
    assert served["Content-Length"] == str(len(served.content))


def test_a_new_visitor_starts_no_session(thread):
    """The view is counted with the signed cookie (forum.viewed), not a session."""
    url = thread.get_absolute_url()
    visit(url)
    client = Client()
    first = visit(url, client)
    assert "sessionid" not in first.cookies and "forum_viewed" in first.cookies
    assert shown_views(visit(url, client)) == 2  # the cookie came back: not counted again
    client.cookies["forum_viewed"] = first.cookies["forum_viewed"].value.replace(":", ";", 1)  # tampered
    assert shown_views(visit(url, client)) == 3


def test_an_approved_reply_shows_at_once(thread, other_user, moderator, committed):
    thread.theme.is_premoderated = True
    thread.theme.save()
    url = thread.get_absolute_url()
    reply = services.reply_create(author=other_user, thread=thread, body="Wacht op goedkeuring.")
    visit(url)
    assert "Wacht op goedkeuring." not in visit(url).content.decode()
    with committed():
        moderation_services.post_approve(acting_user=moderator, post=reply)
    assert "Wacht op goedkeuring." in visit(url).content.decode()


def test_posts_cannot_move_the_visitors_parts(thread, other_user):
    """Markup typed in a post is escaped, so the view count and the token are only ever put in their own places."""
    body = 'Kijk: `<p class="thread-views">999</p>` en `name="csrfmiddlewaretoken" value="van-mij"`'
    ReplyFactory(thread=thread, author=other_user, body=body)
    url = thread.get_absolute_url()
    visit(url)
    html = visit(url).content.decode()
    assert shown_views(Client().get(url)) == 3
    assert 'name="csrfmiddlewaretoken" value="van-mij"' in html
    assert html.count('<input type="hidden" name="csrfmiddlewaretoken"') == 1


def test_the_refresh_command_has_every_page_rendered_afresh(long_thread, committed):
    """``manage.py pagecache_refresh``: for a change made outside the services (a direct edit, a restore)."""
    url = long_thread.get_absolute_url()
    visit(url)
    author = long_thread.replies.first().author
    # A direct edit in the database: no signal, so the kept byline still has the old name.
    type(author).objects.filter(pk=author.pk).update(display_name="Rechtstreeks Verbeterd")
    assert "Rechtstreeks Verbeterd" not in visit(url).content.decode()
    output = StringIO()
    with committed():
        call_command("pagecache_refresh", stdout=output)
    assert "rendered afresh" in output.getvalue()
    assert "Rechtstreeks Verbeterd" in visit(url).content.decode()


def test_the_refresh_command_says_so_when_the_cache_is_off(settings):
    settings.FORUM_POST_CACHE = False
    output = StringIO()
    call_command("pagecache_refresh", stdout=output)
    assert "off" in output.getvalue()


# The kept parts: what is kept, and that every change to them shows at once ----------------------


def test_a_second_visit_takes_the_bylines_and_badges_from_the_cache(long_thread):
    """Rendered once for every viewer and page: the next visitor's page renders neither template again."""
    url = long_thread.get_absolute_url()
    first = visit(url)
    assert {"forum/_byline.html", "forum/_author_badges.html"} <= {t.name for t in first.templates}
    second = visit(url)
    assert not {"forum/_byline.html", "forum/_author_badges.html"} & {t.name for t in second.templates}
    assert without_visitor_parts(second.content.decode()) == without_visitor_parts(first.content.decode()).replace(
        f"{shown_views(first)}", f"{shown_views(second)}", 0
    )
    assert "Reactie 24 in de lange discussie." in second.content.decode()


def test_the_kept_parts_are_in_djangos_cache_under_the_versions(thread, reply, committed):
    """In the cache every app server shares (Redis in production), filed under the thread's and the site's versions."""
    visit(thread.get_absolute_url())
    before = cooked.versions(thread.pk)
    [kept] = cooked.posts([(reply, False)], versions=before)
    assert reply.author.display_name in kept.byline
    with committed():
        services.reply_edit(acting_user=reply.author, reply=reply, body="Anders gezegd.")
    assert cooked.versions(thread.pk)[0] != before[0]
    assert cooked.versions(thread.pk)[1] == before[1]


def test_a_version_is_replaced_at_once_and_again_after_the_commit(thread, committed):
    """
    A new random version when a post is saved, and another once the change commits: a part
    rendered while the change's transaction ran is not used afterwards.
    """
    first = cooked.versions(thread.pk)[0]
    with committed():
        thread.save()
        second = cooked.versions(thread.pk)[0]
        assert second != first
    assert cooked.versions(thread.pk)[0] not in {first, second}


def test_a_new_organisation_name_and_badge_show_at_once(thread, reply, committed):
    organisation = Organisation.objects.create(name="Gemeente Ergens", kind=Organisation.Kind.GEMEENTE)
    author = reply.author
    author.organisation = organisation
    with committed():
        author.save()
    url = thread.get_absolute_url()
    visit(url)
    assert "Gemeente Ergens" in visit(url).content.decode()
    organisation.name = "Gemeente Elders"
    with committed():
        organisation.save()
    html = visit(url).content.decode()
    assert "Gemeente Elders" in html and "Gemeente Ergens" not in html


def test_a_closed_account_shows_as_a_former_member_at_once(thread, reply, committed):
    url = thread.get_absolute_url()
    name = reply.author.display_name
    visit(url, HTTP_COOKIE="django_language=en")
    assert name in visit(url, HTTP_COOKIE="django_language=en").content.decode()
    with committed():
        privacy.member_close_account(member=reply.author)
    html = visit(url, HTTP_COOKIE="django_language=en").content.decode()
    assert name not in html
    assert "Reply by a former member" in html


def test_a_changed_capacity_shows_at_once(thread, reply, committed):
    url = thread.get_absolute_url()
    visit(url)
    assert str(reply.capacity_label) in visit(url).content.decode()
    with committed():
        services.reply_edit(acting_user=reply.author, reply=reply, body=reply.body, capacity=Capacity.FUNCTION)
    assert str(CAPACITY_DISPLAY[Capacity.FUNCTION]) in visit(url).content.decode()


def test_who_wrote_for_an_organisation_account_is_kept_apart_for_those_who_may_see_it(
    thread, other_user, moderator, client
):
    """The part with the writer's name is kept apart: a visitor after a moderator does not see it."""
    organisation = Organisation.objects.create(name="Team Digitaal", kind=Organisation.Kind.RIJKSOVERHEID)
    account = UserFactory(is_organisation_account=True, organisation=organisation, display_name="Team Digitaal")
    reply = ReplyFactory(thread=thread, author=account)
    # As posted by a delegate through the form (forum/tests/test_capacity.py), before any page is rendered.
    Reply.objects.filter(pk=reply.pk).update(
        written_by=other_user, capacity=Capacity.ORGANISATION, on_behalf_of=organisation
    )
    url = thread.get_absolute_url()
    client.force_login(moderator)
    assert 'class="real-author"' in client.get(url).content.decode()
    assert 'class="real-author"' not in visit(url).content.decode()
    assert 'class="real-author"' in client.get(url).content.decode()


def test_with_the_cache_off_every_page_is_rendered_whole(thread, reply, settings):
    settings.FORUM_POST_CACHE = False
    url = thread.get_absolute_url()
    visit(url)
    assert "forum/_byline.html" in {t.name for t in visit(url).templates}


def test_a_visitor_gets_whole_cards_from_the_cache_and_a_member_never(thread, reply, user_client):
    """A visitor's card has nothing of its own (no form, no token): kept whole; a member's is rendered."""
    url = thread.get_absolute_url()
    assert "forum/_reply_card.html" in {t.name for t in visit(url).templates}
    again = visit(url)
    assert "forum/_reply_card.html" not in {t.name for t in again.templates}
    assert reply.body in again.content.decode()
    member_page = user_client.get(url)
    assert "forum/_reply_card.html" in {t.name for t in member_page.templates}
    assert f'id="reaction-button-reply-{reply.pk}"' in member_page.content.decode()
    assert f'id="reaction-button-reply-{reply.pk}"' not in visit(url).content.decode()


def test_a_new_appreciation_shows_on_a_visitors_kept_card_at_once(thread, reply, user):
    url = thread.get_absolute_url()
    visit(url)
    assert "waardering" not in visit(url).content.decode()
    services.reaction_toggle(member=user, post=reply)
    assert "1 waardering" in visit(url).content.decode()
    services.reaction_toggle(member=user, post=reply)
    assert "1 waardering" not in visit(url).content.decode()
