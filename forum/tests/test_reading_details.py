"""Words and links people read: short links, unread markers, revisions, mentions, auto-links."""

import importlib
import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import member_close_account
from core.text import render_markdown
from forum import services
from forum.models import Reply, Thread
from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory


@pytest.mark.parametrize("path", ["/discussie/{pk}/", "/discussie/{pk}-oude-titel/"])
def test_short_link_keeps_the_page_and_the_order(client, db, path):
    """A short link with ?page=2&sort=oldest opens that page in that order, and passes nothing else on."""
    thread = ThreadFactory()
    response = client.get(path.format(pk=thread.pk), {"page": "2", "sort": "oldest", "next": "https://evil.example/"})
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2&sort=oldest"


def _jump_link(response):
    """The address of "Go to the first unread reply", or None."""
    match = re.search(r'<p class="unread-jump">\s*<a href="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


def test_the_reply_you_just_posted_is_not_the_first_unread(client, db):
    """After posting, the thread page does not send the writer to their own reply; another's new one still counts."""
    member = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    thread = ThreadFactory(created_at=timezone.now() - timedelta(days=10))
    client.force_login(member)
    client.get(thread.get_absolute_url())
    response = client.post(
        reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Mijn reactie."}, follow=True
    )
    assert response.status_code == HTTPStatus.OK
    assert "Mijn reactie." in response.content.decode()
    assert _jump_link(response) is None
    others = ReplyFactory(thread=thread, body="Een ander antwoordt.")
    client.post(reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Nog een reactie van mij."})
    response = client.get(thread.get_absolute_url())
    assert _jump_link(response) == reverse("forum:reply", kwargs={"pk": others.pk})


def test_a_reply_written_for_an_organisation_is_not_unread_to_its_writer(client, db):
    """What a member wrote for an organisation account is theirs too: not unread to them."""
    member = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    thread = ThreadFactory(created_at=timezone.now() - timedelta(days=10))
    client.force_login(member)
    client.get(thread.get_absolute_url())
    reply = ReplyFactory(thread=thread, body="Namens het team.")
    Reply.objects.filter(pk=reply.pk).update(written_by=member)
    assert _jump_link(client.get(thread.get_absolute_url())) is None


@pytest.mark.parametrize("text", ["e.a.om", "o.a.nl", "zie e.d.nl", "m.b.t.nl", "i.o.m.de"])
def test_abbreviations_are_not_auto_linked(db, text):
    """Dutch abbreviations that look like an address stay text."""
    assert "<a " not in render_markdown(text)


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("rijksoverheid.nl", "http://rijksoverheid.nl"),
        ("www.Ixpressie.nl", "http://www.Ixpressie.nl"),
        ("https://x.nl/a", "https://x.nl/a"),
        ("NF.vandenHoff@ixpressie.nl", "mailto:NF.vandenHoff@ixpressie.nl"),
    ],
)
def test_real_addresses_are_still_auto_linked(db, text, href):
    assert f'href="{href}"' in render_markdown(text)


def test_seeded_thread_links_addresses_not_abbreviations(client, db):
    """On a fresh seed, "e.a.om" is text on the thread page and www.Ixpressie.nl a link."""
    call_command("seed_forum", verbosity=0)
    thread = Thread.objects.get()
    post = Reply.objects.get(body__contains="e.a.om")
    assert "e.a.om" in post.body_html and "http://e.a.om" not in post.body_html
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "e.a.om" in html and 'href="http://e.a.om"' not in html
    assert 'href="http://www.Ixpressie.nl"' in html


def test_stored_posts_with_an_abbreviation_link_are_rendered_again(db):
    """The data migration gives posts stored with the old auto-link their text back; others stay as they are."""
    migration = importlib.import_module("forum.migrations.0015_unlink_abbreviations")
    reply = ReplyFactory(body="Regels e.a.om de hoek, zie rijksoverheid.nl")
    other = ReplyFactory(body="Zie rijksoverheid.nl")
    old_html = '<p>Regels <a href="http://e.a.om" rel="nofollow ugc noopener">e.a.om</a> de hoek</p>'
    Reply.objects.filter(pk=reply.pk).update(body_html=old_html)
    Reply.objects.filter(pk=other.pk).update(
        body_html='<p>Zie <a href="http://rijksoverheid.nl">rijksoverheid.nl</a></p>'
    )
    migration.render_again(django_apps, None)
    reply.refresh_from_db()
    assert reply.body_html == render_markdown(reply.body)
    assert "http://e.a.om" not in reply.body_html
    assert 'href="http://rijksoverheid.nl"' in Reply.objects.get(pk=other.pk).body_html


def test_revision_history_shows_a_change_of_speaking_capacity(client, db):
    """Edits that change the capacity (only, or with the text) say so in the history; a text-only edit does not."""
    author = UserFactory()
    thread = ThreadFactory()
    reply = services.reply_create(author=author, thread=thread, body="Mijn mening.")
    client.force_login(author)
    edit_url = reverse("forum:reply_edit", kwargs={"pk": reply.pk})
    client.post(edit_url, {"body": "Mijn mening.", "capacity": "function"})  # only the capacity
    client.post(edit_url, {"body": "Mijn mening, aangevuld.", "capacity": "function"})  # only the text
    client.post(edit_url, {"body": "Weer persoonlijk.", "capacity": "personal"})  # both
    page = client.get(reverse("forum:reply_revisions", kwargs={"pk": reply.pk}))
    assert page.status_code == HTTPStatus.OK
    changes = re.findall(r"Spreekrol gewijzigd van “([^”]+)” naar “([^”]+)”", page.content.decode())
    assert changes == [
        ("vanuit mijn functie", "op persoonlijke titel"),  # the newest edit first
        ("op persoonlijke titel", "vanuit mijn functie"),
    ]


def test_a_mention_of_a_closed_account_reads_former_member_as_text(client, db):
    """
    Once a mentioned member closes their account, the posts that mention them (also in a quotation)
    say "voormalig lid" where the link was: no link to the profile that is gone, and not their name.
    """
    fatou = UserFactory(display_name="Fatou van den Hoff")
    other = UserFactory(display_name="Davied")
    thread = ThreadFactory(body="Wat vindt @Fatou van den Hoff ervan? En @Davied?")
    reply = services.reply_create(author=UserFactory(), thread=thread, body="> Vraag het @Fatou van den Hoff.\n\nEens.")
    profile = fatou.get_absolute_url()
    assert f'href="{profile}"' in Thread.objects.get(pk=thread.pk).body_html

    member_close_account(member=fatou)

    html = client.get(thread.get_absolute_url()).content.decode()
    assert client.get(profile).status_code == HTTPStatus.NOT_FOUND
    assert f'href="{profile}"' not in html
    assert "Fatou" not in html
    assert "Wat vindt voormalig lid ervan?" in html
    assert f'href="{other.get_absolute_url()}"' in html  # other mentions keep their link
    reply.refresh_from_db()
    assert "Vraag het voormalig lid." in reply.body_html and f'href="{profile}"' not in reply.body_html


def test_posts_mentioning_an_account_closed_earlier_are_put_right(db):
    """The data migration: a mention link to an account closed before this change reads "voormalig lid"."""
    migration = importlib.import_module("forum.migrations.0018_former_member_mentions")
    fatou = UserFactory(display_name="Fatou van den Hoff")
    davied = UserFactory(display_name="Davied")
    reply = ReplyFactory(body="Eens met @Fatou van den Hoff en @Davied.")
    profile = fatou.get_absolute_url()
    assert f'href="{profile}"' in reply.body_html
    # How closing an account left it before: name and handle gone, the posts untouched.
    type(fatou).objects.filter(pk=fatou.pk).update(
        display_name="", handle=f"voormalig-lid-{fatou.pk}", is_former_member=True, is_active=False
    )
    migration.render_again(django_apps, None)
    reply.refresh_from_db()
    assert "Eens met voormalig lid en " in reply.body_html
    assert f'href="{profile}"' not in reply.body_html and "Fatou" not in reply.body_html
    assert f'href="{davied.get_absolute_url()}"' in reply.body_html
