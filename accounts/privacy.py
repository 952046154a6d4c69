"""
Privacy services (AVG/GDPR): a member downloads their data and closes their account.

``member_export`` gathers everything the site holds about a member into a dict
that serialises to JSON as it is (timestamps as ISO 8601 strings), in a fixed
number of queries. ``member_close_account`` erases a member's personal data and
keeps their words: threads and replies stay where they are, shown under
"former member", so conversations others joined are not torn apart.

What a closed account keeps, and why:

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

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.links import absolute_reverse, absolute_url

from . import avatars, permissions
from .models import AccountDelegate, OrganisationRole, ProfileVisibility, User

EXPORT_FORMAT = "ambtenaar20-member-data"
EXPORT_VERSION = 1


def former_member_repr(member: User) -> str:
    """How logs name a closed account: its number, nothing personal."""
    return f"voormalig lid {member.pk}"


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _thread_url(pk: int, slug: str) -> str:
    return absolute_reverse("forum:thread", kwargs={"pk": pk, "slug": slug})


def _reply_url(pk: int) -> str:
    return absolute_reverse("forum:reply", kwargs={"pk": pk})


def member_export(*, member: User) -> dict:
    """
    Everything the site holds about ``member``, for "download my data": the
    profile, e-mail addresses, terms acceptances, the threads and replies they
    wrote (also for an organisation account), the earlier versions of those
    posts and the problem reports they filed. Hidden posts are included: they
    are the member's words too.

    Only ever ``member``'s own data. Seven queries at most, whatever the amount
    of data: one per section, and the organisation's name.
    """
    from forum.models import ProblemReport, Reply, Revision, Thread

    if not permissions.is_member(member):
        raise PermissionDenied

    # 1. the organisation's name (none when the member has no organisation)
    organisation = member.organisation.name if member.organisation_id else None
    profile = {
        "display_name": member.display_name,
        "handle": member.handle,
        "email": member.email,
        "job_title": member.job_title,
        "bio": member.bio,
        "avatar": absolute_url(member.avatar.url) if member.avatar else None,
        "profile_visibility": member.profile_visibility,
        "date_joined": _iso(member.date_joined),
        "organisation": organisation,
        "approval": member.approval,
    }
    # 2. e-mail addresses
    email_addresses = list(
        EmailAddress.objects.filter(user=member).order_by("-primary", "email").values("email", "verified", "primary")
    )
    # 3. terms acceptances, with the version number
    terms_acceptances = [
        {"version": row["terms__version"], "accepted_at": _iso(row["accepted_at"])}
        for row in member.terms_acceptances.order_by("accepted_at", "pk").values("terms__version", "accepted_at")
    ]
    # 4. threads, under their own name or written for an organisation account
    threads = [
        {
            "title": row["title"],
            "body": row["body"],
            "capacity": row["capacity"],
            "posted_as": None if row["author_id"] == member.pk else row["author__display_name"],
            "created_at": _iso(row["created_at"]),
            "edited_at": _iso(row["edited_at"]),
            "status": row["status"],
            "url": _thread_url(row["pk"], row["slug"]),
        }
        for row in Thread.objects.filter(Q(author=member) | Q(written_by=member))
        .order_by("created_at", "pk")
        .values(
            "pk",
            "slug",
            "title",
            "body",
            "capacity",
            "author_id",
            "author__display_name",
            "created_at",
            "edited_at",
            "status",
        )
    ]
    # 5. replies, with the title of their thread
    replies = [
        {
            "thread": row["thread__title"],
            "body": row["body"],
            "capacity": row["capacity"],
            "posted_as": None if row["author_id"] == member.pk else row["author__display_name"],
            "created_at": _iso(row["created_at"]),
            "edited_at": _iso(row["edited_at"]),
            "status": row["status"],
            "url": _reply_url(row["pk"]),
        }
        for row in Reply.objects.filter(Q(author=member) | Q(written_by=member))
        .order_by("created_at", "pk")
        .values(
            "pk",
            "thread__title",
            "body",
            "capacity",
            "author_id",
            "author__display_name",
            "created_at",
            "edited_at",
            "status",
        )
    ]
    # 6. earlier versions of those threads and replies
    revisions = [
        {
            "title": row["title"],
            "body": row["body"],
            "created_at": _iso(row["created_at"]),
            "of": _thread_url(row["thread_id"], row["thread__slug"])
            if row["thread_id"]
            else _reply_url(row["reply_id"]),
        }
        for row in Revision.objects.filter(
            Q(thread__author=member)
            | Q(thread__written_by=member)
            | Q(reply__author=member)
            | Q(reply__written_by=member)
        )
        .order_by("created_at", "pk")
        .values("title", "body", "created_at", "thread_id", "thread__slug", "reply_id")
    ]
    # 7. problem reports
    problem_reports = [
        {
            "message": row["message"],
            "page_url": row["page_url"],
            "contact_email": row["contact_email"],
            "created_at": _iso(row["created_at"]),
        }
        for row in ProblemReport.objects.filter(reporter=member)
        .order_by("created_at", "pk")
        .values("message", "page_url", "contact_email", "created_at")
    ]
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _iso(timezone.now()),
        "profile": profile,
        "email_addresses": email_addresses,
        "terms_acceptances": terms_acceptances,
        "threads": threads,
        "replies": replies,
        "revisions": revisions,
        "problem_reports": problem_reports,
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
    from forum.models import ModerationAction, ModerationLog, ProblemReport

    # Lock the row, so two confirmations at once close the account once.
    locked = User.objects.select_for_update().get(pk=member.pk)
    permissions.check_close_account(locked)

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

    EmailAddress.objects.filter(user=locked).delete()
    Authenticator.objects.filter(user=locked).delete()
    OrganisationRole.objects.filter(member=locked).delete()
    AccountDelegate.objects.filter(member=locked).delete()
    locked.groups.clear()
    locked.user_permissions.clear()
    ProblemReport.objects.filter(reporter=locked).update(contact_email="")

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
