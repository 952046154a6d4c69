"""Writes for members, organisations and terms. Views, the admin, commands and tests call these."""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.models import ModerationAction, ModerationLog

from . import emails, permissions
from .models import (
    AccountDelegate,
    Approval,
    Organisation,
    OrganisationDomain,
    OrganisationRole,
    ProfileVisibility,
    SiteSettings,
    TermsAcceptance,
    TermsVersion,
    User,
)
from .roles import MODERATORS, moderators_group
from .standing import standing_of

if TYPE_CHECKING:
    from datetime import datetime


@transaction.atomic
def member_create_without_login(*, display_name: str) -> User:
    """
    A member who cannot log in: no e-mail address, no usable password. Used for
    the authors of content carried over from the old network.
    """
    user = User(display_name=display_name, email=None)
    user.set_unusable_password()
    user.save()
    return user


# Organisations and verification ------------------------------------------------------


def organisation_for_email(email: str | None) -> Organisation | None:
    """The organisation whose domain ``email`` is on (exactly that domain, not a subdomain)."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    found = OrganisationDomain.objects.select_related("organisation").filter(domain=domain).first()
    return found.organisation if found else None


@transaction.atomic
def member_sync_organisation(*, member: User) -> bool:
    """
    Link ``member`` to the organisation of their verified primary address, or
    unlink them when it is no longer on such a domain. Returns whether it changed.
    A member waiting for approval who turns out to be a civil servant is approved.
    """
    verified = EmailAddress.objects.filter(user=member, primary=True, verified=True).values_list("email", flat=True)
    organisation = organisation_for_email(verified.first())
    changed = member.organisation_id != (organisation.pk if organisation else None)
    member.organisation = organisation
    updates = ["organisation"]
    if organisation is not None and member.approval == Approval.PENDING:
        member.approval = Approval.APPROVED
        updates.append("approval")
        changed = True
    if changed:
        member.save(update_fields=updates)
    return changed


def member_initial_approval(member: User) -> str:
    """A new member's approval under the site's membership policy."""
    closed = SiteSettings.current().membership_policy == SiteSettings.MembershipPolicy.CLOSED
    if closed and organisation_for_email(member.email) is None:
        return Approval.PENDING
    return Approval.APPROVED


def member_language_set(*, member: User, language: str) -> bool:
    """
    The language ``member`` reads the site in, and so their e-mails and notices: chosen with the
    language switch, on the sign-up page, or on the settings page. Returns whether it changed.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    if not User.objects.filter(pk=member.pk).exclude(language=language).update(language=language):
        return False
    member.language = language
    return True


@transaction.atomic
def member_approve(*, acting_user: User, member: User) -> bool:
    """A moderator lets a waiting member post. Returns whether anything changed."""
    standing = standing_of(acting_user)
    permissions.check_review_members(standing)
    if (
        not User.objects.filter(pk=member.pk)
        .exclude(approval=Approval.APPROVED)
        .update(approval=Approval.APPROVED, approval_reason="")
    ):
        return False
    member.refresh_from_db()
    ModerationLog.objects.record(actor=acting_user, action=ModerationAction.MEMBER_APPROVE, target=member)
    emails.send_membership_decision(member)
    return True


@transaction.atomic
def member_refuse(*, acting_user: User, member: User, reason: str) -> bool:
    """A moderator refuses a waiting member, with a reason the applicant receives."""
    standing = standing_of(acting_user)
    permissions.check_review_members(standing)
    if not User.objects.filter(pk=member.pk, approval=Approval.PENDING).update(
        approval=Approval.REFUSED, approval_reason=reason
    ):
        return False
    member.refresh_from_db()
    ModerationLog.objects.record(actor=acting_user, action=ModerationAction.MEMBER_REFUSE, target=member, reason=reason)
    emails.send_membership_decision(member)
    return True


@transaction.atomic
def moderator_grant(*, acting_user: User, member: User) -> bool:
    standing = standing_of(acting_user)
    permissions.check_administer(standing)
    group = moderators_group()
    if member.is_organisation_account or member.groups.filter(pk=group.pk).exists():
        return False
    member.groups.add(group)
    ModerationLog.objects.record(actor=acting_user, action=ModerationAction.MODERATOR_GRANT, target=member)
    return True


@transaction.atomic
def moderator_revoke(*, acting_user: User, member: User) -> bool:
    standing = standing_of(acting_user)
    permissions.check_administer(standing)
    group = Group.objects.filter(name=MODERATORS).first()
    if group is None or not member.groups.filter(pk=group.pk).exists():
        return False
    member.groups.remove(group)
    ModerationLog.objects.record(actor=acting_user, action=ModerationAction.MODERATOR_REVOKE, target=member)
    return True


@transaction.atomic
def organisation_role_set(
    *, acting_user: User, organisation: Organisation, member: User, is_admin: bool, may_speak_for_organisation: bool
) -> OrganisationRole:
    """Set what ``member`` may do for ``organisation``; only its administrators or site administrators."""
    standing = standing_of(acting_user)
    permissions.check_manage_organisation(standing, organisation)
    if is_admin and not permissions.is_administrator(standing):
        # Organisation administrators are appointed by site administrators.
        permissions.check_administer(standing)
    if not permissions.can_hold_organisation_role(member, organisation):
        raise ValueError("Only the organisation's own verified members can hold a role in it.")
    role, _created = OrganisationRole.objects.update_or_create(
        organisation=organisation,
        member=member,
        defaults={"is_admin": is_admin, "may_speak_for_organisation": may_speak_for_organisation},
    )
    return role


@transaction.atomic
def organisation_speaker_set(*, acting_user: User, organisation: Organisation, member: User, allowed: bool) -> bool:
    """
    Allow or stop ``member`` speaking on behalf of ``organisation``; the
    organisation's administrators decide. Returns whether it changed.
    """
    standing = standing_of(acting_user)
    permissions.check_manage_organisation(standing, organisation)
    if not permissions.can_hold_organisation_role(member, organisation):
        raise PermissionDenied
    role, created = OrganisationRole.objects.get_or_create(
        organisation=organisation, member=member, defaults={"may_speak_for_organisation": allowed}
    )
    if created:
        return allowed
    if role.may_speak_for_organisation == allowed:
        return False
    role.may_speak_for_organisation = allowed
    role.save(update_fields=["may_speak_for_organisation"])
    return True


@transaction.atomic
def organisation_role_remove(*, acting_user: User, organisation: Organisation, member: User) -> bool:
    """Take away whatever ``member`` could do for ``organisation``."""
    standing = standing_of(acting_user)
    permissions.check_manage_organisation(standing, organisation)
    deleted, _rows = OrganisationRole.objects.filter(organisation=organisation, member=member).delete()
    return bool(deleted)


@transaction.atomic
def organisation_domains_resync(*, domains: list[str]) -> int:
    """
    After domains were added to or removed from an organisation, link or unlink
    the members whose verified address is on them. Returns how many changed.
    """
    changed = 0
    for domain in {domain.strip().lower().lstrip("@") for domain in domains if domain}:
        user_ids = EmailAddress.objects.filter(primary=True, verified=True, email__iendswith=f"@{domain}").values_list(
            "user_id", flat=True
        )
        for member in User.objects.filter(pk__in=list(user_ids)):
            changed += member_sync_organisation(member=member)
    return changed


@transaction.atomic
def organisation_account_create(*, acting_user: User, organisation: Organisation, display_name: str) -> User:
    """An organisation account, such as "Team Digitale Overheid": nobody logs in as it."""
    standing = standing_of(acting_user)
    permissions.check_administer(standing)
    account = User(
        display_name=display_name,
        email=None,
        organisation=organisation,
        is_organisation_account=True,
        profile_visibility=ProfileVisibility.PUBLIC,
    )
    account.set_unusable_password()
    account.save()
    return account


@transaction.atomic
def delegate_add(*, acting_user: User, account: User, member: User) -> bool:
    """Let ``member`` post as the organisation account ``account``."""
    standing = standing_of(acting_user)
    permissions.check_manage_organisation(standing, account.organisation)
    if member.is_organisation_account or not account.is_organisation_account:
        raise ValueError("Only members can be added to organisation accounts.")
    _delegate, created = AccountDelegate.objects.get_or_create(account=account, member=member)
    return created


@transaction.atomic
def delegate_remove(*, acting_user: User, account: User, member: User) -> bool:
    standing = standing_of(acting_user)
    permissions.check_manage_organisation(standing, account.organisation)
    deleted, _rows = AccountDelegate.objects.filter(account=account, member=member).delete()
    return bool(deleted)


# Terms -------------------------------------------------------------------------------


def terms_accepted_before(member: User) -> bool:
    """Whether ``member`` ever accepted a version of the terms: a newer one has then *changed* for them."""
    return member.terms_acceptances.exists()


@transaction.atomic
def terms_accept(*, member: User, terms: TermsVersion) -> bool:
    _acceptance, created = TermsAcceptance.objects.get_or_create(member=member, terms=terms)
    return created


@transaction.atomic
def terms_publish(
    *, version: int, title: str, body: str, published_at: datetime | None = None, title_en: str = "", body_en: str = ""
) -> TermsVersion:
    terms = TermsVersion(
        version=version,
        title=title,
        body=body,
        title_en=title_en,
        body_en=body_en,
        published_at=published_at or timezone.now(),
    )
    terms.save()
    return terms


# Two-factor authentication --------------------------------------------------------------

# A day: long enough for a member who sets up their app slowly, short for a secret never confirmed.
PENDING_TOTP_SECRET_TIMEOUT = 24 * 60 * 60


def _pending_totp_secret_key(member: User) -> str:
    return f"accounts.totp.pending?member={member.pk}"


def totp_pending_secret(member: User) -> str:
    """
    The secret the set-up page shows ``member`` until they confirm it with a code: the same on
    every load (and in every worker, through the shared cache), so the code an app computes
    from what is on screen is accepted. A new one only after it was used or has expired.
    """
    key = _pending_totp_secret_key(member)
    candidate = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    if cache.add(key, candidate, PENDING_TOTP_SECRET_TIMEOUT):
        return candidate
    found = cache.get(key)
    if found is None:  # gone from the cache in between
        cache.set(key, candidate, PENDING_TOTP_SECRET_TIMEOUT)
        return candidate
    return found


def totp_pending_secret_clear(member: User) -> None:
    """Forget the pending secret once two-factor authentication is set up with it."""
    cache.delete(_pending_totp_secret_key(member))


# Profiles ----------------------------------------------------------------------------

from django.core.files import File  # noqa: E402  (kept with the profile services that use them)

from . import avatars  # noqa: E402


@transaction.atomic
def profile_update(
    *,
    member: User,
    display_name: str,
    job_title: str,
    bio: str,
    profile_visibility: str,
    avatar: File | None = None,
    remove_avatar: bool = False,
) -> User:
    """
    Store what ``member`` tells others about themself. ``avatar`` is a new photo (an
    upload, or what ``avatars.prepare_avatar`` made of one); ``remove_avatar`` removes
    the current one. A replaced or removed photo is deleted from storage once saved.
    Raises ``ValidationError`` for a photo that cannot be used.
    """
    permissions.check_profile_exists(member)
    if profile_visibility not in ProfileVisibility.values:
        raise ValueError(f"Unknown profile visibility: {profile_visibility!r}")
    if not display_name.strip():
        raise ValueError("A display name is required.")
    if avatar is not None and not isinstance(avatar, avatars.PreparedAvatar):
        avatar = avatars.prepare_avatar(avatar)  # before anything changes: a bad photo changes nothing
    old_avatar = member.avatar.name or ""
    member.display_name = display_name
    member.job_title = job_title
    member.bio = bio
    member.profile_visibility = profile_visibility
    fields = ["display_name", "job_title", "bio", "profile_visibility"]
    if avatar is not None:
        member.avatar.save(avatar.name, avatar, save=False)  # type: ignore[arg-type]  # prepare_avatar names it
        fields.append("avatar")
    elif remove_avatar and old_avatar:
        member.avatar = ""
        fields.append("avatar")
    member.save(update_fields=fields)
    if old_avatar and member.avatar.name != old_avatar:
        transaction.on_commit(lambda: avatars.delete_avatar_file(old_avatar))
    return member
