"""Who hears of what: every event tells the right members once, and nobody else."""

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from forum import services as forum_services
from forum.models import ThemeFollow, ThreadFollow
from forum.tests.factories import ThreadFactory, UserFactory
from notifications import services, tasks
from notifications.models import Frequency, Kind, Notification, Preference


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Write through the forum services and run what they leave for after the commit (the notification tasks)."""

    def reply(author, thread, body="Goed punt."):
        with django_capture_on_commit_callbacks(execute=True):
            return forum_services.reply_create(author=author, thread=thread, body=body)

    def thread(author, theme, body="Wat vinden jullie?"):
        with django_capture_on_commit_callbacks(execute=True):
            return forum_services.thread_create(author=author, theme=theme, title="Open data", body=body)

    reply.thread = thread
    return reply


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
    assert (notification.actor, notification.thread, notification.reply) == (other_user, thread, reply)
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


def test_members_who_cannot_see_a_hidden_thread_are_not_told(hidden_thread, user, other_user, moderator):
    """A hidden thread is news to moderators only."""
    assert services.notify(recipient=other_user, kind=Kind.MENTION, actor=user, thread=hidden_thread) is None
    assert services.notify(recipient=moderator, kind=Kind.MENTION, actor=user, thread=hidden_thread) is not None


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


def test_members_who_opted_out_get_no_email_but_see_the_notification(post, user, other_user, theme):
    """With "never" for a kind there is no e-mail, but the notification is in the member's list."""
    services.preference_set(member=user, kind=Kind.REPLY_TO_THREAD, frequency=Frequency.NEVER)
    thread = post.thread(user, theme)
    post(other_user, thread)
    assert told(user) == [Kind.REPLY_TO_THREAD]
    assert mail.outbox == []


def test_immediate_kinds_are_emailed_after_the_commit(post, user, other_user, theme):
    """A reply to a member's thread (at once by default) is e-mailed to them, and marked e-mailed."""
    thread = post.thread(user, theme)
    post(other_user, thread)
    assert [message.to for message in mail.outbox] == [[user.email]]
    notification = Notification.objects.get()
    assert notification.emailed_at is not None and notification.email_attempts == 1


def test_digest_kinds_are_not_emailed_at_once(post, user, other_user, theme):
    """Replies in followed threads are in the daily summary by default, not e-mailed at once."""
    thread = post.thread(user, theme)
    follower = UserFactory()
    ThreadFollow.objects.create(member=follower, thread=thread)
    post(other_user, thread)
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert Notification.objects.get(recipient=follower).emailed_at is None


def test_appreciations_are_bundled_into_one_unread_notification(user, reply):
    """Four appreciations of one post make one notification: "X and 3 others appreciate your post"."""
    fans = [UserFactory() for _ in range(4)]
    for fan in fans:
        services.notify(
            recipient=user, kind=Kind.REACTION, actor=fan, thread=reply.thread, reply=reply, group_key=f"r{reply.pk}"
        )
    notification = Notification.objects.get()
    assert notification.actor_count == 4 and notification.actor == fans[-1]
    assert summary(notification) == f"{fans[-1].display_name} and 3 others appreciate your post"


def test_reaction_sentences_for_one_and_two_members(user, reply):
    """One appreciation names one member; two say "and 1 other"."""
    key = f"r{reply.pk}"
    first, second = UserFactory(), UserFactory()
    services.notify(recipient=user, kind=Kind.REACTION, actor=first, reply=reply, group_key=key)
    assert summary(Notification.objects.get()) == f"{first.display_name} appreciates your post"
    services.notify(recipient=user, kind=Kind.REACTION, actor=second, reply=reply, group_key=key)
    assert summary(Notification.objects.get()) == f"{second.display_name} and 1 other appreciate your post"


def test_a_read_bundle_is_not_added_to(user, reply):
    """Once the member read the bundle, a new appreciation starts a new notification."""
    key = f"r{reply.pk}"
    first = services.notify(recipient=user, kind=Kind.REACTION, actor=UserFactory(), reply=reply, group_key=key)
    services.notification_mark_read(acting_user=user, notification=first)
    services.notify(recipient=user, kind=Kind.REACTION, actor=UserFactory(), reply=reply, group_key=key)
    assert Notification.objects.filter(recipient=user).count() == 2
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).get().actor_count == 1


def test_preferences_update_saves_frequencies_and_language(user):
    """The settings service stores a frequency per kind and the e-mail language, and says whether it changed."""
    frequencies = services.frequencies_for(user)
    frequencies[Kind.MENTION] = Frequency.WEEKLY
    assert services.preferences_update(member=user, frequencies=frequencies, language="en") is True
    user.refresh_from_db()
    assert user.language == "en"
    assert services.frequencies_for(user)[Kind.MENTION] == Frequency.WEEKLY
    assert services.preferences_update(member=user, frequencies=frequencies, language="en") is False
    assert Preference.objects.filter(member=user, kind=Kind.MENTION).count() == 1


def test_preferences_refuse_unknown_values(user):
    """An unknown kind, frequency or language is a programming error, not something to store."""
    with pytest.raises(ValueError):
        services.preference_set(member=user, kind="gossip", frequency=Frequency.NEVER)
    with pytest.raises(ValueError):
        services.preferences_update(member=user, frequencies={}, language="fr")


def test_only_the_recipient_marks_a_notification_read(notification, member, other_user):
    """Someone else's notification does not exist for a member; marking it changes nothing."""
    from django.http import Http404

    with pytest.raises(Http404):
        services.notification_mark_read(acting_user=other_user, notification=notification)
    assert services.notification_mark_read(acting_user=member, notification=notification) is True
    assert services.notification_mark_read(acting_user=member, notification=notification) is False
