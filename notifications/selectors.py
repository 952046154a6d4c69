"""Reads for notifications: how each member wants to hear of each kind by e-mail, and the bell's count."""

from django.db import models
from django.db.models.functions import Coalesce

from .models import DEFAULT_FREQUENCY, Kind, Notification, Preference


def frequency_for(member, kind: str) -> str:
    preference = Preference.objects.filter(member=member, kind=kind).values_list("frequency", flat=True).first()
    return preference or DEFAULT_FREQUENCY[kind]


def frequencies_for(member) -> dict[str, str]:
    """Every kind with the member's e-mail frequency for it (their choice or the default), in one query."""
    chosen = dict(Preference.objects.filter(member=member).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, DEFAULT_FREQUENCY[kind]) for kind in Kind.values}


def unread_count_subquery(member: models.OuterRef) -> models.Expression:
    """
    The member's unread notifications as a subquery of the member's own query: the bell's count,
    loaded with the logged-in member (``accounts.standing``, registered from ``NotificationsConfig.ready()``).
    """
    unread = (
        Notification.objects.filter(recipient=member, read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    return Coalesce(models.Subquery(unread, output_field=models.IntegerField()), 0)
