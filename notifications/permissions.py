"""
Who may see and mark a notification: its recipient only. For anyone else it
does not exist (``Http404``), so ids reveal nothing.
"""

from django.http import Http404

from accounts.permissions import is_member, is_restricted

from . import targets


def can_view_notification(user, notification) -> bool:
    return is_member(user) and notification.recipient_id == user.pk


def check_view_notification(user, notification) -> None:
    if not can_view_notification(user, notification):
        raise Http404


def can_have_notifications(user) -> bool:
    """Members have a notification list and e-mail settings; organisation accounts nobody logs in as do not."""
    return is_member(user) and not user.is_organisation_account


def can_receive(member, *, thread=None, reply=None, include_restricted: bool = False) -> bool:
    """
    Active members who can see what the notification is about; not suspended or banned members,
    unless ``include_restricted`` (a moderation decision reaches them too).
    """
    if not is_member(member) or member.is_organisation_account or member.is_former_member:
        return False
    if is_restricted(member) and not include_restricted:
        return False
    return targets.can_see(member, thread=thread, reply=reply)


def is_available(user, notification) -> bool:
    """Whether what the notification is about is still there for ``user`` (not hidden since)."""
    return targets.can_see(
        user,
        thread=notification.thread if notification.thread_id is not None else None,
        reply=notification.reply if notification.reply_id is not None else None,
    )
