"""
A member's standing: who they are and what the site knows about them that decides what they may
do (roles, the parts of the site they moderate, two-step verification, a verified address, terms
accepted, measures in force), in one object made once per request (``request.standing``,
``StandingMiddleware``) and read by every permission function. Nothing is kept on the User.

The logged-in member's answers come with the member's own query (``accounts.backends`` loads
them with ``UserQuerySet.with_standing``), anyone else's in one query when a check first needs
them; what only some pages ask (the parts a moderator is limited to, the terms, the measures) is
asked the first time. Each is kept in the standing for the rest of the request.

What apps add to it (the moderator's scope, the bell's unread count, the reader of the measures)
comes through the registration points of ``accounts.standing_parts``.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib import auth

from . import selectors
from .models import SiteSettings, User
from .standing_parts import _parts, measures_of, moderation_scope

# The annotations of ``UserQuerySet.with_standing`` that accounts itself adds.
ANNOTATIONS = (
    "standing_verified_email",
    "standing_moderator_role",
    "standing_scope_moderator",
    "standing_two_factor",
    "standing_organisation_accounts",
)


def annotation_names() -> tuple[str, ...]:
    """Every answer the member's own query brings: accounts' and the registered parts'."""
    return ANNOTATIONS + tuple(f"standing_{name}" for name in _parts)


# The terms version a member accepted, kept in their session (acceptances are never withdrawn).
ACCEPTED_TERMS_SESSION_KEY = "accepted_terms_version"


@dataclass(frozen=True)
class Standing:
    """
    What ``user`` may do, for permission checks. A visitor (or an inactive account) has the
    standing of nobody: every answer no. Each answer is asked once, the first time a check needs
    it, and kept here for the rest of the request.
    """

    user: Any  # accounts.User, or Django's AnonymousUser
    accepted_terms_version: int | None = None  # the terms version the session knows accepted

    @cached_property
    def is_member(self) -> bool:
        user = self.user
        return bool(getattr(user, "is_authenticated", False) and user.is_active)

    @cached_property
    def _answers(self) -> dict:
        """What ``with_standing`` answers: brought with the member's own query, else asked in one."""
        user, names = self.user, annotation_names()
        if not self.is_member:
            return dict.fromkeys(names, 0)
        if all(hasattr(user, name) for name in names):
            return {name: getattr(user, name) for name in names}
        return User._default_manager.with_standing().filter(pk=user.pk).values(*names).get()

    def part(self, name: str):
        """A registered answer (``register``), as the member's query brought it."""
        return self._answers[f"standing_{name}"]

    # bool() and int(): the raw query of accounts.backends gets SQLite's 0 and 1 as they are.

    @cached_property
    def verified_email(self) -> bool:
        return bool(self._answers["standing_verified_email"])

    @cached_property
    def holds_moderator_role(self) -> bool:
        """The moderator role, whether or not its powers are active yet (see ``is_moderator``)."""
        return self.is_member and bool(self.user.is_superuser or self._answers["standing_moderator_role"])

    @cached_property
    def two_factor(self) -> bool:
        return bool(self._answers["standing_two_factor"])

    @cached_property
    def has_organisation_accounts(self) -> bool:
        return bool(self._answers["standing_organisation_accounts"])

    @cached_property
    def staff_security_met(self) -> bool:
        """Moderators and administrators act only with two-step verification, when the site requires it."""
        return not SiteSettings.current().mfa_required_for_staff or self.two_factor

    @cached_property
    def is_moderator(self) -> bool:
        """The one definition of a moderator: the role, and two-step verification when the site requires it."""
        return self.holds_moderator_role and self.staff_security_met

    @cached_property
    def moderated_theme_ids(self) -> frozenset[int]:
        """
        The parts of the site (the forum's themes) a moderator is limited to: empty for a moderator
        of the whole site, for superusers and for anyone without the role.
        """
        if not self.holds_moderator_role or self.user.is_superuser or not self._answers["standing_scope_moderator"]:
            return frozenset()
        scope = moderation_scope(self.user.pk)
        return frozenset(row for (row,) in scope) if scope is not None else frozenset()

    @cached_property
    def is_site_moderator(self) -> bool:
        """A moderator of the whole site (listed on no theme): the only ones who act on members."""
        return self.is_moderator and not self.moderated_theme_ids

    @cached_property
    def terms_accepted(self) -> bool:
        if not self.is_member:
            return False
        terms = selectors.terms_current()
        if terms is None or terms.version == self.accepted_terms_version:
            return True
        return self.user.terms_acceptances.filter(terms=terms).exists()

    @cached_property
    def sanction(self):
        """
        The measures in force, as moderation's registered reader gives them (its ``SanctionState``,
        from the shared cache). Accounts' permissions read ``restricted``; moderation reads the rest.
        """
        return measures_of(self.user)

    @cached_property
    def managed_organisation_ids(self) -> frozenset[int]:
        """The organisations the member administers."""
        if not self.is_member:
            return frozenset()
        return frozenset(self.user.organisation_roles.filter(is_admin=True).values_list("organisation_id", flat=True))


def standing_of(user, *, accepted_terms_version: int | None = None) -> Standing:
    """
    The standing of ``user`` (a member, a visitor, or ``None``). Given a standing, that standing:
    code that reads for a member (selectors, querysets, template tags) takes either, so the
    request's is never made twice.
    """
    if isinstance(user, Standing):
        return user
    return Standing(user=user, accepted_terms_version=accepted_terms_version)


def request_standing(request) -> Standing:
    """The standing of the request's member (what ``StandingMiddleware`` puts at ``request.standing``)."""
    session = getattr(request, "session", None)
    accepted = session.get(ACCEPTED_TERMS_SESSION_KEY) if session is not None else None
    return standing_of(getattr(request, "user", None), accepted_terms_version=accepted)


class StandingMiddleware:
    """
    ``request.standing``, once per request, after Django's ``AuthenticationMiddleware``: the member
    (Django's ``auth.get_user``, what ``request.user`` would load; ``request.user`` is then that
    member itself, not a lazy wrapper, as after ``auth.login``) and their standing. Pages served
    before this (the visitors' page cache, static files) load neither.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = auth.get_user(request)
        request.standing = request_standing(request)
        return self.get_response(request)
