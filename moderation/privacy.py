"""
Moderation's part of a member's data download and of closing an account (see ``accounts.privacy``).

Registered from ``ModerationConfig.ready()``. Every reference from a moderation model to a
member is accounted for here, and the moderation log's: the problems and the reports the
member filed, the reports about them or their posts with the outcome, their objections, the
decisions about them or their posts, what they did as a moderator, the measures against them
and the notes moderators wrote about them. Who reported the member, what the reporter wrote
and which moderator decided stay out: that is other people's personal data (GDPR art. 15(4)).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.privacy import iso, kind_of, label, registry
from core.links import absolute_reverse
from core.models import ModerationAction, ModerationLog
from forum.models import Reply, Thread
from forum.privacy import own_posts, post_url, reply_url, thread_url

from .models import ModeratorNote, Objection, ProblemReport, Report, ReportReason, Sanction

RECORDS_STAY = "Records of moderation stay; the account in them no longer has a name."


def _target(model):
    """The moderation log's reference to an item of ``model``, as lookups on its content type."""
    return {"target_type__app_label": model._meta.app_label, "target_type__model": model._meta.model_name}


def _log_item_url(row: dict) -> str | None:
    """The address of a logged item when it is a post; other items (members, reports) get none."""
    app_label, model_name = row["target_type__app_label"], row["target_type__model"]
    if (app_label, model_name) == (Thread._meta.app_label, Thread._meta.model_name):
        return thread_url(row["target_id"])
    if (app_label, model_name) == (Reply._meta.app_label, Reply._meta.model_name):
        return reply_url(row["target_id"])
    return None


def _log_rows(queryset) -> list[dict]:
    """Log rows as the download shows them: what, when, why, on which kind of item; never the actor."""
    return [
        {
            "action": row["action"],
            "action_label": label(ModerationAction, row["action"]),
            "kind": kind_of(row["target_type__app_label"], row["target_type__model"]),
            "about": _log_item_url(row),
            "reason": row["reason"],
            "at": iso(row["created_at"]),
        }
        for row in queryset.order_by("created_at", "pk").values(
            "action", "target_type__app_label", "target_type__model", "target_id", "reason", "created_at"
        )
    ]


def problem_reports(member: User) -> list[dict]:
    return [
        {
            "message": row["message"],
            "page_url": row["page_url"],
            "contact_email": row["contact_email"],
            "state": row["state"],
            "state_label": label(ProblemReport.State, row["state"]),
            "created_at": iso(row["created_at"]),
        }
        for row in ProblemReport.objects.filter(reporter=member)
        .order_by("created_at", "pk")
        .values("message", "page_url", "contact_email", "state", "created_at")
    ]


def reports_made(member: User) -> list[dict]:
    """The member's reports of posts and members, with the outcome; not which moderator decided."""
    return [
        {
            "about": (
                absolute_reverse("accounts:profile", kwargs={"handle": row["member__handle"]})
                if row["member__handle"]
                else post_url(row["thread_id"], row["reply_id"], row["thread__slug"])
            ),
            "reason": row["reason"],
            "reason_label": label(ReportReason, row["reason"]),
            "note": row["note"],
            "state": row["state"],
            "state_label": label(Report.State, row["state"]),
            "created_at": iso(row["created_at"]),
            "resolved_at": iso(row["resolved_at"]),
            "resolution_note": row["resolution_note"],
        }
        for row in Report.objects.filter(reporter=member)
        .order_by("created_at", "pk")
        .values(
            "thread_id",
            "thread__slug",
            "reply_id",
            "member__handle",
            "reason",
            "note",
            "state",
            "created_at",
            "resolved_at",
            "resolution_note",
        )
    ]


def reports_about_member(member: User) -> list[dict]:
    """
    Reports about the member or their posts, with the outcome. Not who reported
    them and not the reporter's explanation: those are the reporter's data and
    could tell who it was.
    """
    return [
        {
            "about": post_url(row["thread_id"], row["reply_id"]),
            "reason": row["reason"],
            "reason_label": label(ReportReason, row["reason"]),
            "state": row["state"],
            "state_label": label(Report.State, row["state"]),
            "created_at": iso(row["created_at"]),
            "resolved_at": iso(row["resolved_at"]),
            "resolution_note": row["resolution_note"],
        }
        for row in Report.objects.filter(
            Q(member=member) | Q(thread__in=own_posts(Thread, member)) | Q(reply__in=own_posts(Reply, member))
        )
        .order_by("created_at", "pk")
        .values("thread_id", "reply_id", "reason", "state", "created_at", "resolved_at", "resolution_note")
    ]


def objections(member: User) -> list[dict]:
    """The member's objections, the decision each was about, and the answer; not who answered."""
    return [
        {
            "decision": row["decision__action"],
            "decision_label": label(ModerationAction, row["decision__action"]),
            "decision_reason": row["decision__reason"],
            "decision_at": iso(row["decision__created_at"]),
            "text": row["text"],
            "state": row["state"],
            "state_label": label(Objection.State, row["state"]),
            "created_at": iso(row["created_at"]),
            "decided_at": iso(row["decided_at"]),
            "decision_note": row["decision_note"],
        }
        for row in Objection.objects.filter(member=member)
        .order_by("created_at", "pk")
        .values(
            "decision__action",
            "decision__reason",
            "decision__created_at",
            "text",
            "state",
            "created_at",
            "decided_at",
            "decision_note",
        )
    ]


def decisions_about_member(member: User) -> list[dict]:
    """
    Moderation decisions about the member, their posts, their objections or their problem reports,
    with the reason; not by whom.
    """
    return _log_rows(
        ModerationLog.objects.filter(
            Q(**_target(User), target_id=member.pk)
            | Q(**_target(Thread), target_id__in=own_posts(Thread, member))
            | Q(**_target(Reply), target_id__in=own_posts(Reply, member))
            | Q(**_target(Objection), target_id__in=Objection.objects.filter(member=member).values("pk"))
            | Q(**_target(ProblemReport), target_id__in=ProblemReport.objects.filter(reporter=member).values("pk"))
        )
    )


def moderation_acts(member: User) -> list[dict]:
    """
    What the member did as a moderator: every act is logged (hiding, deciding
    reports and objections, measures, edits of others' posts), so this covers
    the ``…_by`` references too. The items are given by kind and, for posts, by
    address; the names of members acted on are left out.
    """
    return _log_rows(ModerationLog.objects.filter(actor=member))


def sanctions(member: User) -> list[dict]:
    # The measure and its statement of reasons; not which moderator took or lifted it.
    return [
        {
            "kind": row["kind"],
            "kind_label": label(Sanction.Kind, row["kind"]),
            "reason": row["reason"],
            "rule": row["rule"],
            "starts_at": iso(row["starts_at"]),
            "ends_at": iso(row["ends_at"]),
            "acknowledged_at": iso(row["acknowledged_at"]),
            "lifted_at": iso(row["lifted_at"]),
            "lift_reason": row["lift_reason"],
        }
        for row in Sanction.objects.filter(member=member)
        .order_by("starts_at", "pk")
        .values("kind", "reason", "rule", "starts_at", "ends_at", "acknowledged_at", "lifted_at", "lift_reason")
    ]


def moderator_notes(member: User) -> list[dict]:
    # What moderators wrote about the member, not who wrote it.
    return [
        {"text": row["text"], "created_at": iso(row["created_at"])}
        for row in ModeratorNote.objects.filter(member=member).order_by("created_at", "pk").values("text", "created_at")
    ]


# What closing an account does to moderation's rows ---------------------------------------


def erase_problem_report_contact(member: User) -> None:
    ProblemReport.objects.filter(reporter=member).update(contact_email="")


registry.register(
    "problem_reports",
    label=_("The problems you reported"),
    export=problem_reports,
    refers_by=["moderation.ProblemReport.reporter"],
    erase=erase_problem_report_contact,
    keeps="The report stays for the site's own record, without the contact address.",
)
registry.register(
    "reports_made",
    label=_("Your reports of posts and members, with the outcome"),
    export=reports_made,
    refers_by=["moderation.Report.reporter"],
    keeps=RECORDS_STAY,
)
registry.register(
    "reports_about_you",
    label=_("Reports about you or your posts, with the outcome (not who reported them)"),
    export=reports_about_member,
    refers_by=["moderation.Report.member"],
    keeps=RECORDS_STAY,
)
registry.register(
    "objections",
    label=_("Your objections to moderation decisions, with the answers"),
    export=objections,
    refers_by=["moderation.Objection.member"],
    keeps=RECORDS_STAY,
)
registry.register(
    "decisions_about_you",
    label=_("Moderation decisions about you or your posts, with their reasons"),
    export=decisions_about_member,
    refers_by=["core.ModerationLog.target_type"],
    keeps=RECORDS_STAY + " Accounts replaces the name in the rows about the account itself as it closes.",
)
registry.register(
    "moderation_acts",
    label=_("What you did as a moderator"),
    export=moderation_acts,
    refers_by=[
        "core.ModerationLog.actor",
        "forum.Thread.hidden_by",
        "forum.Reply.hidden_by",
        "forum.Revision.edited_by",
        "moderation.Report.resolved_by",
        "moderation.Objection.decided_by",
        "moderation.Sanction.created_by",
        "moderation.Sanction.lifted_by",
    ],
    keeps=RECORDS_STAY,
)
registry.register(
    "sanctions",
    label=_("Measures moderators took against you, with their reasons"),
    export=sanctions,
    refers_by=["moderation.Sanction.member"],
    keeps="Measures are records of moderation: they stay, about an account that no longer has a name.",
)
registry.register(
    "moderator_notes",
    label=_("Notes moderators wrote about you"),
    export=moderator_notes,
    refers_by=["moderation.ModeratorNote.member"],
    keeps="Notes are records of moderation: they stay, about an account that no longer has a name.",
)
registry.omit(
    "moderation.ModeratorNote.author",
    reason="A note a moderator wrote is about another member and in that member's download.",
    keeps="A note stays with the member it is about; its author is then an account without a name.",
)
