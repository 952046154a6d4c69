"""Unread markers, the jump to the first unread reply, and "Latest activity" on the home page."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ProfileVisibility
from forum import selectors, services
from forum.models import ThreadVisit
from forum.tests.factories import ReplyFactory, ThemeFactory, ThreadFactory, UserFactory
from moderation import services as moderation_services

NOW = timezone.now()


def days_ago(days):
    return NOW - timedelta(days=days)


@pytest.fixture
def member(db):
    """A member who joined thirty days ago."""
    return UserFactory(date_joined=days_ago(30))


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def recent_thread(db, theme):
    """A thread started after the member joined, with nothing after it."""
    return ThreadFactory(theme=theme, title="Recente discussie", created_at=days_ago(10))


def thread_items(response):
    """Title → whether the thread list marks it as new (the class and a badge with text)."""
    html = response.content.decode()
    items = re.findall(r'<li class="thread-item([^"]*)">(.*?)</li>', html, re.S)
    found = {}
    for classes, body in items:
        title = re.search(r'<a href="[^"]*">([^<]*)</a>', body).group(1)
        badge = re.search(r'<span class="badge badge-unread">\s*(\w[^<]*)', body)
        assert ("thread-item--unread" in classes) == bool(badge), "the marker is never the class alone"
        found[title] = badge is not None
    return found


def jump_link(response):
    """The href of "Go to the first unread reply", or None."""
    match = re.search(r'<p class="unread-jump">\s*<a href="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


def activity_section(response):
    html = response.content.decode()
    start = html.index('id="activity-title"')
    return html[start : html.index("</section>", start)]


# Unread markers -------------------------------------------------------------------------


def test_new_reply_marks_a_read_thread_as_new(member_client, recent_thread, theme):
    """After a visit the thread is read; a reply by someone else marks it "new" on home and theme pages."""
    member_client.get(recent_thread.get_absolute_url())
    assert thread_items(member_client.get(reverse("forum:home"))) == {"Recente discussie": False}
    ReplyFactory(thread=recent_thread)
    assert thread_items(member_client.get(reverse("forum:home"))) == {"Recente discussie": True}
    assert thread_items(member_client.get(theme.get_absolute_url())) == {"Recente discussie": True}


def test_visiting_a_thread_marks_it_read(member_client, recent_thread, theme):
    """A thread started since the member joined is new until they open it."""
    ReplyFactory(thread=recent_thread, created_at=days_ago(5))
    assert thread_items(member_client.get(reverse("forum:home")))["Recente discussie"] is True
    response = member_client.get(recent_thread.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert thread_items(member_client.get(reverse("forum:home")))["Recente discussie"] is False
    assert thread_items(member_client.get(theme.get_absolute_url()))["Recente discussie"] is False


def test_pinned_threads_are_marked_too(member_client, recent_thread, moderator):
    """The pinned list on the home page shows the marker as well."""
    moderation_services.thread_pin(acting_user=moderator, thread=recent_thread)
    assert thread_items(member_client.get(reverse("forum:home"))) == {"Recente discussie": True}


def test_jump_link_targets_the_first_unread_reply(member_client, recent_thread, settings):
    """The thread page links to the oldest reply written since the last visit; that link opens its page."""
    settings.FORUM_REPLIES_PER_PAGE = 2
    ReplyFactory(thread=recent_thread, created_at=days_ago(6))
    member_client.get(recent_thread.get_absolute_url())
    first_unread = ReplyFactory(thread=recent_thread, created_at=days_ago(4))
    for days in (3, 2, 1):
        ReplyFactory(thread=recent_thread, created_at=days_ago(days))
    response = member_client.get(recent_thread.get_absolute_url())
    assert jump_link(response) == reverse("forum:reply", kwargs={"pk": first_unread.pk})
    landing = member_client.get(jump_link(response))
    assert landing["Location"] == f"{recent_thread.get_absolute_url()}?page=2#reactie-{first_unread.pk}"
    assert jump_link(member_client.get(recent_thread.get_absolute_url())) is None


def test_first_visit_jumps_to_the_first_reply_since_joining(member_client, theme):
    """Without a visit, replies written before the member joined are not unread; later ones are."""
    thread = ThreadFactory(theme=theme, created_at=days_ago(60))
    ReplyFactory(thread=thread, created_at=days_ago(40))
    since_joining = ReplyFactory(thread=thread, created_at=days_ago(20))
    ReplyFactory(thread=thread, created_at=days_ago(10))
    response = member_client.get(thread.get_absolute_url())
    assert jump_link(response) == reverse("forum:reply", kwargs={"pk": since_joining.pk})


def test_no_markers_on_threads_older_than_the_members_joining(member_client, theme):
    """A new member is not flooded: what happened before they joined is not new to them."""
    before = ThreadFactory(theme=theme, title="Van voor je tijd", created_at=days_ago(60))
    ReplyFactory(thread=before, created_at=days_ago(45))
    after = ThreadFactory(theme=theme, title="Oud maar levend", created_at=days_ago(60))
    ReplyFactory(thread=after, created_at=days_ago(15))
    marked = thread_items(member_client.get(reverse("forum:home")))
    assert marked == {"Van voor je tijd": False, "Oud maar levend": True}
    assert jump_link(member_client.get(before.get_absolute_url())) is None


def test_visitor_sees_no_markers_and_leaves_no_trace(client, recent_thread):
    """Visitors get no "new" badge, no jump link, and no visit is stored."""
    ReplyFactory(thread=recent_thread)
    assert thread_items(client.get(reverse("forum:home"))) == {"Recente discussie": False}
    response = client.get(recent_thread.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert jump_link(response) is None
    assert not ThreadVisit.objects.exists()


def test_hidden_replies_do_not_count_as_unread(member_client, recent_thread, moderator):
    """The jump skips a hidden reply; with only hidden replies since the visit there is no jump."""
    member_client.get(recent_thread.get_absolute_url())
    hidden = ReplyFactory(thread=recent_thread, created_at=days_ago(3))
    moderation_services.post_hide(acting_user=moderator, post=hidden, reason="Spam")
    assert jump_link(member_client.get(recent_thread.get_absolute_url())) is None
    later_hidden = ReplyFactory(thread=recent_thread, created_at=days_ago(2))
    moderation_services.post_hide(acting_user=moderator, post=later_hidden, reason="Spam")
    published = ReplyFactory(thread=recent_thread, created_at=days_ago(1))
    response = member_client.get(recent_thread.get_absolute_url())
    assert jump_link(response) == reverse("forum:reply", kwargs={"pk": published.pk})


def test_read_until_only_moves_forward(member, recent_thread):
    """Marking read with an earlier time than recorded (a stale tab) leaves the later time in place."""
    services.thread_mark_read(member=member, thread=recent_thread, until=days_ago(2))
    services.thread_mark_read(member=member, thread=recent_thread, until=days_ago(5))
    assert ThreadVisit.objects.get(member=member, thread=recent_thread).last_read_at == days_ago(2)
    services.thread_mark_read(member=member, thread=recent_thread, until=days_ago(1))
    assert ThreadVisit.objects.get(member=member, thread=recent_thread).last_read_at == days_ago(1)


def test_mark_read_is_one_statement_and_none_when_nothing_moved(member, recent_thread, django_assert_num_queries):
    """A first visit and a move forward are one statement each; the page's known position saves even that."""
    with django_assert_num_queries(1):
        services.thread_mark_read(member=member, thread=recent_thread, until=days_ago(2))
    with django_assert_num_queries(1):
        services.thread_mark_read(member=member, thread=recent_thread, until=days_ago(1))
    assert ThreadVisit.objects.get(member=member, thread=recent_thread).last_read_at == days_ago(1)
    with django_assert_num_queries(0):  # the thread page read the stored position with the thread
        services.thread_mark_read(member=member, thread=recent_thread, until=days_ago(1), read_until=days_ago(1))
    with django_assert_num_queries(1):
        services.thread_mark_read(member=member, thread=recent_thread, until=NOW, read_until=days_ago(1))
    assert ThreadVisit.objects.get(member=member, thread=recent_thread).last_read_at == NOW


def test_mark_read_records_nothing_for_visitors(recent_thread):
    """A visitor has no reading position to store."""
    from django.contrib.auth.models import AnonymousUser

    services.thread_mark_read(member=AnonymousUser(), thread=recent_thread, until=NOW)
    assert not ThreadVisit.objects.exists()


def test_one_visit_row_per_member_and_thread(member_client, member, other_user, client, recent_thread):
    """Many visits, with replies in between, keep one row per member per thread, at the latest activity."""
    for days in (9, 7, 5, 3, 1):
        ReplyFactory(thread=recent_thread, created_at=days_ago(days))
        member_client.get(recent_thread.get_absolute_url())
        member_client.get(recent_thread.get_absolute_url())
    other = client.__class__()
    other.force_login(other_user)
    other.get(recent_thread.get_absolute_url())
    assert ThreadVisit.objects.filter(thread=recent_thread).count() == 2
    assert ThreadVisit.objects.get(member=member, thread=recent_thread).last_read_at == days_ago(1)


# Latest activity --------------------------------------------------------------------------


@pytest.fixture
def activity_world(db, theme, moderator):
    """Public and hidden content, and members whose profiles are public, for members only, or gone."""
    author = UserFactory(display_name="Auteur", date_joined=days_ago(400))
    public = ThreadFactory(theme=theme, author=author, title="Openbare discussie", created_at=days_ago(9))
    hidden_thread = ThreadFactory(theme=theme, author=author, title="Verborgen discussie", created_at=days_ago(8))
    moderation_services.post_hide(acting_user=moderator, post=hidden_thread, reason="Vertrouwelijk")
    reply = ReplyFactory(thread=public, author=author, created_at=days_ago(7))
    hidden_reply = ReplyFactory(thread=public, author=author, created_at=days_ago(6))
    moderation_services.post_hide(acting_user=moderator, post=hidden_reply, reason="Spam")
    reply_in_hidden_thread = ReplyFactory(thread=hidden_thread, author=author, created_at=days_ago(5))
    moderator.date_joined = days_ago(500)
    moderator.save(update_fields=["date_joined"])
    return {
        "thread": public,
        "reply": reply,
        "hidden_reply": hidden_reply,
        "reply_in_hidden_thread": reply_in_hidden_thread,
        "public_member": UserFactory(
            display_name="Open Profiel", profile_visibility=ProfileVisibility.PUBLIC, date_joined=days_ago(4)
        ),
        "members_only": UserFactory(display_name="Alleen Leden", date_joined=days_ago(3)),
        "former": UserFactory(
            display_name="Oud Lid", is_former_member=True, profile_visibility=ProfileVisibility.PUBLIC
        ),
        "organisation_account": UserFactory(
            display_name="Team Open Overheid",
            is_organisation_account=True,
            profile_visibility=ProfileVisibility.PUBLIC,
        ),
    }


def test_activity_for_visitors_shows_only_public_things(client, activity_world):
    """Visitors see published threads and replies and public profiles; nothing hidden, no members-only names."""
    html = activity_section(client.get(reverse("forum:home")))
    world = activity_world
    # The discussion once, linked to its latest published reply (not the hidden one).
    assert html.count("Openbare discussie") == 1
    assert f'href="{world["reply"].get_absolute_url()}">Openbare discussie</a>' in html
    assert "Laatste reactie van Auteur" in " ".join(html.split())
    assert f'href="{world["public_member"].get_absolute_url()}">Open Profiel</a>' in html
    assert "Verborgen discussie" not in html
    assert world["hidden_reply"].get_absolute_url() not in html
    assert world["reply_in_hidden_thread"].get_absolute_url() not in html
    for name in ("Alleen Leden", "Oud Lid", "Team Open Overheid"):
        assert name not in html
    assert html.count('class="activity-item ') == 2  # the public member and the discussion


def test_activity_for_members_also_names_members_only_profiles(member_client, activity_world):
    """Members also see new members whose profile is for members only; never former members or accounts."""
    html = activity_section(member_client.get(reverse("forum:home")))
    assert f'href="{activity_world["members_only"].get_absolute_url()}">Alleen Leden</a>' in html
    assert "Oud Lid" not in html and "Team Open Overheid" not in html
    assert "Verborgen discussie" not in html


def test_activity_is_newest_first_and_at_most_ten(db, theme):
    """Ten lines at most, the newest first, whatever their kind; a discussion once, at its latest reply."""
    author = UserFactory(date_joined=days_ago(400))
    threads = [ThreadFactory(theme=theme, author=author, created_at=days_ago(20 - n)) for n in range(12)]
    replies = [ReplyFactory(thread=threads[0], author=author, created_at=days_ago(5.5 - n)) for n in range(4)]
    joined = UserFactory(profile_visibility=ProfileVisibility.PUBLIC, date_joined=days_ago(0.5))
    items = selectors.latest_activity(None)
    assert len(items) == 10
    assert [item.at for item in items] == sorted((item.at for item in items), reverse=True)
    assert items[0].url == joined.get_absolute_url()
    assert items[1].url == replies[-1].get_absolute_url()
    assert (items[1].kind, items[1].title, items[1].new_replies) == ("replies", threads[0].title, 4)
    assert [item.title for item in items].count(threads[0].title) == 1
    assert [item.url for item in items[2:]] == [thread.get_absolute_url() for thread in reversed(threads[4:])]


def test_activity_shows_a_busy_discussion_once_with_what_happened(client, theme):
    """Six new replies: the discussion is one line saying so, with who replied last and when, not six lines."""
    thread = ThreadFactory(theme=theme, title="Drukke discussie", created_at=days_ago(3))
    for n in range(5):
        ReplyFactory(thread=thread, created_at=days_ago(2 - n * 0.1))
    last = ReplyFactory(thread=thread, author=UserFactory(display_name="Laatste Schrijver"), created_at=days_ago(0.1))
    html = " ".join(activity_section(client.get(reverse("forum:home"))).split())
    assert html.count("Drukke discussie") == 1
    assert f'<a href="{last.get_absolute_url()}">Drukke discussie</a>' in html
    assert "6 nieuwe reacties, laatste van Laatste Schrijver" in html
    assert "2 uur geleden" in html


def test_activity_costs_the_same_queries_however_busy(db, theme, django_assert_num_queries):
    """The listed and the pinned discussions with their summaries, and the new members: three queries."""
    for n in range(12):
        thread = ThreadFactory(theme=theme, is_pinned=n == 0)
        for _ in range(3):
            ReplyFactory(thread=thread)
    with django_assert_num_queries(3):
        items = selectors.latest_activity(None)
    assert len(items) == 10 and all(item.new_replies == 3 for item in items)


# Query counts -------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return [query["sql"] for query in context.captured_queries]


def _grow(theme, *, threads, replies_each):
    for _ in range(threads):
        thread = ThreadFactory(theme=theme, author=UserFactory(profile_visibility=ProfileVisibility.PUBLIC))
        for _ in range(replies_each):
            ReplyFactory(thread=thread)


@pytest.mark.parametrize("url_name", ["forum:home", "forum:theme"])
def test_thread_list_queries_do_not_grow_for_a_member(member_client, member, url_name):
    """Home and theme pages cost a member the same queries with 2 or 30 threads, some read and some not."""
    theme = ThemeFactory()
    url = reverse(url_name, kwargs={"slug": theme.slug} if url_name == "forum:theme" else None)
    _grow(theme, threads=2, replies_each=1)
    member_client.get(url)  # warm the shared cache (sessions, the member's sanction state)
    few = _queries(member_client, url)
    _grow(theme, threads=28, replies_each=2)
    for thread in theme.threads.all()[:10]:
        member_client.get(thread.get_absolute_url())
    member_client.get(url)  # new threads drop the cached thread counts: the first page after them counts again
    many = _queries(member_client, url)
    assert len(many) == len(few)
    # The markers come with the thread lists (home: pinned and latest) as one indexed lookup per row:
    # no query of their own, no join.
    listing = [sql for sql in many if '"forum_threadvisit"' in sql]
    assert len(listing) == (2 if url_name == "forum:home" else 1)
    assert all('FROM "forum_thread"' in sql and 'JOIN "forum_threadvisit"' not in sql for sql in listing)
    # Both: the member and their and their groups' permissions, the page of threads and its count, and the
    # unread notifications in the header. Home adds the pinned list, themes with counts and three for
    # "Latest activity"; the theme page adds the theme and the verified address (may they start a thread).
    assert len(many) <= (11 if url_name == "forum:home" else 8)


def test_thread_page_queries_do_not_grow_for_a_member(member_client, member, recent_thread):
    """A member's thread page costs the same with 2 or 30 replies, read or with unread replies."""
    ReplyFactory(thread=recent_thread)
    member_client.get(recent_thread.get_absolute_url())  # the first visit also counts the view
    ReplyFactory(thread=recent_thread)
    unread_few = _queries(member_client, recent_thread.get_absolute_url())
    read_few = _queries(member_client, recent_thread.get_absolute_url())
    for _ in range(28):
        ReplyFactory(thread=recent_thread)
    unread_many = _queries(member_client, recent_thread.get_absolute_url())
    read_many = _queries(member_client, recent_thread.get_absolute_url())
    assert len(unread_few) == len(unread_many) and len(read_few) == len(read_many)
    # The first unread reply, the stored read position and whether they follow come with the thread's
    # own query. Moving the read position forward is one statement (an INSERT that becomes a
    # conditional UPDATE on the existing row); reading again what was read writes nothing.
    visit_statements = [sql.split(" ")[0] for sql in unread_many if '"forum_threadvisit"' in sql]
    assert visit_statements == ["SELECT", "INSERT"]
    assert [sql.split(" ")[0] for sql in read_many if '"forum_threadvisit"' in sql] == ["SELECT"]
    assert len(unread_many) == len(read_many) + 1
    # The member, their role (one query), the thread, the visit statement, the verified address and
    # the organisation accounts (reply form), the page of replies, their appreciations on it, and the
    # unread notifications.
    assert len(unread_many) <= 9
