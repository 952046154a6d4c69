"""
Who a member is and what they may do, for permission checks anywhere in the project.

Roles are Django groups carrying permissions (``accounts.roles``): a moderator holds
``roles.MODERATE_PERMISSION``, possibly limited to parts of the site (``accounts.standing``);
an administrator is staff with ``accounts.change_user``.
``can_*`` answer for templates and menus; ``check_*`` raise for services. Each takes the
member's ``Standing`` (``accounts.standing``): ``request.standing`` for the request's member.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Approval, User
from .roles import MODERATE_PERMISSION  # noqa: F401  (named here for the callers that import it)

if TYPE_CHECKING:
    from .standing import Standing

ADMINISTER_PERMISSION = "accounts.change_user"


def is_member(standing: Standing) -> bool:
    return standing.is_member


def holds_moderator_role(standing: Standing) -> bool:
    """The moderator role, whether or not its powers are active yet (see ``is_moderator``)."""
    return standing.holds_moderator_role


def has_two_factor(standing: Standing) -> bool:
    """Whether the member set up TOTP with allauth.mfa."""
    return standing.two_factor


def meets_staff_security(standing: Standing) -> bool:
    """Moderators and administrators act only with two-factor authentication, when the site requires it."""
    return standing.staff_security_met


def is_moderator(standing: Standing) -> bool:
    """A moderator whose powers are active (``Standing.is_moderator``, the one definition)."""
    return standing.is_moderator


def moderated_theme_ids(standing: Standing) -> frozenset:
    """
    The themes a moderator is limited to (``Theme.moderators``): empty for a moderator of the
    whole site, and for superusers and anyone without the role.
    """
    return standing.moderated_theme_ids


def is_site_moderator(standing: Standing) -> bool:
    """A moderator of the whole site (listed on no theme): the only ones who act on members."""
    return standing.is_site_moderator


def is_administrator(standing: Standing) -> bool:
    user = standing.user
    return standing.is_member and user.is_staff and user.has_perm(ADMINISTER_PERMISSION) and standing.staff_security_met


def has_verified_email(standing: Standing) -> bool:
    """Whether the member's primary address is verified; posting requires it."""
    return standing.verified_email


def has_accepted_current_terms(standing: Standing) -> bool:
    return standing.terms_accepted


def is_approved(standing: Standing) -> bool:
    user = standing.user
    return standing.is_member and (user.approval == Approval.APPROVED or user.is_verified_civil_servant)


def is_restricted(standing: Standing) -> bool:
    """Suspended or banned now: may read, may not post, react or report."""
    return standing.is_member and standing.sanction.restricted


def can_post(standing: Standing) -> bool:
    """
    Members may write once their address is verified, they are approved and accepted
    the current terms, and while no suspension or ban is in force.
    """
    return (
        standing.is_member
        and not standing.user.is_organisation_account
        and standing.verified_email
        and is_approved(standing)
        and standing.terms_accepted
        and not is_restricted(standing)
    )


def why_cannot_post(standing: Standing) -> str | None:
    """A code for the first reason the member cannot post, for the page to explain; ``None`` if they can."""
    if not standing.is_member:
        return "login"
    if not standing.verified_email:
        return "verify_email"
    if not is_approved(standing):
        return "approval_refused" if standing.user.approval == "refused" else "approval_pending"
    if not standing.terms_accepted:
        return "terms"
    if is_restricted(standing):
        return "suspended"
    return None


def can_speak_for_organisation(standing: Standing) -> bool:
    """A verified civil servant whom an organisation administrator allowed to speak on its behalf."""
    user = standing.user
    if not can_post(standing) or not user.is_verified_civil_servant:
        return False
    return user.organisation_roles.filter(
        organisation_id=user.organisation_id, may_speak_for_organisation=True
    ).exists()


def organisation_accounts_for(standing: Standing):
    """The organisation accounts the member may post as."""
    if not can_post(standing) or not standing.has_organisation_accounts:
        return User.objects.none()
    return User.objects.filter(
        is_organisation_account=True, is_active=True, delegations__member=standing.user
    ).select_related("organisation")


def can_post_as(standing: Standing, account) -> bool:
    return (
        account.is_organisation_account
        and account.is_active
        and can_post(standing)
        and account.delegations.filter(member=standing.user).exists()
    )


def managed_organisation_ids(standing: Standing) -> frozenset:
    """The organisations the member administers."""
    return standing.managed_organisation_ids


def can_manage_organisation(standing: Standing, organisation) -> bool:
    """Site administrators, and the organisation's own administrators."""
    return is_administrator(standing) or (
        organisation is not None and organisation.pk in standing.managed_organisation_ids
    )


def can_hold_organisation_role(member, organisation) -> bool:
    """Roles in an organisation are for its own verified members, never for organisation accounts."""
    return not member.is_organisation_account and member.organisation_id == organisation.pk


def can_see_real_author(standing: Standing, post) -> bool:
    """Who wrote a post for an organisation account: moderators and that organisation's administrators."""
    if post.written_by_id is None or not standing.is_member:
        return False
    return standing.is_moderator or can_manage_organisation(standing, post.author.organisation)


def can_view_profile(standing: Standing, member) -> bool:
    """Public profiles for everyone, the others for members; a former member has no profile."""
    if member.is_former_member:
        return False
    return member.is_profile_public or standing.is_member


def can_view_directory(standing: Standing) -> bool:
    return standing.is_member


def can_close_account(standing: Standing) -> bool:
    """A member can close their own account; organisation accounts and closed accounts cannot."""
    user = standing.user
    return standing.is_member and not user.is_organisation_account and not user.is_former_member


def check_close_account(standing: Standing) -> None:
    if not can_close_account(standing):
        raise PermissionDenied


def check_view_directory(standing: Standing) -> None:
    if not can_view_directory(standing):
        raise PermissionDenied


def can_review_members(standing: Standing) -> bool:
    """Moderators of the whole site approve or refuse applications for membership."""
    return standing.is_site_moderator


def check_review_members(standing: Standing) -> None:
    if not can_review_members(standing):
        raise PermissionDenied


def check_administer(standing: Standing) -> None:
    if not is_administrator(standing):
        raise PermissionDenied


def check_manage_organisation(standing: Standing, organisation) -> None:
    if not can_manage_organisation(standing, organisation):
        raise PermissionDenied


def check_post_as(standing: Standing, account) -> None:
    if not can_post_as(standing, account):
        raise PermissionDenied


def check_speak_for_organisation(standing: Standing) -> None:
    if not can_speak_for_organisation(standing):
        raise PermissionDenied


def check_profile_exists(member) -> None:
    if member.is_former_member:
        raise Http404
