"""
Privacy services (AVG/GDPR): a member downloads their data and closes their account.

The download is put together from parts that each app registers with ``registry``
in its own ``privacy`` module, imported from its ``AppConfig.ready()`` (the way
``admin.site`` is filled): accounts registers the profile, addresses, consents,
roles and organisation roles below; forum, moderation and notifications register
theirs in ``forum/privacy.py``, ``moderation/privacy.py`` (reports, objections,
decisions, measures, moderator notes) and ``notifications/privacy.py``. A part names the
references to the member (``"app_label.Model.field"``) whose rows it holds, so
a test can walk every model and fail on a reference that no part accounts for.
Closing an account asks the parts the same way: a part's ``erase`` anonymises or
removes the closing member's rows, or its ``keeps`` says why they stay; accounts
knows nothing of the other apps' rows.

What the download holds and what it leaves out, and why (GDPR art. 15):

- everything the member wrote, chose or was given: profile, addresses, consents,
  posts and their earlier versions, reports they filed, objections, appreciations,
  follows, read positions, notifications, preferences, roles;
- every decision about the member or their posts, with its reason: measures,
  hidden or refused posts, the outcome of reports about them, and the notes
  moderators wrote about them (a note about a person is that person's data;
  moderators write them knowing the member can read them);
- what the member did as a moderator or administrator: which act, when, why,
  on which kind of item;
- never other people's personal data (art. 15(4)): not who reported the member
  or what the reporter wrote, not which moderator took a decision, not the
  names of members a moderator acted on, not who triggered a notification.
  The secrets of two-factor authentication stay out too: a download is not the
  place for a credential.

``member_close_account`` erases a member's personal data and keeps their words:
threads and replies stay where they are, shown under "former member", so
conversations others joined are not torn apart. Every part's ``erase`` runs first,
while the account still has its name (the forum finds the mentions of it so), then
the account itself is anonymised.

What a closed account keeps, and why (each part's ``keeps`` says it for its rows):

- the user row itself (threads, replies and revisions point at it), anonymised:
  no name, no e-mail address, no profile, no usable password, inactive;
- the terms acceptances: they hold no personal data beyond the member's id and
  prove which terms applied to the posts that stay;
- the problem reports the member filed, without the contact address;
- the moderation log, whose rows about the account no longer carry its name.

Sessions are not hunted down in the session store: an inactive member is
rejected by the authentication backend, and the unusable password no longer
matches the session's hash, so every open session is logged out on its next
request.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.standing import standing_of
from core.links import absolute_url
from core.models import ModerationAction, ModerationLog
from outbox.models import Mail

from . import avatars, permissions
from .models import AccountDelegate, OrganisationRole, ProfileVisibility, User

EXPORT_FORMAT = "ambtenaar20-member-data"
EXPORT_VERSION = 1

# The registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PrivacyPart:
    """
    One section of a member's data download, given by the app that keeps its rows.

    ``name`` is the section's key in the download, ``label`` what the "My data"
    page lists, ``export`` returns the member's rows as plain data (dicts and
    lists of strings, numbers, booleans and None; moments as ISO 8601) in a fixed
    number of queries, and ``refers_by`` names the references to the member
    (``"app_label.Model.field"``) whose rows the part holds.

    When the member closes their account, ``erase`` (if any) removes or anonymises
    those rows, called inside the closing transaction while the account still has its
    name; ``keeps`` says why rows that stay may stay. A part needs one or both: a test
    fails on a reference whose part says neither.
    """

    name: str
    label: Promise | str
    export: Callable[[User], Any]
    refers_by: tuple[str, ...] = ()
    erase: Callable[[User], None] | None = None
    keeps: str = ""


class PrivacyRegistry:
    """The parts of a member's data, registered by every app that keeps some."""

    def __init__(self):
        self._parts: dict[str, PrivacyPart] = {}
        self._omitted: dict[str, str] = {}
        self._kept: dict[str, str] = {}

    def register(
        self,
        name: str,
        *,
        label,
        export: Callable[[User], Any],
        refers_by: Iterable[str] = (),
        erase: Callable[[User], None] | None = None,
        keeps: str = "",
    ) -> PrivacyPart:
        """Add a section to the download, with what closing an account does to its rows; its name must be new."""
        if name in self._parts:
            raise ImproperlyConfigured(f"The privacy part {name!r} is registered twice.")
        part = PrivacyPart(name=name, label=label, export=export, refers_by=tuple(refers_by), erase=erase, keeps=keeps)
        self._parts[name] = part
        return part

    def omit(self, reference: str, *, reason: str, keeps: str = "") -> None:
        """
        Say why rows that refer to the member through ``reference`` are in no part, and
        (``keeps``) why they may stay when the member closes their account.
        """
        self._omitted[reference] = reason
        if keeps:
            self._kept[reference] = keeps

    def parts(self) -> list[PrivacyPart]:
        """The parts in the order they were registered (accounts first, then forum, moderation, notifications)."""
        return list(self._parts.values())

    def references(self) -> dict[str, list[str]]:
        """Every reference the parts account for, with the names of the parts that hold its rows."""
        found: dict[str, list[str]] = {}
        for part in self._parts.values():
            for reference in part.refers_by:
                found.setdefault(reference, []).append(part.name)
        return found

    def omitted(self) -> dict[str, str]:
        """The references deliberately left out of the download, with the reason."""
        return dict(self._omitted)

    def kept(self) -> dict[str, str]:
        """The omitted references whose rows stay when an account closes, with the reason."""
        return dict(self._kept)

    def export(self, member: User) -> dict[str, Any]:
        """Every part's rows for ``member``, under the part's name."""
        return {part.name: part.export(member) for part in self._parts.values()}

    def erasure(self) -> dict[str, list[str]]:
        """
        Every reference whose rows closing an account erases or keeps for a stated reason,
        with the names of the parts that decide (an omitted reference: ``"omitted"``).
        """
        found: dict[str, list[str]] = {}
        for part in self._parts.values():
            if part.erase is not None or part.keeps.strip():
                for reference in part.refers_by:
                    found.setdefault(reference, []).append(part.name)
        for reference, reason in self._kept.items():
            if reason.strip():
                found.setdefault(reference, []).append("omitted")
        return found

    def erase(self, member: User) -> None:
        """Every part's erasure for ``member``, in the order the parts were registered."""
        for part in self._parts.values():
            if part.erase is not None:
                part.erase(member)


registry = PrivacyRegistry()


# Helpers for the parts -------------------------------------------------------------------


def iso(moment) -> str | None:
    """A moment as ISO 8601, or None."""
    return moment.isoformat() if moment is not None else None


def label(choices: type[models.Choices], value: str) -> str:
    """The translated label of a stored choice (the value itself when it is no longer a choice)."""
    return str(dict(choices.choices).get(value, value))


def kind_of(app_label: str, model_name: str) -> str:
    """The translated name of a kind of item, from a content type's app label and model name."""
    try:
        return str(apps.get_model(app_label, model_name)._meta.verbose_name)
    except LookupError:
        return model_name


def former_member_repr(member: User) -> str:
    """How logs name a closed account: its number, nothing personal."""
    return f"voormalig lid {member.pk}"


# The parts accounts keeps ----------------------------------------------------------------


def _profile(member: User) -> dict:
    # one query: the organisation's name (none when the member has no organisation)
    organisation = member.organisation.name if member.organisation_id else None
    return {
        "display_name": member.display_name,
        "handle": member.handle,
        "email": member.email,
        "job_title": member.job_title,
        "bio": member.bio,
        "avatar": absolute_url(member.avatar.url) if member.avatar else None,
        "profile_visibility": member.profile_visibility,
        "language": member.language,
        "date_joined": iso(member.date_joined),
        "organisation": organisation,
        "approval": member.approval,
        "approval_reason": member.approval_reason,
    }


def _email_addresses(member: User) -> list[dict]:
    return list(
        EmailAddress.objects.filter(user=member).order_by("-primary", "email").values("email", "verified", "primary")
    )


def _authenticators(member: User) -> list[dict]:
    # The kind and the dates, never the secret or the recovery codes in ``data``.
    return [
        {
            "type": row["type"],
            "type_label": label(Authenticator.Type, row["type"]),
            "created_at": iso(row["created_at"]),
            "last_used_at": iso(row["last_used_at"]),
        }
        for row in Authenticator.objects.filter(user=member)
        .order_by("created_at", "pk")
        .values("type", "created_at", "last_used_at")
    ]


def _groups(member: User) -> list[str]:
    # The roles given to the member ("Moderatoren", "Beheerders"), by name.
    return list(member.groups.order_by("name").values_list("name", flat=True))


def _permissions(member: User) -> list[str]:
    # Permissions given to the member personally, besides their roles.
    return [
        f"{app_label}.{codename}"
        for app_label, codename in member.user_permissions.order_by("content_type__app_label", "codename").values_list(
            "content_type__app_label", "codename"
        )
    ]


def _terms_acceptances(member: User) -> list[dict]:
    return [
        {"version": row["terms__version"], "accepted_at": iso(row["accepted_at"])}
        for row in member.terms_acceptances.order_by("accepted_at", "pk").values("terms__version", "accepted_at")
    ]


def _organisation_roles(member: User) -> list[dict]:
    return [
        {
            "organisation": row["organisation__name"],
            "is_admin": row["is_admin"],
            "may_speak_for_organisation": row["may_speak_for_organisation"],
        }
        for row in OrganisationRole.objects.filter(member=member)
        .order_by("organisation__name", "pk")
        .values("organisation__name", "is_admin", "may_speak_for_organisation")
    ]


def _organisation_accounts(member: User) -> list[dict]:
    return [
        {"account": row["account__display_name"], "added_at": iso(row["added_at"])}
        for row in AccountDelegate.objects.filter(member=member)
        .order_by("added_at", "pk")
        .values("account__display_name", "added_at")
    ]


def _administration_changes(member: User) -> list[dict]:
    # What an administrator changed in the admin: when, what kind of item and which fields,
    # not the item's name (that may be another member's).
    return [
        {
            "at": iso(entry.action_time),
            "action": str(entry.get_action_flag_display()),
            "kind": kind_of(entry.content_type.app_label, entry.content_type.model) if entry.content_type else None,
            "change": entry.get_change_message(),
        }
        for entry in LogEntry.objects.filter(user=member)
        .select_related("content_type")
        .order_by("action_time", "pk")
        .only("action_time", "action_flag", "change_message", "content_type__app_label", "content_type__model")
    ]


def _account_changes(member: User) -> list[dict]:
    # What administrators changed to the member's account in the admin: when and which fields,
    # not which administrator.
    user_type = {"content_type__app_label": User._meta.app_label, "content_type__model": User._meta.model_name}
    return [
        {
            "at": iso(entry.action_time),
            "action": str(entry.get_action_flag_display()),
            "change": entry.get_change_message(),
        }
        for entry in LogEntry.objects.filter(**user_type, object_id=str(member.pk))
        .order_by("action_time", "pk")
        .only("action_time", "action_flag", "change_message")
    ]


# What closing an account does to accounts' own rows ---------------------------------------


def _erase_email_addresses(member: User) -> None:
    addresses = {member.email or "", *EmailAddress.objects.filter(user=member).values_list("email", flat=True)}
    # Mail still waiting to go out to the member holds their address and what it says of them.
    waiting = Q()
    for address in addresses - {""}:
        waiting |= Q(to__iexact=address)
    if waiting:
        Mail.objects.filter(waiting).delete()
    EmailAddress.objects.filter(user=member).delete()


def _erase_authenticators(member: User) -> None:
    Authenticator.objects.filter(user=member).delete()


def _erase_groups(member: User) -> None:
    member.groups.clear()


def _erase_permissions(member: User) -> None:
    member.user_permissions.clear()


def _erase_organisation_roles(member: User) -> None:
    OrganisationRole.objects.filter(member=member).delete()


def _erase_organisation_accounts(member: User) -> None:
    AccountDelegate.objects.filter(member=member).delete()


def _erase_account_changes(member: User) -> None:
    # The admin's log named the account as it was then; from now on it names its number.
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(member.pk)).update(
        object_repr=former_member_repr(member)
    )


registry.register("profile", label=_("Your profile"), export=_profile)
registry.register(
    "email_addresses",
    label=_("Your e-mail addresses"),
    export=_email_addresses,
    refers_by=["account.EmailAddress.user"],
    erase=_erase_email_addresses,
)
registry.register(
    "authenticators",
    label=_("Your ways of two-factor authentication (the kind and dates, not the secret)"),
    export=_authenticators,
    refers_by=["mfa.Authenticator.user"],
    erase=_erase_authenticators,
)
registry.register(
    "roles",
    label=_("Your roles on the site"),
    export=_groups,
    refers_by=["accounts.User.groups"],
    erase=_erase_groups,
)
registry.register(
    "permissions",
    label=_("Permissions given to you personally"),
    export=_permissions,
    refers_by=["accounts.User.user_permissions"],
    erase=_erase_permissions,
)
registry.register(
    "terms_acceptances",
    label=_("The terms you accepted, and when"),
    export=_terms_acceptances,
    refers_by=["accounts.TermsAcceptance.member"],
    keeps="They hold nothing personal beyond the account's number and show which terms applied to the posts that stay.",
)
registry.register(
    "organisation_roles",
    label=_("Your roles for your organisation"),
    export=_organisation_roles,
    refers_by=["accounts.OrganisationRole.member"],
    erase=_erase_organisation_roles,
)
registry.register(
    "organisation_accounts",
    label=_("The organisation accounts you may post as"),
    export=_organisation_accounts,
    refers_by=["accounts.AccountDelegate.member"],
    erase=_erase_organisation_accounts,
)
registry.register(
    "administration_changes",
    label=_("What you changed in the administration"),
    export=_administration_changes,
    refers_by=["admin.LogEntry.user"],
    keeps="The admin's log of what an administrator changed stays; it names the closed account by its number.",
)
registry.register(
    "account_changes",
    label=_("What administrators changed in your account"),
    export=_account_changes,
    refers_by=["admin.LogEntry.content_type"],
    erase=_erase_account_changes,
    keeps="The rows stay as a record of the administration; the account's name in them is replaced by its number.",
)
registry.omit(
    "auth.Permission.content_type",
    reason="A permission names a kind of item, never a member.",
    keeps="A permission names a kind of item, never a member.",
)
registry.omit(
    "accounts.AccountDelegate.account",
    reason="An organisation account is not a person and downloads nothing; its members' rows are theirs.",
    keeps="An organisation account cannot be closed by a member; a member's own delegations are erased with them.",
)


def member_export(*, member: User) -> dict:
    """
    Everything the site holds about ``member``, for "download my data": the
    format, the moment, and every registered part under its name. Hidden posts
    are included: they are the member's words too.

    Only ever ``member``'s own data, in a fixed number of queries whatever the
    amount of data: at most one per part (the profile's is the organisation's name).
    """
    standing = standing_of(member)
    if not permissions.is_member(standing):
        raise PermissionDenied
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": iso(timezone.now()),
        **registry.export(member),
    }


@transaction.atomic
def member_close_account(*, member: User) -> None:
    """
    Close ``member``'s account at their own request and erase their personal data.

    Their threads and replies stay, with the author unchanged, and show
    "former member". The profile disappears, nobody can log in as the account
    again, and open sessions end on their next request. The act is logged
    without personal data. Refused (``PermissionDenied``) for an account that
    is already closed or is an organisation account.
    """
    # Lock the row, so two confirmations at once close the account once.
    locked = User.objects.select_for_update().get(pk=member.pk)
    permissions.check_close_account(standing_of(locked))
    # Every app erases its own rows first, while the account still has its name and address.
    registry.erase(locked)

    avatar_name = locked.avatar.name or ""
    locked.display_name = ""
    locked.is_former_member = True
    locked.email = None
    locked.handle = f"voormalig-lid-{locked.pk}"
    locked.job_title = ""
    locked.bio = ""
    locked.avatar = ""
    locked.profile_visibility = ProfileVisibility.MEMBERS
    locked.approval_reason = ""
    locked.organisation = None
    locked.is_active = False
    locked.is_staff = False
    locked.is_superuser = False
    locked.last_login = None
    locked.set_unusable_password()
    locked.save()

    user_type = ContentType.objects.get_for_model(User)
    # Earlier log rows about the account (approval, roles) named the member.
    ModerationLog.objects.filter(target_type=user_type, target_id=locked.pk).update(
        target_repr=former_member_repr(locked)
    )
    ModerationLog.objects.record(
        actor=None, action=ModerationAction.ACCOUNT_DELETE, target=locked, target_repr=former_member_repr(locked)
    )

    # The caller's object shows the closed account too.
    member.refresh_from_db()
    if avatar_name:
        # Files are not part of the transaction: remove the photo once the closing is certain.
        transaction.on_commit(lambda: avatars.delete_avatar_file(avatar_name))
