"""
What the apps above accounts add to a member's standing.

``UserQuerySet.with_standing`` loads the logged-in member with what the checks of almost every
page ask about them, as subqueries of the member's own query (``accounts.backends``). Two of
those answers belong to apps above accounts, which add them here from their ``AppConfig.ready()``
(narrow registration points, the way ``admin.site.register`` is filled):

- ``register_moderation_scope``: the parts of the site a moderator is limited to (the forum:
  the themes a moderator is listed on). A moderator listed on none moderates the whole site;
  ``accounts.permissions`` keeps the one definition of a moderator and asks only this listing.
- ``register``: any other answer, with what to keep of it on the loaded member (notifications:
  the unread count of the bell).

accounts imports none of those apps.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

# ``listing(member)``: a ``values_list`` query of the ids of the parts ``member`` (a member's id,
# or an ``OuterRef`` to one) moderates, one column.
ScopeListing = Callable[[Any], models.QuerySet]


@dataclass(frozen=True)
class StandingPart:
    name: str
    expression: Callable[[models.OuterRef], models.Expression]
    remember: Callable[[Any, Any], None]


_scopes: list[ScopeListing] = []
_parts: dict[str, StandingPart] = {}


def register_moderation_scope(listing: ScopeListing) -> None:
    """Say which parts of the site each moderator is limited to; one app does, once."""
    if _scopes and _scopes[0] is not listing:
        raise ImproperlyConfigured("The parts of the site a moderator is limited to are registered twice.")
    _scopes[:] = [listing]


def moderation_scope(member) -> models.QuerySet | None:
    """The ids of the parts ``member`` is listed on as a moderator, as a query; ``None`` without parts."""
    return _scopes[0](member) if _scopes else None


def register(
    name: str, *, expression: Callable[[models.OuterRef], models.Expression], remember: Callable[[Any, Any], None]
) -> None:
    """
    Add an answer to the member's standing: ``expression(member)`` is a subquery of the member's
    own query (``member`` an ``OuterRef`` to their id), loaded as ``standing_<name>``;
    ``remember(user, value)`` keeps it where the app's own checks look.
    """
    if name in _parts:
        raise ImproperlyConfigured(f"The standing part {name!r} is registered twice.")
    _parts[name] = StandingPart(name=name, expression=expression, remember=remember)


def annotations(member: models.OuterRef) -> dict[str, models.Expression]:
    """The registered parts' subqueries, by the name they are loaded under."""
    return {f"standing_{part.name}": part.expression(member) for part in _parts.values()}


def remember(user) -> None:
    """Keep every registered part's answer that came with ``user``."""
    for part in _parts.values():
        part.remember(user, getattr(user, f"standing_{part.name}"))
