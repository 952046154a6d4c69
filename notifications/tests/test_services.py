"""
Telling members: who may receive, e-mail preferences, bundles, marking read.
Who is told of a new post is the forum's rule: forum/tests/test_recipients.py.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from forum.models import ThreadFollow
from forum.tests.factories import UserFactory
from notifications import selectors, services
from notifications.models import Frequency, Kind, Notification, Preference


def told(member):
    return list(Notification.objects.filter(recipient=member).values_list("kind", flat=True))


def _about(target, *, pk=None):
    """The task's arguments for a notification about ``target`` (or about another of its kind, number ``pk``)."""
    return {"target_type_id": ContentType.objects.get_for_model(target).pk, "target_id": pk or target.pk}


def summary(notification, language="en"):
    with translation.override(language):
        return render_to_string("notifications/_summary.txt", {"notification": notification})


def test_members_who_cannot_see_a_hidden_thread_are_not_told(hidden_thread, user, other_user, moderator):
    """A hidden thread is news to moderators only."""
    assert services.notify(recipient=other_user, kind=Kind.MENTION, actor=user, target=hidden_thread) is None
    assert services.notify(recipient=moderator, kind=Kind.MENTION, actor=user, target=hidden_thread) is not None


def test_notify_later_tells_after_the_commit_through_a_task(
    user, other_user, reply, django_capture_on_commit_callbacks
):
    """The rest of the site queues: nothing is made in the transaction, the task makes and e-mails it after."""
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_later(recipient=user, kind=Kind.MODERATION, actor=other_user, target=reply, message="Let op")
        assert told(user) == []
        assert mail.outbox == []
    notification = Notification.objects.get(recipient=user)
    assert (notification.kind, notification.message) == (Kind.MODERATION, "Let op")
    assert (notification.actor, notification.target, notification.target.thread) == (other_user, reply, reply.thread)
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_notify_later_tells_nothing_of_a_rolled_back_decision(user, reply):
    """Until the transaction commits (a rolled-back decision never does, nor a test), no task runs: nobody is told."""
    services.notify_later(recipient=user, kind=Kind.MODERATION, message="Let op")
    assert told(user) == []


def test_the_notify_task_does_nothing_for_what_is_gone(user, reply):
    """A member erased or a post deleted before the task ran: nobody is told, and the task does not fail."""
    assert services.notify_task.call(recipient_id=987654, kind=Kind.MODERATION, message="x") is False
    assert services.notify_task.call(recipient_id=user.pk, kind=Kind.MENTION, **_about(reply, pk=987654)) is False
    assert services.notify_task.call(recipient_id=user.pk, kind=Kind.MODERATION, **_about(reply.thread)) is True


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
        services.notify(recipient=user, kind=Kind.REACTION, actor=fan, target=reply, group_key=f"r{reply.pk}")
    notification = Notification.objects.get()
    assert notification.actor_count == 4 and notification.actor == fans[-1]
    assert summary(notification) == f"{fans[-1].display_name} and 3 others appreciate your post"


def test_reaction_sentences_for_one_and_two_members(user, reply):
    """One appreciation names one member; two say "and 1 other"."""
    key = f"r{reply.pk}"
    first, second = UserFactory(), UserFactory()
    services.notify(recipient=user, kind=Kind.REACTION, actor=first, target=reply, group_key=key)
    assert summary(Notification.objects.get()) == f"{first.display_name} appreciates your post"
    services.notify(recipient=user, kind=Kind.REACTION, actor=second, target=reply, group_key=key)
    assert summary(Notification.objects.get()) == f"{second.display_name} and 1 other appreciate your post"


def test_a_read_bundle_is_not_added_to(user, reply):
    """Once the member read the bundle, a new appreciation starts a new notification."""
    key = f"r{reply.pk}"
    first = services.notify(recipient=user, kind=Kind.REACTION, actor=UserFactory(), target=reply, group_key=key)
    services.notification_mark_read(acting_user=user, notification=first)
    services.notify(recipient=user, kind=Kind.REACTION, actor=UserFactory(), target=reply, group_key=key)
    assert Notification.objects.filter(recipient=user).count() == 2
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).get().actor_count == 1


def test_preferences_update_saves_frequencies_and_language(user):
    """The settings service stores a frequency per kind and the e-mail language, and says whether it changed."""
    frequencies = selectors.frequencies_for(user)
    frequencies[Kind.MENTION] = Frequency.WEEKLY
    assert services.preferences_update(member=user, frequencies=frequencies, language="en") is True
    user.refresh_from_db()
    assert user.language == "en"
    assert selectors.frequencies_for(user)[Kind.MENTION] == Frequency.WEEKLY
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
