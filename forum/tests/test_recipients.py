"""Who hears of a new thread, reply or mention: every event tells the right members once, and nobody else."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from forum import tasks
from forum.models import ThemeFollow, ThreadFollow
from notifications.models import Kind, Notification

from .factories import ThreadFactory, UserFactory


def told(member):
    return list(Notification.objects.filter(recipient=member).values_list("kind", flat=True))


def summary(notification, language="en"):
    with translation.override(language):
        return render_to_string("notifications/_summary.txt", {"notification": notification})


def test_authors_follow_their_new_thread(post, user, theme):
    """Starting a thread makes its author follow it."""
    thread = post.thread(user, theme)
    assert ThreadFollow.objects.filter(member=user, thread=thread).exists()


def test_a_reply_tells_the_thread_author_once_and_not_the_replier(post, user, other_user, theme):
    """The author hears of a reply to their thread (not also as a follower); the one who replied hears nothing."""
    thread = post.thread(user, theme)
    reply = post(other_user, thread)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (user, Kind.REPLY_TO_THREAD)
    assert (notification.actor, notification.target, notification.target.thread) == (other_user, reply, thread)
    assert told(other_user) == []
    assert summary(notification) == f"{other_user.display_name} replied to your discussion “Open data”"


def test_followers_of_the_thread_and_its_theme_hear_of_replies(post, user, other_user, theme):
    """Members who follow the thread or its theme are told; a member who follows neither is not."""
    thread = post.thread(user, theme)
    thread_follower, theme_follower, bystander = UserFactory(), UserFactory(), UserFactory()
    ThreadFollow.objects.create(member=thread_follower, thread=thread)
    ThemeFollow.objects.create(member=theme_follower, theme=theme)
    post(other_user, thread)
    assert told(thread_follower) == [Kind.REPLY_IN_FOLLOWED]
    assert told(theme_follower) == [Kind.REPLY_IN_FOLLOWED]
    assert told(bystander) == []
    notification = Notification.objects.get(recipient=thread_follower)
    assert summary(notification) == f"{other_user.display_name} wrote in “Open data”, which you follow"


def test_one_notification_per_member_per_event(post, user, other_user, theme):
    """A member mentioned in a reply who also follows the thread and the theme is told once: of the mention."""
    thread = post.thread(user, theme)
    reader = UserFactory()
    ThreadFollow.objects.create(member=reader, thread=thread)
    ThemeFollow.objects.create(member=reader, theme=theme)
    post(other_user, thread, body=f"Wat denk jij, @{reader.handle}?")
    assert told(reader) == [Kind.MENTION]
    assert Notification.objects.count() == 2  # the reader's mention and the author's reply notification


def test_a_mentioned_thread_author_gets_only_the_mention(post, user, other_user, theme):
    """The thread author named in a reply hears of the mention, not of the reply as well."""
    thread = post.thread(user, theme)
    post(other_user, thread, body=f"Eens met @{user.handle}.")
    assert told(user) == [Kind.MENTION]


def test_nobody_is_told_of_their_own_reply(post, user, theme):
    """Replying in your own (followed) thread, even naming yourself, tells nobody."""
    thread = post.thread(user, theme)
    ThemeFollow.objects.create(member=user, theme=theme)
    post(user, thread, body=f"Aanvulling van @{user.handle}.")
    assert not Notification.objects.exists()


def test_a_new_thread_tells_theme_followers_and_mentioned_members(post, user, theme):
    """A new thread tells its theme's followers and the members it names, once each; not its author."""
    follower, named = UserFactory(), UserFactory()
    ThemeFollow.objects.create(member=follower, theme=theme)
    ThemeFollow.objects.create(member=named, theme=theme)
    ThemeFollow.objects.create(member=user, theme=theme)
    post.thread(user, theme, body=f"Wat vind jij, @{named.handle}?")
    assert told(follower) == [Kind.REPLY_IN_FOLLOWED]
    assert told(named) == [Kind.MENTION]
    assert told(user) == []
    notification = Notification.objects.get(recipient=follower)
    assert summary(notification) == f"{user.display_name} started “Open data” in a theme you follow"


@pytest.mark.parametrize("state", ["inactive", "former_member", "organisation_account"])
def test_closed_and_organisation_accounts_are_not_told(post, user, other_user, theme, state):
    """Inactive and closed accounts and organisation accounts are never told, even when they follow."""
    thread = post.thread(user, theme)
    attributes = {
        "inactive": {"is_active": False},
        "former_member": {"is_former_member": True},
        "organisation_account": {"is_organisation_account": True},
    }[state]
    follower = UserFactory()
    ThreadFollow.objects.create(member=follower, thread=thread)
    type(follower).objects.filter(pk=follower.pk).update(**attributes)
    post(other_user, thread)
    assert told(follower) == []
    assert told(user) == [Kind.REPLY_TO_THREAD]


def test_an_organisation_account_as_thread_author_is_not_told(post, other_user, theme):
    """A thread posted under an organisation account tells nobody as its author: nobody logs in as it."""
    account = UserFactory(is_organisation_account=True)
    thread = ThreadFactory(theme=theme, author=account)
    post(other_user, thread)
    assert told(account) == []


def test_a_reply_hidden_before_the_task_runs_tells_only_moderators(hidden_reply, thread, user, moderator):
    """When the reply is hidden before its notifications go out, followers and the author hear nothing."""
    ThreadFollow.objects.create(member=moderator, thread=thread)
    follower = UserFactory()
    ThreadFollow.objects.create(member=follower, thread=thread)
    assert tasks.reply_posted.call(hidden_reply.pk) == 1
    assert told(moderator) == [Kind.REPLY_IN_FOLLOWED]
    assert told(follower) == [] and told(user) == []


def test_the_tasks_do_nothing_for_posts_that_are_gone(db):
    """A task for a reply or thread that no longer exists tells nobody and does not fail."""
    assert tasks.reply_posted.call(987654) == 0
    assert tasks.thread_posted.call(987654) == 0
