"""
Engagement: appreciating ("waarderen") threads and replies, following threads
and themes, and quoting a reply. Every action works as a plain POST that
redirects back, and with htmx (``HX-Request``) as a swapped fragment.
"""

import re
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.standing import standing_of
from forum import cooked, services
from forum.models import Reaction, Reply, ThemeFollow, Thread, ThreadFollow
from forum.tests.factories import ReplyFactory, ThreadFactory, UserFactory
from forum.tests.test_postgresql import WORKERS, run_concurrently
from forum.views.engagement import engagement_context, quote_initial, theme_follow_context
from notifications.models import Kind, Notification

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The tests read the English source strings, whatever the translations say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def react_url(post):
    name = "forum:reply_react" if isinstance(post, Reply) else "forum:thread_react"
    return reverse(name, kwargs={"pk": post.pk})


def count_of(post):
    return type(post).objects.values_list("reaction_count", flat=True).get(pk=post.pk)


@pytest.fixture
def member(db):
    """A member who did not write the thread or the reply."""
    return UserFactory(display_name="Fatou van den Hoff")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def organisation_reply(thread, other_user):
    """A reply shown under an organisation account, written by ``other_user``."""
    account = UserFactory(email=None, display_name="Team Digitale Overheid", is_organisation_account=True)
    reply = ReplyFactory(thread=thread, author=account)
    Reply.objects.filter(pk=reply.pk).update(written_by=other_user)
    reply.refresh_from_db()
    return reply


def render_engagement(user, thread, post, **context):
    """
    The engagement block of a thread (``_engagement.html``) or a reply (its card,
    ``_reply_card.html``) as the thread page renders it, with engagement_context wired in.
    """
    request = RequestFactory().get(thread.get_absolute_url())
    request.user = user
    is_reply = isinstance(post, Reply)
    engagement = engagement_context(user, thread, [post] if is_reply else [])
    [parts] = cooked.posts([(post, False)], versions=cooked.versions(thread.pk))  # the kept byline, badges, words
    return render_to_string(
        "forum/_reply_card.html" if is_reply else "forum/_engagement.html",
        {
            "thread": thread,
            "post": post,
            "reply": post,
            "card": engagement["reply_cards"][0] if is_reply else engagement["thread_card"],
            "cooked": parts,
            "thread_cooked": parts,
            "user": user,
            "thread_url": thread.get_absolute_url(),
            **engagement,
            **context,
        },
        request=request,
    )


# Appreciations: the rules --------------------------------------------------------------


def test_member_appreciates_a_reply_and_takes_it_back(member_client, reply):
    """A plain POST toggles the appreciation on and off, redirecting back each time; the count follows."""
    response = member_client.post(react_url(reply))
    assert response.status_code == HTTPStatus.FOUND
    assert count_of(reply) == 1
    assert Reaction.objects.filter(reply=reply).count() == 1
    response = member_client.post(react_url(reply))
    assert response.status_code == HTTPStatus.FOUND
    assert count_of(reply) == 0
    assert not Reaction.objects.exists()


def test_member_appreciates_a_thread(member, thread):
    """Threads are appreciated like replies; the service says whether the member now appreciates it."""
    assert services.reaction_toggle(member=member, post=thread) is True
    assert thread.reaction_count == 1 == count_of(thread)
    assert services.reaction_toggle(member=member, post=thread) is False
    assert thread.reaction_count == 0 == count_of(thread)


def test_the_same_button_twice_counts_once(member_client, member, reply):
    """The form sends the state it offered: submitting "appreciate" twice leaves one appreciation."""
    for _ in range(2):
        response = member_client.post(react_url(reply), {"appreciate": "1"})
        assert response.status_code == HTTPStatus.FOUND
    assert count_of(reply) == 1
    assert services.reaction_toggle(member=member, post=reply, appreciate=True) is True
    assert count_of(reply) == 1
    member_client.post(react_url(reply), {"appreciate": "0"})
    member_client.post(react_url(reply), {"appreciate": "0"})
    assert count_of(reply) == 0


def test_counts_add_up_over_members(reply, thread):
    """Each member's appreciation counts once, on the post it is for."""
    members = [UserFactory() for _ in range(3)]
    for member in members:
        services.reaction_toggle(member=member, post=reply)
    services.reaction_toggle(member=members[0], post=thread)
    assert count_of(reply) == 3
    assert count_of(thread) == 1


def test_own_post_cannot_be_appreciated(user_client, client, thread, reply, other_user):
    """Authors cannot appreciate their own thread or reply: 403, nothing counted."""
    assert user_client.post(react_url(thread)).status_code == HTTPStatus.FORBIDDEN
    client.force_login(other_user)
    assert client.post(react_url(reply)).status_code == HTTPStatus.FORBIDDEN
    assert count_of(thread) == count_of(reply) == 0


def test_writer_of_an_organisation_post_cannot_appreciate_it(client, organisation_reply, other_user):
    """The member who wrote a post for an organisation account counts as its author."""
    client.force_login(other_user)
    assert client.post(react_url(organisation_reply)).status_code == HTTPStatus.FORBIDDEN
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(member=other_user, post=organisation_reply)


def test_visitor_is_sent_to_log_in_and_back_to_the_thread(client, reply, thread):
    """A visitor's POST redirects to the login page, which returns to the thread page (not to the action)."""
    response = client.post(react_url(reply))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Freactie%2F" in response["Location"]
    response = client.post(react_url(thread), **HTMX)
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert not Reaction.objects.exists()


def test_unverified_member_cannot_appreciate(client, unverified_user, reply):
    """Only members who may post appreciate: an unverified address gets 403."""
    client.force_login(unverified_user)
    assert client.post(react_url(reply)).status_code == HTTPStatus.FORBIDDEN
    assert count_of(reply) == 0


def test_hidden_posts_are_not_found(member_client, hidden_reply, hidden_thread):
    """A hidden reply or thread does not exist for a member: 404."""
    assert member_client.post(react_url(hidden_reply)).status_code == HTTPStatus.NOT_FOUND
    assert member_client.post(react_url(hidden_thread)).status_code == HTTPStatus.NOT_FOUND


def test_moderators_cannot_appreciate_hidden_posts(moderator_client, hidden_reply):
    """Moderators see hidden replies but cannot appreciate them."""
    assert moderator_client.post(react_url(hidden_reply)).status_code == HTTPStatus.FORBIDDEN


def test_only_post_is_allowed(member_client, reply):
    """The action changes state, so a GET is refused."""
    assert member_client.get(react_url(reply)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# Appreciations: the responses ----------------------------------------------------------


def test_plain_post_returns_to_the_page_and_the_button(member_client, reply, thread):
    """Without JavaScript the member returns to the page they were on, at the button, with a message."""
    page = f"{thread.get_absolute_url()}?page=2&sort=oldest"
    response = member_client.post(react_url(reply), {"next": page, "appreciate": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{page}#reaction-reply-{reply.pk}"
    response = member_client.get(thread.get_absolute_url())
    assert "You appreciate this reply." in response.content.decode()


def test_plain_post_never_returns_to_another_site(member_client, reply, thread):
    """A ``next`` pointing elsewhere is ignored: the reply's own address leads back to it."""
    response = member_client.post(react_url(reply), {"next": "https://example.com/"})
    assert response["Location"] == reverse("forum:reply", kwargs={"pk": reply.pk})
    response = member_client.post(react_url(thread), {"next": "//example.com/"})
    assert response["Location"] == thread.get_absolute_url()


def test_htmx_post_returns_the_button_and_the_status(member_client, reply):
    """With htmx the response is the swapped block (pressed, with the count) and the status text, no page."""
    response = member_client.post(react_url(reply), {"appreciate": "1", "next": "/discussie/1/"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<html" not in html
    assert re.search(rf'id="reaction-reply-{reply.pk}"\s+data-hx-swap-oob="true"', html)
    assert 'aria-pressed="true"' in html
    assert re.search(r'name="appreciate"\s+value="0"', html)
    assert "1 appreciation" in html
    assert re.search(r'<p id="engagement-status" data-hx-swap-oob="innerHTML">\s*You appreciate this reply\.', html)
    # The button submits the page's own form, which keeps the token and the next page: not swapped.
    assert 'form="reaction-form"' in html and "<form" not in html

    response = member_client.post(react_url(reply), {"appreciate": "0"}, **HTMX)
    html = response.content.decode()
    assert 'aria-pressed="false"' in html
    assert "appreciation" not in html.split('id="engagement-status"')[0]
    assert "You no longer appreciate this reply." in html


def test_the_page_has_one_appreciation_form_for_all_its_buttons(member_client, thread):
    """
    Every appreciation button on the page submits one form (the token and the way back once),
    each to its own post's address with the state it offers; without JavaScript that is a plain POST.
    """
    page = f"{thread.get_absolute_url()}?sort=oldest"
    tokens_without_replies = member_client.get(page).content.decode().count('name="csrfmiddlewaretoken"')
    replies = [ReplyFactory(thread=thread) for _ in range(3)]
    html = member_client.get(page).content.decode()
    assert html.count('id="reaction-form"') == 1
    form = re.search(r'<form id="reaction-form"(.*?)</form>', html, re.S).group(1)
    assert 'method="post"' in form and 'name="csrfmiddlewaretoken"' in form
    assert f'name="next" value="{page}"' in form.replace("&amp;", "&")
    assert html.count('name="csrfmiddlewaretoken"') == tokens_without_replies  # not once per reply
    for reply in replies:
        button = re.search(rf'<button[^>]*id="reaction-button-reply-{reply.pk}"[^>]*>', html).group(0)
        assert 'form="reaction-form"' in button and f'formaction="{react_url(reply)}"' in button
        assert re.search(r'name="appreciate"\s+value="1"', button)
    # What the browser sends for such a button, without JavaScript: back to the page, at the button.
    response = member_client.post(react_url(replies[0]), {"next": page, "appreciate": "1"})
    assert response["Location"] == f"{page}#reaction-reply-{replies[0].pk}"
    assert count_of(replies[0]) == 1


# Notifications ---------------------------------------------------------------------------


def test_two_appreciations_make_one_notification(reply, django_capture_on_commit_callbacks):
    """The author hears of appreciations in one bundle: two members, one notification with actor_count 2."""
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_toggle(member=first, post=reply)
    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_toggle(member=second, post=reply)
    notification = Notification.objects.get()
    assert notification.recipient == reply.author
    assert notification.kind == Kind.REACTION
    assert notification.actor_count == 2
    assert notification.actor == second
    assert notification.target == reply and notification.target.thread == reply.thread
    assert notification.group_key == f"reaction:reply:{reply.pk}"


def test_thread_appreciation_notifies_its_author(thread, member, django_capture_on_commit_callbacks):
    """An appreciated thread's author is told, with the thread's own bundle."""
    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_toggle(member=member, post=thread)
    notification = Notification.objects.get()
    assert notification.recipient == thread.author
    assert notification.group_key == f"reaction:thread:{thread.pk}"
    assert notification.target == thread


def test_taking_back_tells_nobody(reply, member, django_capture_on_commit_callbacks):
    """Only adding an appreciation notifies; taking it back does not."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.reaction_toggle(member=member, post=reply, appreciate=True)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.reaction_toggle(member=member, post=reply, appreciate=False)
        services.reaction_toggle(member=member, post=reply, appreciate=False)
    assert callbacks == []
    assert Notification.objects.get().actor_count == 1


def test_organisation_post_notifies_the_member_who_wrote_it(
    organisation_reply, other_user, member, django_capture_on_commit_callbacks
):
    """Nobody reads an organisation account's notifications: the member who wrote the post hears of it."""
    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_toggle(member=member, post=organisation_reply)
    assert Notification.objects.get().recipient == other_user


# Who appreciated ----------------------------------------------------------------------


def test_members_see_who_appreciated(member_client, reply, thread):
    """The list page names the members who appreciated a reply, and works without JavaScript."""
    fans = [UserFactory(display_name=f"Fan {number}") for number in range(2)]
    for fan in fans:
        services.reaction_toggle(member=fan, post=reply)
    response = member_client.get(reverse("forum:reply_reactions", kwargs={"pk": reply.pk}))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<html" in html
    assert "Fan 0" in html and "Fan 1" in html
    assert f'href="{fans[0].get_absolute_url()}"' in html
    response = member_client.get(reverse("forum:thread_reactions", kwargs={"pk": thread.pk}))
    assert response.status_code == HTTPStatus.OK
    assert "Fan 0" not in response.content.decode()


def test_visitors_see_the_count_only(client, reply):
    """Visitors learn how many members appreciated a post, not who."""
    services.reaction_toggle(member=UserFactory(display_name="Geheime Fan"), post=reply)
    response = client.get(reverse("forum:reply_reactions", kwargs={"pk": reply.pk}))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Geheime Fan" not in html
    assert "1 member appreciates this." in html


def test_who_appreciated_loads_inline_with_htmx(member_client):
    """With htmx the list is a fragment for inline use, with a link to the full page when there are more names."""
    author = UserFactory()
    thread = ThreadFactory(author=author)
    for number in range(22):
        services.reaction_toggle(member=UserFactory(display_name=f"Fan {number:02}"), post=thread)
    response = member_client.get(reverse("forum:thread_reactions", kwargs={"pk": thread.pk}), **HTMX)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<html" not in html
    assert html.count("<li>") == 20
    assert "Fan 21" in html and "Fan 00" not in html  # newest first
    assert f'href="{reverse("forum:thread_reactions", kwargs={"pk": thread.pk})}"' in html


def test_who_appreciated_a_hidden_post_is_not_found(member_client, hidden_reply):
    """The list of a hidden reply does not exist for members."""
    url = reverse("forum:reply_reactions", kwargs={"pk": hidden_reply.pk})
    assert member_client.get(url).status_code == HTTPStatus.NOT_FOUND


# Following ----------------------------------------------------------------------------


def test_member_follows_and_unfollows_a_thread(member_client, member, thread):
    """The follow button toggles following with a plain POST that redirects back to the button."""
    url = reverse("forum:thread_follow", kwargs={"pk": thread.pk})
    response = member_client.post(url, {"follow": "1", "next": thread.get_absolute_url()})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{thread.get_absolute_url()}#follow-thread-{thread.pk}"
    assert ThreadFollow.objects.filter(member=member, thread=thread).exists()
    member_client.post(url, {"follow": "1"})  # a double click changes nothing
    assert ThreadFollow.objects.filter(member=member, thread=thread).count() == 1
    member_client.post(url)
    assert not ThreadFollow.objects.filter(member=member, thread=thread).exists()


def test_following_a_thread_with_htmx(member_client, thread):
    """With htmx the response is the pressed follow button and the status text."""
    url = reverse("forum:thread_follow", kwargs={"pk": thread.pk})
    response = member_client.post(url, {"follow": "1"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="follow-thread-{thread.pk}"' in html
    assert 'aria-pressed="true"' in html
    assert "You follow this discussion." in html


def test_member_follows_and_unfollows_a_theme(member_client, member, theme):
    """Themes are followed and unfollowed the same way, with and without htmx."""
    url = reverse("forum:theme_follow", kwargs={"slug": theme.slug})
    response = member_client.post(url, {"follow": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{theme.get_absolute_url()}#follow-theme-{theme.pk}"
    assert ThemeFollow.objects.filter(member=member, theme=theme).exists()
    response = member_client.post(url, {"follow": "0"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    assert 'aria-pressed="false"' in response.content.decode()
    assert not ThemeFollow.objects.filter(member=member, theme=theme).exists()


def test_visitors_and_unverified_members_cannot_follow(client, unverified_user, thread, theme):
    """Visitors are sent to log in; a member without a verified address gets 403."""
    thread_url = reverse("forum:thread_follow", kwargs={"pk": thread.pk})
    theme_url = reverse("forum:theme_follow", kwargs={"slug": theme.slug})
    assert client.post(thread_url)["Location"].startswith(reverse("account_login"))
    assert client.post(theme_url)["Location"].startswith(reverse("account_login"))
    client.force_login(unverified_user)
    assert client.post(thread_url).status_code == HTTPStatus.FORBIDDEN
    assert client.post(theme_url).status_code == HTTPStatus.FORBIDDEN
    assert not ThreadFollow.objects.exists() and not ThemeFollow.objects.exists()


def test_hidden_thread_cannot_be_followed(member_client, hidden_thread):
    """A hidden thread does not exist for members."""
    url = reverse("forum:thread_follow", kwargs={"pk": hidden_thread.pk})
    assert member_client.post(url).status_code == HTTPStatus.NOT_FOUND


def test_authors_follow_their_new_thread(user, theme):
    """Starting a thread follows it, and the thread page shows the button pressed."""
    thread = services.thread_create(author=user, theme=theme, title="Open data", body="Wie doet mee?")
    context = engagement_context(user, thread, [])
    assert context["following_thread"] is True
    html = render_engagement(user, thread, thread)
    assert re.search(r'id="follow-button-thread-\d+"\s+class="btn btn-sm btn-toggle"\s+aria-pressed="true"', html)


def test_organisation_accounts_neither_appreciate_nor_follow(organisation_reply, thread, theme):
    """Nobody logs in as an organisation account: it cannot appreciate or follow anything."""
    from forum import permissions

    account = organisation_reply.author
    assert not permissions.can_react(standing_of(account), thread)
    assert not permissions.can_follow_thread(standing_of(account), thread)
    assert not permissions.can_follow_theme(standing_of(account), theme)


def test_theme_follow_context(member, theme, django_assert_num_queries):
    """The theme page's follow state costs one query for a member and none for a visitor."""
    from django.contrib.auth.models import AnonymousUser

    services.theme_follow_toggle(member=member, theme=theme)
    member.refresh_from_db()
    standing = standing_of(member)
    assert standing.verified_email  # the page asked this already
    with django_assert_num_queries(1):  # whether the member follows the theme
        assert theme_follow_context(standing, theme) == {"can_follow_theme": True, "following_theme": True}
    with django_assert_num_queries(0):
        assert theme_follow_context(AnonymousUser(), theme) == {"can_follow_theme": False, "following_theme": False}


def test_theme_page_renders_the_follow_button_when_wired(member, theme):
    """The theme page's partial shows a pressed or unpressed button from theme_follow_context, nothing without it."""
    request = RequestFactory().get(theme.get_absolute_url())
    request.user = member
    html = render_to_string(
        "forum/_follow_theme.html", {"theme": theme, **theme_follow_context(member, theme)}, request=request
    )
    assert 'aria-pressed="false"' in html and 'role="status"' in html
    assert render_to_string("forum/_follow_theme.html", {"theme": theme}, request=request).strip() == ""


# The thread page's engagement block --------------------------------------------------


def test_block_shows_the_member_their_state(member, thread, reply):
    """A member sees an unpressed, then a pressed button with the count and a way to see who."""
    html = render_engagement(member, thread, reply, can_reply=True)
    assert 'aria-pressed="false"' in html
    assert 'Appreciate<span class="visually-hidden"> the reply by Lid' in html
    assert f"?quote={reply.pk}#reageren" in html
    services.reaction_toggle(member=member, post=reply)
    reply.refresh_from_db()
    html = render_engagement(member, thread, reply, can_reply=True)
    assert 'aria-pressed="true"' in html
    assert reverse("forum:reply_reactions", kwargs={"pk": reply.pk}) in html
    assert 'data-hx-trigger="toggle once from:closest details"' in html


def test_block_for_the_thread_has_follow_and_the_status_region(member, thread):
    """The thread's block adds the follow button and the page's one status region."""
    html = render_engagement(member, thread, thread)
    assert f'id="follow-thread-{thread.pk}"' in html
    assert '<p id="engagement-status" class="visually-hidden" role="status"></p>' in html
    assert "?quote=" not in html


def test_visitors_see_counts_but_no_buttons(thread, reply):
    """A visitor sees how many appreciated a post, without a button, a follow button or a quote link."""
    from django.contrib.auth.models import AnonymousUser

    services.reaction_toggle(member=UserFactory(), post=reply)
    reply.refresh_from_db()
    html = render_engagement(AnonymousUser(), thread, reply, can_reply=False)
    assert "<button" not in html and "?quote=" not in html
    assert "1 appreciation" in html
    assert "<details" not in html
    assert "<button" not in render_engagement(AnonymousUser(), thread, thread)


def test_authors_see_no_button_on_their_own_post(user, thread):
    """The author sees the count of their thread but cannot press a button."""
    html = render_engagement(user, thread, thread)
    assert "reaction-button" not in html
    assert "follow-button" in html


def test_engagement_context_query_count_does_not_grow_with_replies(member, thread, django_assert_num_queries):
    """The member's appreciations of the whole page cost one query, following one more, however many replies."""
    replies = [ReplyFactory(thread=thread) for _ in range(3)]
    services.reaction_toggle(member=member, post=replies[1])
    services.reaction_toggle(member=member, post=thread)
    services.thread_follow_toggle(member=member, thread=thread)
    member = type(member).objects.get(pk=member.pk)
    replies = list(Reply.objects.filter(thread=thread).order_by("pk"))
    thread = Thread.objects.get(pk=thread.pk)
    standing = standing_of(member)
    assert standing.verified_email and standing.terms_accepted  # the page asked these already
    # the member's appreciations of the thread and the page's replies; whether they follow the thread.
    with django_assert_num_queries(2):
        context = engagement_context(standing, thread, replies)
    assert context["thread_card"].appreciated_by_me is True
    assert (context["can_follow_thread"], context["following_thread"]) == (True, True)
    assert [card.appreciated_by_me for card in context["reply_cards"]] == [False, True, False]
    assert all(card.can_react for card in context["reply_cards"])
    assert [card.post for card in context["reply_cards"]] == replies

    replies += [ReplyFactory(thread=thread) for _ in range(20)]
    with django_assert_num_queries(2):
        engagement_context(standing, thread, replies)


def test_the_thread_page_shows_the_members_own_appreciations_from_the_posts_queries(
    member, thread, django_assert_num_queries
):
    """
    The thread page reads the member's appreciations with the thread and the replies
    (``with_appreciation_by``), so engagement_context asks nothing; the buttons show them.
    """
    replies = [ReplyFactory(thread=thread) for _ in range(3)]
    services.reaction_toggle(member=member, post=replies[1])
    services.reaction_toggle(member=member, post=thread)
    thread = Thread.objects.for_thread_page().with_appreciation_by(member).get(pk=thread.pk)
    replies = list(Reply.objects.for_thread_page().with_appreciation_by(member).filter(thread=thread).order_by("pk"))
    member = type(member).objects.get(pk=member.pk)
    standing = standing_of(member)
    assert standing.verified_email and standing.terms_accepted  # the page asked these already
    thread.followed_by_viewer = False  # as the thread page's own query gives it
    with django_assert_num_queries(0):
        context = engagement_context(standing, thread, replies)
    assert context["thread_card"].appreciated_by_me is True
    assert [card.appreciated_by_me for card in context["reply_cards"]] == [False, True, False]

    client = Client()
    client.force_login(member)
    html = client.get(thread.get_absolute_url()).content.decode()
    pressed = re.findall(r'id="reaction-(thread|reply)-(\d+)".*?aria-pressed="(true|false)"', html, re.S)
    assert ("reply", str(replies[1].pk), "true") in pressed and ("thread", str(thread.pk), "true") in pressed
    assert ("reply", str(replies[0].pk), "false") in pressed


def test_engagement_context_costs_a_visitor_nothing(thread, reply, django_assert_num_queries):
    """A visitor's thread page asks nothing more of the database."""
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        context = engagement_context(AnonymousUser(), thread, [reply])
    assert not context["thread_card"].appreciated_by_me and not context["thread_card"].can_react
    assert (context["can_follow_thread"], context["following_thread"]) == (False, False)
    [card] = context["reply_cards"]
    assert card.appreciated_by_me is False and card.can_react is False


def test_thread_page_still_renders_and_stays_strict(client, member_client, thread, reply):
    """The thread page loads htmx from this site, with its indicator styles off, and nothing inline."""
    for page_client in (client, member_client):
        response = page_client.get(thread.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert '<script src="/static/htmx/htmx.min.js" defer></script>' in html
        assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert not re.search(r"<style[\s>]", html) and ' style="' not in html
        assert " hx-on" not in html


# Quoting ------------------------------------------------------------------------------


def test_quote_is_a_blockquote_with_a_link_back(member, thread):
    """The quoted reply becomes a Markdown blockquote, signed with the author's name and a link to it."""
    author = UserFactory(display_name="Harro [Ranter]")
    reply = ReplyFactory(thread=thread, author=author, body="Eerste regel.\n\nTweede *alinea*.")
    assert quote_initial(member, str(reply.pk), thread=thread) == (
        f"> Eerste regel.\n>\n> Tweede *alinea*.\n>\n> — [Harro \\[Ranter\\]](/reactie/{reply.pk}/)\n\n"
    )


def test_long_replies_are_quoted_in_part(member, thread):
    """A quote is context, not a copy: a long reply is cut at a word."""
    reply = ReplyFactory(thread=thread, body="woord " * 1000)
    quote = quote_initial(member, reply.pk, thread=thread)
    assert len(quote) < 1700
    assert "woord …\n>\n> — [" in quote


def test_no_quote_of_hidden_or_foreign_replies(member, moderator, thread, hidden_reply):
    """Hidden replies, replies of another thread and nonsense ids give no quote, even for a moderator."""
    other = ReplyFactory(thread=ThreadFactory())
    assert quote_initial(member, hidden_reply.pk, thread=thread) == ""
    assert quote_initial(moderator, hidden_reply.pk, thread=thread) == ""
    assert quote_initial(member, other.pk, thread=thread) == ""
    assert quote_initial(member, "abc", thread=thread) == ""
    assert quote_initial(member, None, thread=thread) == ""
    assert quote_initial(member, "999999", thread=thread) == ""


def test_no_quote_for_who_cannot_reply(unverified_user, reply, thread, locked_thread):
    """Visitors, unverified members and replies in a locked thread get no quote."""
    from django.contrib.auth.models import AnonymousUser

    assert quote_initial(AnonymousUser(), reply.pk, thread=thread) == ""
    assert quote_initial(unverified_user, reply.pk, thread=thread) == ""
    locked_reply = ReplyFactory(thread=locked_thread)
    assert quote_initial(UserFactory(), locked_reply.pk, thread=locked_thread) == ""


def test_services_check_permission_first(member, hidden_reply, theme):
    """The services refuse before writing anything, for every caller."""
    with pytest.raises(Http404):
        services.reaction_toggle(member=member, post=hidden_reply)
    unverified = UserFactory(email=None)
    with pytest.raises(PermissionDenied):
        services.theme_follow_toggle(member=unverified, theme=theme)
    assert not Reaction.objects.exists() and not ThemeFollow.objects.exists()


# PostgreSQL: real concurrency ------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_appreciations_are_all_counted():
    """Eight members appreciating the same reply at the same moment make a count of exactly eight."""
    reply = ReplyFactory()
    members = [UserFactory() for _ in range(WORKERS)]

    def appreciate(index):
        return services.reaction_toggle(member=members[index], post=Reply.objects.get(pk=reply.pk))

    assert run_concurrently(appreciate, WORKERS) == [True] * WORKERS
    assert count_of(reply) == WORKERS == Reaction.objects.filter(reply=reply).count()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_double_click_counts_once():
    """One member's button pressed several times at once: no error, one appreciation, a count of one."""
    reply = ReplyFactory()
    member = UserFactory()

    def press(_):
        client = Client()
        client.force_login(member)
        response = client.post(react_url(reply), {"appreciate": "1"}, **HTMX)
        return response.status_code

    assert run_concurrently(press, WORKERS) == [HTTPStatus.OK] * WORKERS
    assert count_of(reply) == 1 == Reaction.objects.filter(reply=reply).count()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_make_one_row():
    """Following a thread several times at once leaves one follow and no error."""
    thread = ThreadFactory()
    member = UserFactory()

    def follow(_):
        return services.thread_follow_toggle(member=member, thread=thread, follow=True)

    assert run_concurrently(follow, WORKERS) == [True] * WORKERS
    assert ThreadFollow.objects.filter(member=member, thread=thread).count() == 1


def test_the_thread_page_writes_nothing_onto_its_posts(member_client, member, thread):
    """
    What the viewer may do with each post travels in its card: the thread and the replies keep
    only their query's columns.
    """
    replies = [ReplyFactory(thread=thread) for _ in range(3)]
    services.reaction_toggle(member=member, post=replies[0])
    response = member_client.get(thread.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    page_replies = [reply for reply, *_parts in response.context["replies"]]
    assert {reply.pk for reply in page_replies} == {reply.pk for reply in replies}
    page_thread = response.context["thread"]
    for post in [page_thread, *page_replies]:
        model = type(post)
        query = model.objects.for_thread_page(writers=True).with_appreciation_by(member).query
        columns = {field.attname for field in model._meta.concrete_fields} | set(query.annotations)
        if post is page_thread:
            columns |= set(
                Thread.objects.with_first_unread_reply_for(member)
                .with_following_for(member)
                .with_follower_count()
                .with_tag_list()
                .query.annotations
            )
        # Django's own: its state and the objects read with the post (its author, its thread).
        assert set(vars(post)) - columns <= {"_state", "_prefetched_objects_cache"}
    cards = {card.post.pk: card for _reply, card, *_parts in response.context["replies"]}
    assert cards[replies[0].pk].appreciated_by_me and cards[replies[0].pk].can_react
    assert not cards[replies[1].pk].appreciated_by_me
