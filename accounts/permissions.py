"""
Who a member is and what they may do, for permission checks anywhere in the project.

Roles are Django groups carrying permissions (``accounts.roles``): a moderator holds
``roles.MODERATE_PERMISSION``, possibly limited to parts of the site (``accounts.standing``);
an administrator is staff with ``accounts.change_user``.
``can_*`` answer for templates and menus; ``check_*`` raise for services.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Q, Value
from django.http import Http404

from . import selectors, standing
from .models import Approval, SiteSettings, User
from .roles import MODERATE_PERMISSION

ADMINISTER_PERMISSION = "accounts.change_user"


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def remember_standing(user) -> None:
    """
    Keep the answers ``UserQuerySet.with_standing`` brought with ``user`` where the checks
    below look before they ask the database (``accounts.backends`` does this for the
    logged-in member of every request). A service that changes one of them during the
    request forgets it (``notifications.services`` the unread count).
    """
    # bool() and int(): the raw query of accounts.backends gets SQLite's 0 and 1 as they are.
    user._has_verified_email = bool(user.standing_verified_email)
    user._holds_moderator_role = bool(user.standing_moderator_role)
    if not user.standing_scope_moderator:
        user._moderated_theme_ids = frozenset()  # else ``moderated_theme_ids`` asks which parts
    user._has_two_factor = bool(user.standing_two_factor)
    user._has_organisation_accounts = bool(user.standing_organisation_accounts)
    standing.remember(user)  # what the apps above added (the unread notifications)


def holds_moderator_role(user) -> bool:
    """
    The moderator role, whether or not its powers are active yet (see ``is_moderator``).
    Asked with one query and kept on the user (``has_perm`` would ask two: user and group permissions).
    The same query brings the parts of the site (the forum's themes, ``accounts.standing``) the
    member is listed on as a moderator (``moderated_theme_ids``): the role is a row ``0``, each part its id.
    """
    if not is_member(user):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_holds_moderator_role", None)
    if cached is None:
        app_label, codename = MODERATE_PERMISSION.split(".")
        role = (
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            .filter(Q(user=user) | Q(group__user=user))
            .annotate(role=Value(0, output_field=IntegerField()))
            .values_list("role")
            .order_by()
        )
        scope = standing.moderation_scope(user.pk)
        rows = {row for (row,) in (role.union(scope.order_by()) if scope is not None else role)}
        cached = 0 in rows
        user._holds_moderator_role = cached
        user._moderated_theme_ids = frozenset(rows - {0})
    return cached


def has_two_factor(user) -> bool:
    """Whether the member set up TOTP with allauth.mfa; asked once per request."""
    cached = getattr(user, "_has_two_factor", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_two_factor = cached
    return cached


def meets_staff_security(user) -> bool:
    """Moderators and administrators act only with two-factor authentication, when the site requires it."""
    return not SiteSettings.current().mfa_required_for_staff or has_two_factor(user)


def is_moderator(user) -> bool:
    """A moderator whose powers are active: the role, and two-factor authentication when required."""
    return holds_moderator_role(user) and meets_staff_security(user)


def moderated_theme_ids(user) -> frozenset:
    """
    The parts of the site a moderator is limited to (the forum's themes, registered with
    ``accounts.standing``): empty for a moderator of the whole site, and for superusers and anyone
    without the role. Kept on the user: usually asked together with the role
    (``holds_moderator_role``), so it costs no query of its own.
    """
    if not holds_moderator_role(user) or user.is_superuser:
        return frozenset()
    cached = getattr(user, "_moderated_theme_ids", None)
    if cached is None:
        scope = standing.moderation_scope(user.pk)
        cached = frozenset(row for (row,) in scope) if scope is not None else frozenset()
        user._moderated_theme_ids = cached
    return cached


def is_site_moderator(user) -> bool:
    """A moderator of the whole site (listed on no theme): the only ones who act on members."""
    return is_moderator(user) and not moderated_theme_ids(user)


def is_administrator(user) -> bool:
    return is_member(user) and user.is_staff and user.has_perm(ADMINISTER_PERMISSION) and meets_staff_security(user)


def has_verified_email(user) -> bool:
    """
    Whether the member's primary address is verified; posting requires it.
    The answer is kept on the user object, so a page asks the database once.
    """
    if not is_member(user):
        return False
    cached = getattr(user, "_has_verified_email", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True, email__iexact=user.email).exists()
        user._has_verified_email = cached
    return cached


def has_accepted_current_terms(user) -> bool:
    if not is_member(user):
        return False
    cached = getattr(user, "_has_accepted_current_terms", None)
    if cached is None:
        terms = selectors.terms_current()
        cached = terms is None or user.terms_acceptances.filter(terms=terms).exists()
        user._has_accepted_current_terms = cached
    return cached


def is_approved(user) -> bool:
    return is_member(user) and (user.approval == Approval.APPROVED or user.is_verified_civil_servant)


def is_restricted(user) -> bool:
    """Suspended or banned now: may read, may not post, react or report."""
    # Measures are moderation's (they move to the moderation app, above the forum): at the top this
    # import would be a loop, accounts.sanctions imports this module. The member's standing is to
    # bring the answer instead (issue 13).
    from .sanctions import sanction_state

    return is_member(user) and sanction_state(user).restricted


def can_post(user) -> bool:
    """
    Members may write once their address is verified, they are approved and accepted
    the current terms, and while no suspension or ban is in force.
    """
    return (
        is_member(user)
        and not user.is_organisation_account
        and has_verified_email(user)
        and is_approved(user)
        and has_accepted_current_terms(user)
        and not is_restricted(user)
    )


def why_cannot_post(user) -> str | None:
    """A code for the first reason ``user`` cannot post, for the page to explain; ``None`` if they can."""
    if not is_member(user):
        return "login"
    if not has_verified_email(user):
        return "verify_email"
    if not is_approved(user):
        return "approval_refused" if user.approval == "refused" else "approval_pending"
    if not has_accepted_current_terms(user):
        return "terms"
    if is_restricted(user):
        return "suspended"
    return None


def can_speak_for_organisation(user) -> bool:
    """A verified civil servant whom an organisation administrator allowed to speak on its behalf."""
    if not can_post(user) or not user.is_verified_civil_servant:
        return False
    return user.organisation_roles.filter(
        organisation_id=user.organisation_id, may_speak_for_organisation=True
    ).exists()


def organisation_accounts_for(user):
    """The organisation accounts ``user`` may post as."""
    if not can_post(user) or getattr(user, "_has_organisation_accounts", None) is False:
        return User.objects.none()
    return User.objects.filter(is_organisation_account=True, is_active=True, delegations__member=user).select_related(
        "organisation"
    )


def can_post_as(user, account) -> bool:
    return (
        account.is_organisation_account
        and account.is_active
        and can_post(user)
        and account.delegations.filter(member=user).exists()
    )


def managed_organisation_ids(user) -> set:
    """The organisations ``user`` administers; asked once per request and kept on the user."""
    if not is_member(user):
        return set()
    cached = getattr(user, "_managed_organisation_ids", None)
    if cached is None:
        cached = set(user.organisation_roles.filter(is_admin=True).values_list("organisation_id", flat=True))
        user._managed_organisation_ids = cached
    return cached


def can_manage_organisation(user, organisation) -> bool:
    """Site administrators, and the organisation's own administrators."""
    return is_administrator(user) or (organisation is not None and organisation.pk in managed_organisation_ids(user))


def can_hold_organisation_role(member, organisation) -> bool:
    """Roles in an organisation are for its own verified members, never for organisation accounts."""
    return not member.is_organisation_account and member.organisation_id == organisation.pk


def can_see_real_author(user, post) -> bool:
    """Who wrote a post for an organisation account: moderators and that organisation's administrators."""
    if post.written_by_id is None or not is_member(user):
        return False
    return is_moderator(user) or can_manage_organisation(user, post.author.organisation)


def can_view_profile(user, member) -> bool:
    """Public profiles for everyone, the others for members; a former member has no profile."""
    if member.is_former_member:
        return False
    return member.is_profile_public or is_member(user)


def can_view_directory(user) -> bool:
    return is_member(user)


def can_close_account(user) -> bool:
    """A member can close their own account; organisation accounts and closed accounts cannot."""
    return is_member(user) and not user.is_organisation_account and not user.is_former_member


def check_close_account(user) -> None:
    if not can_close_account(user):
        raise PermissionDenied


def check_view_directory(user) -> None:
    if not can_view_directory(user):
        raise PermissionDenied


def can_review_members(user) -> bool:
    """Moderators of the whole site approve or refuse applications for membership."""
    return is_site_moderator(user)


def check_review_members(user) -> None:
    if not can_review_members(user):
        raise PermissionDenied


def check_administer(user) -> None:
    if not is_administrator(user):
        raise PermissionDenied


def check_manage_organisation(user, organisation) -> None:
    if not can_manage_organisation(user, organisation):
        raise PermissionDenied


def check_post_as(user, account) -> None:
    if not can_post_as(user, account):
        raise PermissionDenied


def check_speak_for_organisation(user) -> None:
    if not can_speak_for_organisation(user):
        raise PermissionDenied


def check_profile_exists(member) -> None:
    if member.is_former_member:
        raise Http404
