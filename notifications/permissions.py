"""
Who may see and mark a notification: its recipient only. For anyone else it
does not exist (``Http404``), so ids reveal nothing.
"""

from django.db.models import Model
from django.http import Http404

from accounts.permissions import is_member, is_restricted
from accounts.standing import Standing, standing_of

from . import targets


def can_view_notification(standing: Standing, notification) -> bool:
    return is_member(standing) and notification.recipient_id == standing.user.pk


def check_view_notification(standing: Standing, notification) -> None:
    if not can_view_notification(standing, notification):
        raise Http404


def can_have_notifications(standing: Standing) -> bool:
    """Members have a notification list and e-mail settings; organisation accounts nobody logs in as do not."""
    return is_member(standing) and not standing.user.is_organisation_account


def can_receive(member, *, target: Model | None = None, include_restricted: bool = False) -> bool:
    """
    Active members who can see what the notification is about; not suspended or banned members,
    unless ``include_restricted`` (a moderation decision reaches them too). ``member``: a
    recipient, or their standing.
    """
    standing = standing_of(member)
    user = standing.user
    if not is_member(standing) or user.is_organisation_account or user.is_former_member:
        return False
    if is_restricted(standing) and not include_restricted:
        return False
    return targets.can_see(standing, target)


def is_available(standing: Standing, notification) -> bool:
    """Whether what the notification is about is still there for the member (not hidden or deleted since)."""
    target = notification.target
    if target is None:
        return notification.target_type_id is None  # about nothing, or about something gone
    return targets.can_see(standing, target)
