"""The page cache for visitors' thread pages (forum/pagecache.py): served, invalidated, never stale."""

import re
from datetime import timedelta
from http import HTTPStatus
from io import StringIO
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum import pagecache, services
from forum.models import PageVersion, Reply
from forum.tests.factories import ReplyFactory, ThemeFactory


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.FORUM_PAGE_CACHE = True
    pagecache.pages.clear()  # pages kept in this process by an earlier test, of a database rolled back since
    yield
    pagecache.pages.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` a change, then what follows its commit (the new versions), as in production."""
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


def test_a_second_visitor_gets_the_cached_page_in_fewer_queries(long_thread, django_assert_max_num_queries):
    url = long_thread.get_absolute_url()
    rendered_queries, first = queries_of(url)
    # Served: the UPDATE counting the view, which returns the count; no session is started.
    with django_assert_max_num_queries(1):
        second = visit(url)
    served_queries, third = queries_of(url)
    assert served_queries < rendered_queries
    assert without_visitor_parts(second.content.decode()) == without_visitor_parts(first.content.decode())
    assert "Reactie 24 in de lange discussie." in third.content.decode()
    assert shown_views(third) == 3


def test_every_page_and_order_is_cached_separately(long_thread):
    url = long_thread.get_absolute_url()
    for query in ({}, {"page": "2"}, {"sort": "oldest"}):
        visit(url, data=query)
    newest, oldest, second = visit(url), visit(url, data={"sort": "oldest"}), visit(url, data={"page": "2"})
    assert "Reactie 24 in de" in newest.content.decode()
    assert "Reactie 0 in de" in oldest.content.decode()
    assert "Reactie 24 in de" not in second.content.decode() and "Reactie 4 in de" in second.content.decode()


def test_other_query_parameters_are_not_cached(thread, django_assert_max_num_queries):
    url = thread.get_absolute_url()
    visit(url, data={"utm_source": "nieuwsbrief"})
    count, _response = queries_of(url, data={"utm_source": "nieuwsbrief"})
    assert count > 1  # served from the cache, the view count would be the only query


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
        services.post_hide(acting_user=moderator, post=reply, reason="Spam")
    assert reply.body not in visit(url).content.decode()
    with committed():
        services.post_restore(acting_user=moderator, post=reply)
    assert reply.body in visit(url).content.decode()
    with committed():
        services.post_hide(acting_user=moderator, post=thread, reason="Vertrouwelijk")
    assert Client().get(url).status_code == HTTPStatus.NOT_FOUND


def test_locking_moving_and_appreciating_show_at_once(thread, reply, moderator, user, committed):
    url = thread.get_absolute_url()
    visit(url), visit(url)
    with committed():
        services.thread_lock(acting_user=moderator, thread=thread)
    assert "This discussion is locked" in visit(url, HTTP_COOKIE="django_language=en").content.decode()
    other_theme = ThemeFactory(name="Ander thema")
    with committed():
        services.thread_move(acting_user=moderator, thread=thread, theme=other_theme)
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


def test_a_member_never_gets_the_cached_page(thread, user_client):
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


def test_waiting_messages_are_shown_not_a_cached_page(thread, rf):
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


def test_off_when_the_setting_is_off(thread, settings):
    settings.FORUM_PAGE_CACHE = False
    url = thread.get_absolute_url()
    visit(url)
    count, _response = queries_of(url)
    assert count > 1  # served from the cache, the view count would be the only query


def test_a_version_is_replaced_after_the_commit_never_before_nor_on_a_rollback(thread, committed):
    """
    A new random version, never a count that could come back, written once the change is
    committed: a page rendered while the change's transaction runs is not served afterwards,
    and a change rolled back replaces no version.
    """
    first = pagecache.current_versions(thread.pk)[0]
    with committed():
        pagecache.thread_changed(thread.pk)
        assert pagecache.current_versions(thread.pk)[0] == first  # not yet: the change is not committed
    second = pagecache.current_versions(thread.pk)[0]
    assert second != first
    with committed():
        try:
            with transaction.atomic():
                pagecache.thread_changed(thread.pk)
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert pagecache.current_versions(thread.pk)[0] == second


def test_a_page_rendered_during_a_change_is_not_served_after_its_commit(thread, other_user, committed):
    url = thread.get_absolute_url()
    visit(url)
    with committed():
        services.reply_create(author=other_user, thread=thread, body="Nog niet vastgelegd.")
        visit(url)  # rendered or served under the old version while the change runs
    assert "Nog niet vastgelegd." in visit(url).content.decode()


def test_a_change_made_by_another_process_shows_at_once(long_thread, django_assert_max_num_queries):
    """The versions are in the database: another server's change, which never touched this process, shows."""
    url = long_thread.get_absolute_url()
    visit(url)
    with django_assert_max_num_queries(1):
        visit(url)
    Reply.objects.filter(thread=long_thread, body="Reactie 24 in de lange discussie.").update(
        body="Elders bewerkt.", body_html="<p>Elders bewerkt.</p>"
    )
    PageVersion.objects.update_or_create(scope=long_thread.pk, defaults={"version": 424242})
    assert "Elders bewerkt." in visit(url).content.decode()
    PageVersion.objects.update_or_create(scope=PageVersion.SITE, defaults={"version": 434343})
    count, _response = queries_of(url)
    assert count > 1  # rendered again: the site's version changed too


def test_a_stale_page_counts_its_view_once(long_thread, committed):
    """The UPDATE that would serve a stale page counts nothing; the page rendered instead counts the view."""
    url = long_thread.get_absolute_url()
    visit(url)
    with committed():
        pagecache.thread_changed(long_thread.pk)
    assert shown_views(visit(url)) == 2
    long_thread.refresh_from_db()
    assert long_thread.view_count == 2


def test_a_page_is_rendered_again_when_the_thread_closes(thread, moderator):
    """Closing at a set time changes the page by itself, with no service call: it is not served past that moment."""
    services.thread_close_at(
        acting_user=moderator, thread=thread, closes_at=timezone.now() + timedelta(hours=1), reason="Een uur"
    )
    url = thread.get_absolute_url()
    visit(url)
    assert queries_of(url)[0] == 1  # served
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=59)):
        assert queries_of(url)[0] == 1
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=2)):
        assert queries_of(url)[0] > 1  # rendered: the page now says the thread is closed


def test_a_visitor_with_a_session_gets_a_rendered_page(thread, django_assert_max_num_queries):
    """A session may hold a member or messages: the page is rendered, and it is the visitor's page."""
    url = thread.get_absolute_url()
    visit(url), visit(url)
    client = Client()
    session = client.session
    session["iets"] = "bewaard"
    session.save()
    count, response = queries_of(url, client)
    assert count > 1
    assert reverse("account_logout") not in response.content.decode()


def test_the_store_keeps_at_most_its_limit_dropping_the_page_served_longest_ago():
    store = pagecache.PageStore()

    def page(size):
        return pagecache.Page(1, 1, None, (), (b"x" * size,), size)

    store.put("a", page(400), limit=1000)
    store.put("b", page(400), limit=1000)
    assert store.get("a") is not None  # "a" served last: "b" is now the oldest
    store.put("c", page(400), limit=1000)
    assert store.get("b") is None and store.get("a") is not None and store.get("c") is not None
    assert store.size == 800
    store.put("too big", page(1001), limit=1000)
    assert store.get("too big") is None and len(store) == 2
    store.discard("a")
    assert store.size == 400 and len(store) == 1


def test_served_pages_keep_the_frame_and_policy_headers(thread):
    url = thread.get_absolute_url()
    rendered = visit(url)
    served = visit(url)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "Content-Language", "Vary"):
        assert served[header] == rendered[header]
    assert served["Content-Length"] == str(len(served.content))


def test_a_new_visitor_costs_one_query_and_no_session(thread, django_assert_num_queries):
    """The view is counted with the signed cookie (forum.viewed), not a session: nothing else is written."""
    url = thread.get_absolute_url()
    visit(url)
    client = Client()
    with django_assert_num_queries(1):  # UPDATE … RETURNING
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
        services.post_approve(acting_user=moderator, post=reply)
    assert "Wacht op goedkeuring." in visit(url).content.decode()


def test_with_debug_an_edited_template_shows_without_a_restart(settings, tmp_path):
    settings.DEBUG = True
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    template = tmp_path / "edited.html"
    template.write_text("een")
    before = pagecache.release()
    template.write_text("twee, langer")
    assert pagecache.release() != before


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
    assert queries_of(url)[0] == 1  # served
    Reply.objects.filter(thread=long_thread, body="Reactie 24 in de lange discussie.").update(
        body_html="<p>Rechtstreeks in de database verbeterd.</p>"
    )
    assert "Rechtstreeks in de database verbeterd." not in visit(url).content.decode()
    output = StringIO()
    with committed():
        call_command("pagecache_refresh", stdout=output)
    assert "rendered afresh" in output.getvalue()
    assert "Rechtstreeks in de database verbeterd." in visit(url).content.decode()


def test_the_refresh_command_says_so_when_the_cache_is_off(settings):
    settings.FORUM_PAGE_CACHE = False
    output = StringIO()
    call_command("pagecache_refresh", stdout=output)
    assert "off" in output.getvalue()
