"""
What other apps add to a member's profile page.

The profile is accounts'; what a member wrote belongs to the forum, an app above this one, and
what a moderator or a member can do about a member (moderate, report) belongs to moderation. Those
apps add their part with ``register`` from their ``AppConfig.ready()`` (a narrow registration
point, the way ``admin.site.register`` is filled): a template, a function giving that template's
context for the viewer and the member, and its place on the profile: ``Place.ACTIONS`` under the
member's name, before their facts, or ``Place.SECTIONS`` after them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


class Place(Enum):
    ACTIONS = "actions"
    SECTIONS = "sections"


@dataclass(frozen=True)
class ProfileSection:
    template: str
    context: Callable[[HttpRequest, object], dict]
    place: Place


_sections: dict[str, ProfileSection] = {}


def register(template: str, *, context: Callable[[HttpRequest, object], dict], place: Place = Place.SECTIONS) -> None:
    """Add a part to every profile: ``template`` gets ``section``, what ``context(request, member)`` returns."""
    if template in _sections:
        raise ImproperlyConfigured(f"The profile section {template!r} is registered twice.")
    _sections[template] = ProfileSection(template=template, context=context, place=place)


def sections_for(request: HttpRequest, member, place: Place = Place.SECTIONS) -> list[dict]:
    """The parts registered for ``place`` on ``member``'s profile as the viewer sees it, in order of registration."""
    return [
        {"template": section.template, **section.context(request, member)}
        for section in _sections.values()
        if section.place is place
    ]
