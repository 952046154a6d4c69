"""At a glance: the home page names the site once, lists and thread pages show what happened, posts show who."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ProfileVisibility
from accounts.templatetags.member_tags import initials
from core.templatetags.site_tags import post_date
from forum import services
from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory


def between(html, start, end):
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def squeezed(html):
    return " ".join(html.split())


def test_home_page_names_the_site_once_with_one_heading_of_its_own(client, theme):
    """The header names the site; the page's one h1 says what it lists, and no line repeats the name."""
    ThreadFactory(theme=theme)
    UserFactory(display_name="Nieuw Lid", profile_visibility=ProfileVisibility.PUBLIC)
    html = client.get(reverse("forum:home")).content.decode()
    assert html.count("Ambtenaar 2.0</span>") == 1  # the header's brand
    main = between(html, "<main", "</main>")
    assert "Ambtenaar 2.0" not in main
    assert html.count("<h1") == 1
    assert squeezed(between(main, "<h1", "</h1>")).endswith(">Discussies")
    assert "Nieuw Lid</a> is lid geworden" in squeezed(main)


def test_thread_lists_show_replies_views_and_last_activity(client, theme):
    """Home and theme pages: for each thread its replies, its views and when it last moved."""
    thread = ThreadFactory(theme=theme, title="Open data", created_at=timezone.now() - timedelta(days=40))
    ReplyFactory(thread=thread, created_at=timezone.now() - timedelta(days=30))
    last = ReplyFactory(thread=thread, created_at=timezone.now() - timedelta(days=3))
    type(thread).objects.filter(pk=thread.pk).update(view_count=7)
    with translation.override("nl"):
        date = post_date(timezone.localtime(last.created_at))
    for url in (reverse("forum:home"), theme.get_absolute_url()):
        stats = squeezed(between(client.get(url).content.decode(), '<p class="thread-stats', "</p>"))
        assert "2 reacties · 7 weergaven ·" in stats
        assert f"laatste activiteit op {date}" in stats


def test_each_post_shows_its_authors_photo_or_initials(client, theme):
    """Initials without a photo; the photo when the viewer may open the author's profile, else initials."""
    author = UserFactory(display_name="Fatou van den Hoff")
    thread = ThreadFactory(theme=theme, author=author)
    ReplyFactory(thread=thread, author=UserFactory(display_name="sietze zijl"))
    public = UserFactory(display_name="Open Foto", profile_visibility=ProfileVisibility.PUBLIC, avatar="avatars/a.jpg")
    members_only = UserFactory(display_name="Besloten Foto", avatar="avatars/b.jpg")
    ReplyFactory(thread=thread, author=public)
    ReplyFactory(thread=thread, author=members_only)
    url = thread.get_absolute_url()

    html = client.get(url).content.decode()
    initials = '<span class="avatar avatar--initials" aria-hidden="true">{}</span>'
    assert initials.format("FH") in between(html, '<article class="thread', "</header>")  # the thread's author
    replies = between(html, '<ol class="reply-list', "</ol>")
    assert replies.count('<li class="reply-item">') == 3
    assert initials.format("SZ") in replies
    assert f'<img class="avatar" src="{public.avatar.url}" alt=""' in replies
    assert initials.format("BF") in replies and members_only.avatar.url not in replies  # a visitor

    client.force_login(UserFactory())
    replies = between(client.get(url).content.decode(), '<ol class="reply-list', "</ol>")
    assert f'<img class="avatar" src="{members_only.avatar.url}" alt=""' in replies  # a member


def test_the_thread_page_has_its_facts_and_actions_in_a_column_of_their_own(user_client, theme, other_user):
    """Theme, replies, followers and views, the follow button and the report link, next to the article."""
    thread = ThreadFactory(theme=theme, author=other_user)
    ReplyFactory(thread=thread)
    services.thread_follow_toggle(member=other_user, thread=thread, follow=True)
    services.thread_follow_toggle(member=UserFactory(), thread=thread, follow=True)
    html = user_client.get(thread.get_absolute_url()).content.decode()
    aside = between(html, '<aside class="thread-aside" aria-labelledby="thread-facts-title">', "</aside>")
    text = squeezed(aside)
    assert "Over deze discussie" in text
    assert f'Thema: <a href="{theme.get_absolute_url()}">{theme.name}</a>' in text
    assert "1 reactie" in text and "2 volgers" in text and "Weergaven: 1" in text
    assert f'id="follow-thread-{thread.pk}"' in aside
    assert reverse("moderation:thread_report", kwargs={"pk": thread.pk}) in aside


def test_a_visitor_can_jump_from_the_top_of_a_thread_to_its_replies(client, thread, reply):
    """ "Naar de reacties" stands in the thread's heading, before the article's text, and leads to the replies."""
    html = client.get(thread.get_absolute_url()).content.decode()
    header = between(html, '<article class="thread', "</header>")
    assert '<a href="#replies-title">Naar de reacties</a>' in squeezed(header)
    assert '<h2 id="replies-title">' in html


def test_initials_are_the_first_letters_of_the_first_and_last_word(db):
    """Two letters at most, skipping what is not a letter or digit; a former member has none to show."""
    assert initials(UserFactory(display_name="Fatou van den Hoff")) == "FH"
    assert initials(UserFactory(display_name="Dirk Jan 't Hooft")) == "DH"
    assert initials(UserFactory(display_name="sietze")) == "S"
    assert initials(UserFactory(display_name="Oud Lid", is_former_member=True)) == "?"
