"""
Who hears of what. Every notification goes through ``notify``, which skips the
actor themself, members who cannot see the thread, and closed accounts; e-mail
follows each member's preference and is sent by a task after the commit
(``emails``). The member's own acts are here too: marking read, choosing how
often to be e-mailed per kind, and the one-click unsubscribe.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.permissions import is_member

from . import permissions
from .models import DEFAULT_FREQUENCY, Frequency, Kind, Notification, Preference


def frequency_for(member, kind: str) -> str:
    preference = Preference.objects.filter(member=member, kind=kind).values_list("frequency", flat=True).first()
    return preference or DEFAULT_FREQUENCY[kind]


def frequencies_for(member) -> dict[str, str]:
    """Every kind with the member's e-mail frequency for it (their choice or the default), in one query."""
    chosen = dict(Preference.objects.filter(member=member).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, DEFAULT_FREQUENCY[kind]) for kind in Kind.values}


def may_receive(member, *, thread=None, reply=None, include_restricted=False) -> bool:
    """Active members who can see what the notification is about; not suspended or banned members."""
    from accounts.permissions import is_restricted
    from forum import permissions as forum_permissions

    if not is_member(member) or member.is_organisation_account or member.is_former_member:
        return False
    if is_restricted(member) and not include_restricted:
        return False
    if thread is not None and not forum_permissions.can_view_thread(member, thread):
        return False
    return reply is None or forum_permissions.can_view_reply(member, reply)


@transaction.atomic
def notify(
    *,
    recipient,
    kind: str,
    actor=None,
    thread=None,
    reply=None,
    message: str = "",
    group_key: str = "",
    include_restricted: bool = False,
) -> Notification | None:
    """
    Tell ``recipient`` of something. With a ``group_key`` an unread notification
    for the same thing is bundled: its count goes up instead of a new one.
    Returns the notification, or ``None`` when nobody is to be told.
    """
    if actor is not None and recipient.pk == actor.pk:
        return None
    if not may_receive(recipient, thread=thread, reply=reply, include_restricted=include_restricted):
        return None
    now = timezone.now()
    if group_key:
        bundled = Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
        if bundled.update(actor=actor, actor_count=F("actor_count") + 1, updated_at=now):
            return bundled.first()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                actor=actor,
                thread=thread,
                reply=reply,
                message=message,
                group_key=group_key,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        # Another request created the bundle at the same moment: add to it.
        bundled = Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
        bundled.update(actor=actor, actor_count=F("actor_count") + 1, updated_at=now)
        return bundled.first()
    if frequency_for(recipient, kind) == Frequency.IMMEDIATELY:
        from . import tasks

        transaction.on_commit(lambda: tasks.send_notification_email.enqueue(notification.pk), robust=True)
    return notification


def reply_posted(reply) -> list[Notification]:
    """
    Tell who should know of a new reply, once each: members mentioned in it,
    the thread's author, and the followers of the thread and its theme.
    """
    from forum.models import ThemeFollow, ThreadFollow
    from forum.text import mentioned_members

    thread = reply.thread
    actor = reply.written_by or reply.author
    told, sent = {actor.pk}, []

    def tell(member, kind):
        if member.pk in told:
            return
        told.add(member.pk)
        notification = notify(recipient=member, kind=kind, actor=reply.author, thread=thread, reply=reply)
        if notification is not None:
            sent.append(notification)

    for member in mentioned_members(reply.body):
        tell(member, Kind.MENTION)
    tell(thread.author, Kind.REPLY_TO_THREAD)
    followers = ThreadFollow.objects.filter(thread=thread).select_related("member")
    theme_followers = ThemeFollow.objects.filter(theme_id=thread.theme_id).select_related("member")
    for follow in [*followers, *theme_followers]:
        tell(follow.member, Kind.REPLY_IN_FOLLOWED)
    return sent


def thread_posted(thread) -> list[Notification]:
    """Tell members mentioned in a new thread, and the followers of its theme."""
    from forum.models import ThemeFollow
    from forum.text import mentioned_members

    actor = thread.written_by or thread.author
    told, sent = {actor.pk}, []
    for member in mentioned_members(thread.body):
        if member.pk not in told:
            told.add(member.pk)
            if notification := notify(recipient=member, kind=Kind.MENTION, actor=thread.author, thread=thread):
                sent.append(notification)
    for follow in ThemeFollow.objects.filter(theme_id=thread.theme_id).select_related("member"):
        if follow.member_id not in told:
            told.add(follow.member_id)
            if notification := notify(
                recipient=follow.member, kind=Kind.REPLY_IN_FOLLOWED, actor=thread.author, thread=thread
            ):
                sent.append(notification)
    return sent


def mentions_added(post, previous_body: str) -> list[Notification]:
    """
    Tell the members an edit of ``post`` mentions for the first time; those mentioned in
    ``previous_body`` were told when it was posted (mentions in quotations are not told, as ever).
    """
    from forum.models import Reply
    from forum.text import mentioned_members

    actor = post.written_by or post.author
    thread = post.thread if isinstance(post, Reply) else post
    told = {member.pk for member in mentioned_members(previous_body)} | {actor.pk}
    sent = []
    for member in mentioned_members(post.body):
        if member.pk in told:
            continue
        told.add(member.pk)
        notification = notify(
            recipient=member,
            kind=Kind.MENTION,
            actor=post.author,
            thread=thread,
            reply=post if isinstance(post, Reply) else None,
        )
        if notification is not None:
            sent.append(notification)
    return sent


# The member's own list and settings ---------------------------------------------------------------


def notification_mark_read(*, acting_user, notification: Notification) -> bool:
    """Mark one notification read; only its recipient can. Returns whether it was unread."""
    permissions.check_view_notification(acting_user, notification)
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    if changed:
        notification.read_at = now
        _forget_unread_count(acting_user)
    return bool(changed)


def notifications_mark_all_read(*, acting_user) -> int:
    """Mark all of the member's unread notifications read; returns how many there were."""
    if not permissions.can_have_notifications(acting_user):
        return 0
    marked = acting_user.notifications.unread().update(read_at=timezone.now())
    _forget_unread_count(acting_user)
    return marked


def _forget_unread_count(member) -> None:
    """The bell of this request's page counts again (the count came with the member)."""
    member._unread_notification_count = None


@transaction.atomic
def preference_set(*, member, kind: str, frequency: str) -> bool:
    """Set how ``member`` hears of ``kind`` by e-mail. Returns whether anything changed."""
    if kind not in Kind.values or frequency not in Frequency.values:
        raise ValueError(f"Unknown kind or frequency: {kind!r}, {frequency!r}")
    preference, created = Preference.objects.select_for_update().get_or_create(
        member=member, kind=kind, defaults={"frequency": frequency}
    )
    if created:
        return frequency != DEFAULT_FREQUENCY[kind]
    if preference.frequency == frequency:
        return False
    preference.frequency = frequency
    preference.save(update_fields=["frequency"])
    return True


@transaction.atomic
def preferences_update(*, member, frequencies: dict[str, str], language: str) -> bool:
    """
    The settings page: a frequency per kind and the language of the e-mails.
    Returns whether anything changed.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    changed = False
    for kind, frequency in frequencies.items():
        changed |= preference_set(member=member, kind=kind, frequency=frequency)
    if member.language != language:
        member.language = language
        member.save(update_fields=["language"])
        changed = True
    return changed


@transaction.atomic
def preferences_unsubscribe(*, member, kinds) -> list[str]:
    """
    Stop e-mail about ``kinds`` (the one-click link in an e-mail): their
    frequency becomes "never". The notifications stay in the list on the site.
    Returns the kinds that changed.
    """
    return [kind for kind in kinds if preference_set(member=member, kind=kind, frequency=Frequency.NEVER)]
