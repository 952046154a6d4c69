import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Reply, Thread
from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory
from moderation import services as moderation_services
from moderation.models import ProblemReport


@pytest.fixture
def seeded(db):
    call_command("seed_forum", verbosity=0)
    return Thread.objects.get()


def headings(response):
    """The reply headings of a thread page, as text."""
    html = response.content.decode()
    found = re.findall(r'<h3 id="reactie-\d+-title"[^>]*>(.*?)</h3>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", heading).split()) for heading in found]


def test_seeded_thread_reads_as_on_the_original_in_dutch(client, seeded):
    """Replies read "Reactie van NAME op 10 april 2012 om 0.25", newest first, with the view count."""
    response = client.get(seeded.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert headings(response) == [
        "Reactie van sietze zijl op 10 april 2012 om 0.25",
        "Reactie van Davied op 6 april 2012 om 9.33",
        "Reactie van Harro Ranter op 5 april 2012 om 17.52",
        "Reactie van Fatou van den Hoff op 5 april 2012 om 14.57",
        "Reactie van Davied op 5 april 2012 om 8.47",
    ]
    assert "Weergaven: 288" in html
    assert "Je moet lid zijn van Ambtenaar 2.0 om reacties te kunnen toevoegen!" in html
    assert "Word lid van Ambtenaar 2.0" in html
    assert f'href="{reverse("accounts:profile", kwargs={"handle": seeded.author.handle})}"' in html


def test_oldest_first_switch(client, seeded):
    """The visible switch puts the oldest reply first."""
    response = client.get(seeded.get_absolute_url(), {"sort": "oldest"})
    assert headings(response)[0] == "Reactie van Davied op 5 april 2012 om 8.47"
    assert 'aria-current="true"' in response.content.decode()


def test_english_when_the_visitor_chooses_english(client, seeded):
    """A visitor who switches to English reads English dates and labels."""
    response = client.post(reverse("set_language"), {"language": "en", "next": seeded.get_absolute_url()})
    assert response.status_code == HTTPStatus.FOUND
    response = client.get(seeded.get_absolute_url())
    assert headings(response)[0] == "Reply by sietze zijl on 10 April 2012 at 0:25"
    assert 'lang="en"' in response.content.decode()


def test_views_are_counted_once_per_visitor_session(client, seeded, django_user_model):
    """Opening the page again in the same session does not count again; another visitor does."""
    client.get(seeded.get_absolute_url())
    client.get(seeded.get_absolute_url())
    seeded.refresh_from_db()
    assert seeded.view_count == 288
    client.__class__().get(seeded.get_absolute_url())
    seeded.refresh_from_db()
    assert seeded.view_count == 289


def test_short_and_wrong_slug_urls_redirect_to_the_thread(client, seeded):
    """/discussie/<id>/ and an outdated slug lead to the canonical address."""
    for url in (f"/discussie/{seeded.pk}/", f"/discussie/{seeded.pk}-oude-titel/"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == seeded.get_absolute_url()


def test_replies_are_paginated(client, thread, settings):
    """Long threads show a page of replies at a time, with links to the other pages."""
    settings.FORUM_REPLIES_PER_PAGE = 5
    start = timezone.now() - timedelta(days=1)
    for number in range(12):
        ReplyFactory(thread=thread, body=f"Reactie {number:02d}", created_at=start + timedelta(minutes=number))
    first = client.get(thread.get_absolute_url())
    assert "Reactie 11" in first.content.decode() and "Reactie 06" not in first.content.decode()
    last = client.get(thread.get_absolute_url(), {"page": 3})
    assert "Reactie 00" in last.content.decode() and "Reactie 02" not in last.content.decode()
    oldest = client.get(thread.get_absolute_url(), {"sort": "oldest", "page": 2})
    assert "Reactie 05" in oldest.content.decode()
    assert "page=3&amp;sort=oldest" in oldest.content.decode()


def test_reply_link_lands_on_the_right_page(client, thread, settings):
    """A link to a reply opens the page where it stands, at its anchor."""
    settings.FORUM_REPLIES_PER_PAGE = 5
    start = timezone.now() - timedelta(days=1)
    replies = [ReplyFactory(thread=thread, created_at=start + timedelta(minutes=n)) for n in range(7)]
    response = client.get(reverse("forum:reply", kwargs={"pk": replies[0].pk}))
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#reactie-{replies[0].pk}"


def test_verified_member_sees_the_reply_form_and_posts(user_client, thread):
    """A member with a verified address replies; the reply shows on the thread page."""
    page = user_client.get(thread.get_absolute_url())
    assert 'name="body"' in page.content.decode()
    response = user_client.post(
        reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Goed punt, **eens**."}
    )
    reply = Reply.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("forum:reply", kwargs={"pk": reply.pk})
    page = user_client.get(response["Location"], follow=True)
    assert "Goed punt, <strong>eens</strong>." in page.content.decode()


def test_preview_shows_the_text_without_posting(user_client, thread):
    """Preview renders the Markdown and keeps it in the form; nothing is stored."""
    response = user_client.post(
        reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "*schuin*", "preview": "1"}
    )
    html = response.content.decode()
    assert "<em>schuin</em>" in html and "*schuin*</textarea>" in html
    assert not Reply.objects.exists()


def test_unverified_member_is_asked_to_confirm(client, unverified_user, thread):
    """Without a verified address there is no reply form, but a way to confirm."""
    client.force_login(unverified_user)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert 'name="body"' not in html
    assert reverse("account_email") in html


def test_locked_thread_says_so(user_client, locked_thread):
    """A locked thread explains that no replies can be added."""
    html = user_client.get(locked_thread.get_absolute_url()).content.decode()
    assert 'name="body"' not in html
    assert "gesloten" in html


def test_member_starts_a_thread_from_a_theme_page(user_client, theme):
    """The theme page leads to the new-thread form; publishing opens the thread."""
    assert (
        reverse("forum:thread_create", kwargs={"slug": theme.slug})
        in user_client.get(theme.get_absolute_url()).content.decode()
    )
    response = user_client.post(
        reverse("forum:thread_create", kwargs={"slug": theme.slug}),
        {"title": "  Open   data bij gemeenten ", "body": "Wie heeft ervaring?"},
    )
    thread = Thread.objects.get()
    assert thread.title == "Open data bij gemeenten"
    assert response["Location"] == thread.get_absolute_url()


def test_author_edits_and_sees_revisions(user_client, thread):
    """An author edits their thread; the earlier version stays visible to them."""
    response = user_client.post(
        reverse("forum:thread_edit", kwargs={"pk": thread.pk}), {"title": thread.title, "body": "Aangepast"}
    )
    assert response.status_code == HTTPStatus.FOUND
    revisions = user_client.get(reverse("forum:thread_revisions", kwargs={"pk": thread.pk}))
    assert "Wat vinden jullie hiervan?" in revisions.content.decode()


def test_revisions_are_not_public(client, thread, user):
    """Earlier versions may hold what an author removed on purpose: visitors cannot see them."""
    services.thread_edit(acting_user=user, thread=thread, title=thread.title, body="Zonder vertrouwelijke info")
    response = client.get(reverse("forum:thread_revisions", kwargs={"pk": thread.pk}))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_moderator_sees_hidden_reply_with_reason(moderator_client, hidden_reply):
    """Moderators see hidden replies, marked, with the reason."""
    html = moderator_client.get(hidden_reply.thread.get_absolute_url()).content.decode()
    assert hidden_reply.body in html and "Spam" in html


def test_home_lists_pinned_and_latest_threads(client, theme, moderator):
    """The home page shows the site name, pinned threads first, then the latest."""
    old = ThreadFactory(theme=theme, title="Oude vastgezette discussie")
    moderation_services.thread_pin(acting_user=moderator, thread=old)
    ThreadFactory(theme=theme, title="Nieuwste discussie")
    html = client.get(reverse("forum:home")).content.decode()
    assert "Ambtenaar 2.0" in html and "samen werken aan overheid 2.0" in html
    assert html.index("Oude vastgezette discussie") < html.index("Nieuwste discussie")


def test_problem_report_is_stored_for_moderators(client, seeded):
    """Visitors report a problem with the page it is about; moderators read it in the admin."""
    form = client.get(reverse("moderation:problem_report"), {"pagina": seeded.get_absolute_url()})
    assert seeded.get_absolute_url() in form.content.decode()
    response = client.post(
        reverse("moderation:problem_report"),
        {"message": "Deze link werkt niet", "page_url": seeded.get_absolute_url(), "contact_email": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    report = ProblemReport.objects.get()
    assert report.page_url == seeded.get_absolute_url() and report.reporter is None


def test_terms_page_and_footer(client, seeded):
    """Every page's footer links to the terms and the problem form; the terms are admin-edited text."""
    html = client.get(reverse("forum:home")).content.decode()
    assert "Een probleem rapporteren?" in html and "Algemene voorwaarden" in html
    terms = client.get(reverse("accounts:terms"))
    assert "geheimhoudingsplicht" in terms.content.decode()
    privacy = client.get(reverse("forum:page", kwargs={"slug": "privacyverklaring"}))
    assert "IP-adressen" in privacy.content.decode()


def test_unknown_page_is_a_styled_404(client, db):
    """An unknown address shows the site's own 404 page."""
    response = client.get("/bestaat-niet/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Ambtenaar 2.0" in response.content.decode()


def test_share_links_are_plain_links(client, seeded):
    """Share by e-mail, LinkedIn, Mastodon or copied link, without third-party scripts."""
    html = client.get(seeded.get_absolute_url()).content.decode()
    assert "mailto:?subject=" in html
    assert "https://www.linkedin.com/sharing/share-offsite/?url=http%3A%2F%2Ftestserver" in html
    assert "https://social.overheid.nl/share?text=" in html
    assert 'id="share-link"' in html


@pytest.mark.parametrize(
    "url_name", ["forum:home", "thread", "account_signup", "account_login", "moderation:problem_report"]
)
def test_pages_load_nothing_from_elsewhere_and_nothing_inline(client, seeded, url_name):
    """
    No third-party request and no inline script or style: a strict CSP holds. The canonical link
    names the page's own full address and loads nothing.
    """
    url = seeded.get_absolute_url() if url_name == "thread" else reverse(url_name)
    response = client.get(url)
    html = response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r'<(script|link(?![^>]*\brel="canonical")|img|iframe)[^>]+(src|href)="(https?:)?//', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"<style[\s>]", html) and ' style="' not in html, "inline style"


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(context.captured_queries)


def test_home_page_queries_do_not_grow_with_threads(client, theme):
    """The home page costs the same number of queries with 2 or 40 threads."""
    authors = [UserFactory() for _ in range(3)]
    for number in range(2):
        ThreadFactory(theme=theme, author=authors[number])
    few = _count_queries(client, reverse("forum:home"))
    for number in range(38):
        ThreadFactory(theme=theme, author=authors[number % 3])
    assert _count_queries(client, reverse("forum:home")) == few
    # sessions: none for a visitor; the pinned list, the page, its count, the themes with counts,
    # and three small queries for "Latest activity" (threads, replies, new members).
    assert few <= 8


def test_thread_page_queries_do_not_grow_with_replies(client, thread):
    """The thread page costs the same number of queries with 1 or 30 replies, for a visitor."""
    ReplyFactory(thread=thread)
    url = thread.get_absolute_url()
    few = _count_queries(client.__class__(), url)
    for _ in range(29):
        ReplyFactory(thread=thread)
    many = _count_queries(client.__class__(), url)
    assert many == few
    # thread with theme and author, the view count update, the replies with authors,
    # and the session (read and write for a new visitor).
    assert few <= 8


def test_thread_page_queries_for_a_member(user_client, user, thread):
    """A logged-in member's thread page also has a fixed number of queries."""
    for _ in range(3):
        ReplyFactory(thread=thread)
    user_client.get(thread.get_absolute_url())  # the first visit also counts the view
    few = _count_queries(user_client, thread.get_absolute_url())
    for _ in range(20):
        ReplyFactory(thread=thread, author=UserFactory())
    # New replies to read: the read position moves forward, in one statement.
    assert _count_queries(user_client, thread.get_absolute_url()) == few + 1
    assert _count_queries(user_client, thread.get_absolute_url()) == few
    # The member with their standing (role, verified address, organisation accounts, unread
    # notifications) in one query, the session coming from the cache; the thread with their read
    # position, whether they follow it and whether they appreciated it; the page of replies with
    # their appreciations.
    assert few == 3


def test_dutch_even_for_an_english_browser(client, seeded):
    """The site speaks Dutch unless the visitor chooses English; the browser's language is not enough."""
    response = client.get(seeded.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert headings(response)[0] == "Reactie van sietze zijl op 10 april 2012 om 0.25"
    assert response["Content-Language"] == "nl"


def test_admin_is_titled_ambtenaar_beheer(client, administrator):
    """Administrators run the site from "Ambtenaar 2.0 beheer"."""
    client.force_login(administrator)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Ambtenaar 2.0 beheer" in html
