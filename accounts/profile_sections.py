"""
What other apps add to a member's profile page.

The profile is accounts'; what a member wrote belongs to the forum, an app above this one. The
forum adds its part with ``register`` from its ``AppConfig.ready()`` (a narrow registration point,
the way ``admin.site.register`` is filled): a template, included on the profile after the member's
own facts, and a function giving that template's context for the viewer and the member.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


@dataclass(frozen=True)
class ProfileSection:
    template: str
    context: Callable[[HttpRequest, object], dict]


_sections: dict[str, ProfileSection] = {}


def register(template: str, *, context: Callable[[HttpRequest, object], dict]) -> None:
    """Add a section to every profile: ``template`` gets ``section``, what ``context(request, member)`` returns."""
    if template in _sections:
        raise ImproperlyConfigured(f"The profile section {template!r} is registered twice.")
    _sections[template] = ProfileSection(template=template, context=context)


def sections_for(request: HttpRequest, member) -> list[dict]:
    """The registered sections for ``member``'s profile as ``request``'s viewer sees it, in order of registration."""
    return [{"template": section.template, **section.context(request, member)} for section in _sections.values()]
