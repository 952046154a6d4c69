"""
Who may see and mark a notification: its recipient only. For anyone else it
does not exist (``Http404``), so ids reveal nothing.
"""

from django.http import Http404

from accounts.permissions import is_member


def can_view_notification(user, notification) -> bool:
    return is_member(user) and notification.recipient_id == user.pk


def check_view_notification(user, notification) -> None:
    if not can_view_notification(user, notification):
        raise Http404


def can_have_notifications(user) -> bool:
    """Members have a notification list and e-mail settings; organisation accounts nobody logs in as do not."""
    return is_member(user) and not user.is_organisation_account


def is_available(user, notification) -> bool:
    """Whether what the notification is about is still there for ``user`` (not hidden since)."""
    from forum import permissions as forum_permissions

    if notification.reply_id is not None:
        return forum_permissions.can_view_reply(user, notification.reply)
    if notification.thread_id is not None:
        return forum_permissions.can_view_thread(user, notification.thread)
    return True
