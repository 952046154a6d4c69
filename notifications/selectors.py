"""Reads for notifications: how each member wants to hear of each kind by e-mail."""

from .models import DEFAULT_FREQUENCY, Kind, Preference


def frequency_for(member, kind: str) -> str:
    preference = Preference.objects.filter(member=member, kind=kind).values_list("frequency", flat=True).first()
    return preference or DEFAULT_FREQUENCY[kind]


def frequencies_for(member) -> dict[str, str]:
    """Every kind with the member's e-mail frequency for it (their choice or the default), in one query."""
    chosen = dict(Preference.objects.filter(member=member).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, DEFAULT_FREQUENCY[kind]) for kind in Kind.values}
