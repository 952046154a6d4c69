"""
What a notification can be about, and what notifications may know of it.

A notification points at its target generically (a content type and an id: ``Notification.target``),
so this app knows no model above it. The app that keeps the targets registers each model once, from
its ``AppConfig.ready()``, through ``register`` (a narrow registration point, the way
``admin.site.register`` is filled): who may see one (``notify`` asks before telling a member, the
e-mails before sending, the list before offering a link), its title and its address (the list and
the e-mails show them; the member's data download gives a lasting one by number), the larger
target it is part of (a digest groups by it) and how to load many at once (the list loads a page's
targets in one query per model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import ImproperlyConfigured
from django.db import models

if TYPE_CHECKING:
    from accounts.standing import Standing


@dataclass(frozen=True)
class TargetType:
    """How notifications treat one model of target."""

    can_see: Callable[[Standing, Any], bool]
    title: Callable[[Any], str]
    url: Callable[[Any], str]  # the target's path on the site
    permalink: Callable[[int], str]  # a lasting path to it by its number alone, without loading it
    topic: Callable[[Any], Any]  # the target itself, or the larger target it is part of
    queryset: Callable[[], models.QuerySet]  # loads many at once, with what the callables above read


_registry: dict[type[models.Model], TargetType] = {}


def register(
    model: type[models.Model],
    *,
    can_see: Callable[[Standing, Any], bool],
    title: Callable[[Any], str],
    url: Callable[[Any], str],
    permalink: Callable[[int], str],
    topic: Callable[[Any], Any] | None = None,
    queryset: Callable[[], models.QuerySet] | None = None,
) -> None:
    """
    Make ``model`` something notifications can be about. ``can_see(standing, target)``: whether
    the member may see it; ``title(target)`` and ``url(target)``: what the list and the e-mails
    call it and where it leads; ``permalink(pk)``: a lasting path to it by its number alone (the
    member's data download names targets without loading them); ``topic(target)``: the larger
    target it is part of (itself if left out); ``queryset()``: the rows with what those read
    (``model``'s default manager if left out).
    """
    if model in _registry:
        raise ImproperlyConfigured(f"{model._meta.label} is registered as a notification target twice.")
    _registry[model] = TargetType(
        can_see=can_see,
        title=title,
        url=url,
        permalink=permalink,
        topic=topic or (lambda target: target),
        queryset=queryset or model._default_manager.all,
    )


def _type_of(target: models.Model) -> TargetType:
    try:
        return _registry[type(target)]
    except KeyError:
        raise ImproperlyConfigured(f"{target._meta.label} is not registered as a notification target.") from None


def can_see(standing: Standing, target: models.Model | None) -> bool:
    """Whether the member may see ``target``; a notification about nothing is always readable."""
    if target is None:
        return True
    return _type_of(target).can_see(standing, target)


def title(target: models.Model) -> str:
    return _type_of(target).title(target)


def url(target: models.Model) -> str:
    return _type_of(target).url(target)


def permalink(model: type[models.Model], pk: int) -> str:
    """A lasting path to the target of ``model`` numbered ``pk``, without loading it."""
    try:
        return _registry[model].permalink(pk)
    except KeyError:
        raise ImproperlyConfigured(f"{model._meta.label} is not registered as a notification target.") from None


def topic(target: models.Model) -> models.Model:
    return _type_of(target).topic(target)


def prefetch(lookup: str = "target") -> GenericPrefetch:
    """Load the targets of many notifications at once: one query per model of target among them."""
    return GenericPrefetch(lookup, [target_type.queryset() for target_type in _registry.values()])
