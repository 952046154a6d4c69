"""
The notifications' part of a member's data download (see ``accounts.privacy``).

Registered from ``NotificationsConfig.ready()``: the member's notifications and
their e-mail preferences, both removed when the member closes their account. A
notification belongs to its recipient; who caused it (``actor``) is left out of
the recipient's download, and the row is not in the actor's either: what the
actor did (a reply, an appreciation) is in their own download already.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.privacy import iso, label, registry
from core.links import absolute_url

from . import targets
from .models import Frequency, Kind, Notification, Preference


def _about(row: dict) -> str | None:
    """A lasting address of what the notification is about (a thread, a reply), as its app registered it."""
    if row["target_id"] is None:
        return None
    model = apps.get_model(row["target_type__app_label"], row["target_type__model"])
    return absolute_url(targets.permalink(model, row["target_id"]))


def notifications(member: User) -> list[dict]:
    return [
        {
            "kind": row["kind"],
            "kind_label": label(Kind, row["kind"]),
            "message": row["message"],
            "about": _about(row),
            "members": row["actor_count"],
            "created_at": iso(row["created_at"]),
            "updated_at": iso(row["updated_at"]),
            "read_at": iso(row["read_at"]),
            "emailed_at": iso(row["emailed_at"]),
        }
        for row in Notification.objects.filter(recipient=member)
        .order_by("created_at", "pk")
        .values(
            "kind",
            "message",
            "target_type__app_label",
            "target_type__model",
            "target_id",
            "actor_count",
            "created_at",
            "updated_at",
            "read_at",
            "emailed_at",
        )
    ]


def notification_preferences(member: User) -> list[dict]:
    return [
        {
            "kind": row["kind"],
            "kind_label": label(Kind, row["kind"]),
            "frequency": row["frequency"],
            "frequency_label": label(Frequency, row["frequency"]),
        }
        for row in Preference.objects.filter(member=member).order_by("kind").values("kind", "frequency")
    ]


def erase_notifications(member: User) -> None:
    """A closed account reads nothing any more: its notifications go."""
    Notification.objects.filter(recipient=member).delete()


def erase_notification_preferences(member: User) -> None:
    Preference.objects.filter(member=member).delete()


registry.register(
    "notifications",
    label=_("Your notifications"),
    export=notifications,
    refers_by=["notifications.Notification.recipient"],
    erase=erase_notifications,
)
registry.register(
    "notification_preferences",
    label=_("Your choices for notifications by e-mail"),
    export=notification_preferences,
    refers_by=["notifications.Preference.member"],
    erase=erase_notification_preferences,
)
registry.omit(
    "notifications.Notification.actor",
    reason=(
        "A notification is its recipient's; what its actor did (a post, an appreciation, a moderation act) "
        "is in the actor's own download."
    ),
    keeps="Another member's notification stays theirs; it names the closed account as a former member.",
)
for reference in ("notifications.Notification.target", "notifications.Notification.target_type"):
    registry.omit(
        reference,
        reason=(
            "What a notification is about is a post (or another target an app registered in notifications.targets), "
            "never a member; the notification itself is its recipient's."
        ),
        keeps="A notification about a post stays its recipient's when the post's author closes their account.",
    )
