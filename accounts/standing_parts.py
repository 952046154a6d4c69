"""
The registration points of a member's standing (``accounts.standing``), filled from the apps'
``AppConfig.ready()``; kept apart from the standing so that ``UserQuerySet.with_standing`` (which
the User model's manager holds) can read them:

- ``register_moderation_scope``: the parts of the site a moderator is limited to (the forum: the
  themes a moderator is listed on). A moderator listed on none moderates the whole site.
- ``register``: any other answer, loaded with the member and read with ``Standing.part`` (the
  notifications: the unread count of the bell).
- ``register_measures``: the reader of the measures in force against a member (moderation's
  ``selectors.sanction_state``). Accounts reads only whether one restricts the member
  (``restricted``: may read, not post); what else the measures say is moderation's.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

# ``listing(member)``: a ``values_list`` query of the ids of the parts ``member`` (a member's id,
# or an ``OuterRef`` to one) moderates, one column.
ScopeListing = Callable[[Any], models.QuerySet]

_scopes: list[ScopeListing] = []
_parts: dict[str, Callable[[models.OuterRef], models.Expression]] = {}


def register_moderation_scope(listing: ScopeListing) -> None:
    """Say which parts of the site each moderator is limited to; one app does, once."""
    if _scopes and _scopes[0] is not listing:
        raise ImproperlyConfigured("The parts of the site a moderator is limited to are registered twice.")
    _scopes[:] = [listing]


def moderation_scope(member) -> models.QuerySet | None:
    """The ids of the parts ``member`` is listed on as a moderator, as a query; ``None`` without parts."""
    return _scopes[0](member) if _scopes else None


def register(name: str, *, expression: Callable[[models.OuterRef], models.Expression]) -> None:
    """
    Add an answer to the member's standing: ``expression(member)`` is a subquery of the member's
    own query (``member`` an ``OuterRef`` to their id), loaded as ``standing_<name>`` and read
    with ``Standing.part(name)``.
    """
    if name in _parts:
        raise ImproperlyConfigured(f"The standing part {name!r} is registered twice.")
    _parts[name] = expression


def annotations(member: models.OuterRef) -> dict[str, models.Expression]:
    """The registered parts' subqueries, by the name they are loaded under."""
    return {f"standing_{name}": expression(member) for name, expression in _parts.items()}


_measures: list[Callable[[Any], Any]] = []


def register_measures(reader: Callable[[Any], Any]) -> None:
    """Say how the measures in force against a member are read; one reader, once."""
    if _measures and _measures[0] is not reader:
        raise ImproperlyConfigured("The reader of a member's measures is registered twice.")
    _measures[:] = [reader]


def measures_of(member):
    """The measures in force against ``member``, as the registered reader gives them."""
    if not _measures:
        raise ImproperlyConfigured("No app has registered the reader of a member's measures (register_measures).")
    return _measures[0](member)
