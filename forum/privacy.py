"""
The forum's part of a member's data download (see ``accounts.privacy``).

Registered from ``ForumConfig.ready()``. Every reference from a forum model to
a member is accounted for here: the member's own posts, reports, objections,
appreciations, follows and read positions; the moderation decisions about them
or their posts; and what they did as a moderator. Who reported the member,
what the reporter wrote and which moderator decided stay out: that is other
people's personal data (GDPR art. 15(4)).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.privacy import iso, kind_of, label, registry
from core.links import absolute_reverse
from core.models import ModerationAction, ModerationLog
from moderation.models import Objection, ProblemReport, Report, ReportReason

from . import services
from .models import Reaction, Reply, Revision, Theme, ThemeFollow, Thread, ThreadFollow, ThreadVisit


def _thread_url(pk: int, slug: str | None = None) -> str:
    if slug:
        return absolute_reverse("forum:thread", kwargs={"pk": pk, "slug": slug})
    return absolute_reverse("forum:thread_short", kwargs={"pk": pk})


def _reply_url(pk: int) -> str:
    return absolute_reverse("forum:reply", kwargs={"pk": pk})


def _post_url(thread_id: int | None, reply_id: int | None, thread_slug: str | None = None) -> str | None:
    if thread_id:
        return _thread_url(thread_id, thread_slug)
    return _reply_url(reply_id) if reply_id else None


def _own(model, member: User):
    """The ids of the threads or replies ``member`` wrote, also for an organisation account, as a subquery."""
    return model.objects.filter(Q(author=member) | Q(written_by=member)).values("pk")


def _target(model):
    """The moderation log's reference to an item of ``model``, as lookups on its content type."""
    return {"target_type__app_label": model._meta.app_label, "target_type__model": model._meta.model_name}


def _log_item_url(row: dict) -> str | None:
    """The address of a logged item when it is a post; other items (members, reports) get none."""
    app_label, model_name = row["target_type__app_label"], row["target_type__model"]
    if (app_label, model_name) == (Thread._meta.app_label, Thread._meta.model_name):
        return _thread_url(row["target_id"])
    if (app_label, model_name) == (Reply._meta.app_label, Reply._meta.model_name):
        return _reply_url(row["target_id"])
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


def moderated_themes(member: User) -> list[dict]:
    return [
        {"name": row["name"], "url": absolute_reverse("forum:theme", kwargs={"slug": row["slug"]})}
        for row in Theme.objects.filter(moderators=member).order_by("position", "name").values("name", "slug")
    ]


def threads(member: User) -> list[dict]:
    """Threads under the member's own name or written for an organisation account."""
    return [
        {
            "title": row["title"],
            "body": row["body"],
            "capacity": row["capacity"],
            "posted_as": None if row["author_id"] == member.pk else row["author__display_name"],
            "created_at": iso(row["created_at"]),
            "edited_at": iso(row["edited_at"]),
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


def replies(member: User) -> list[dict]:
    """Replies, with the title of their thread."""
    return [
        {
            "thread": row["thread__title"],
            "body": row["body"],
            "capacity": row["capacity"],
            "posted_as": None if row["author_id"] == member.pk else row["author__display_name"],
            "created_at": iso(row["created_at"]),
            "edited_at": iso(row["edited_at"]),
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


def revisions(member: User) -> list[dict]:
    """
    Earlier versions of the member's threads and replies, whoever edited them. A
    moderator's edit of someone else's post is in their moderation acts instead;
    the words replaced are the other member's.
    """
    return [
        {
            "title": row["title"],
            "body": row["body"],
            "created_at": iso(row["created_at"]),
            "of": _post_url(row["thread_id"], row["reply_id"], row["thread__slug"]),
        }
        for row in Revision.objects.filter(Q(thread__in=_own(Thread, member)) | Q(reply__in=_own(Reply, member)))
        .order_by("created_at", "pk")
        .values("title", "body", "created_at", "thread_id", "thread__slug", "reply_id")
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
                else _post_url(row["thread_id"], row["reply_id"], row["thread__slug"])
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
            "about": _post_url(row["thread_id"], row["reply_id"]),
            "reason": row["reason"],
            "reason_label": label(ReportReason, row["reason"]),
            "state": row["state"],
            "state_label": label(Report.State, row["state"]),
            "created_at": iso(row["created_at"]),
            "resolved_at": iso(row["resolved_at"]),
            "resolution_note": row["resolution_note"],
        }
        for row in Report.objects.filter(
            Q(member=member) | Q(thread__in=_own(Thread, member)) | Q(reply__in=_own(Reply, member))
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
            | Q(**_target(Thread), target_id__in=_own(Thread, member))
            | Q(**_target(Reply), target_id__in=_own(Reply, member))
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


def appreciations(member: User) -> list[dict]:
    return [
        {"of": _post_url(row["thread_id"], row["reply_id"], row["thread__slug"]), "created_at": iso(row["created_at"])}
        for row in Reaction.objects.filter(member=member)
        .order_by("created_at", "pk")
        .values("thread_id", "thread__slug", "reply_id", "created_at")
    ]


def followed_threads(member: User) -> list[dict]:
    return [
        {
            "title": row["thread__title"],
            "url": _thread_url(row["thread_id"], row["thread__slug"]),
            "since": iso(row["created_at"]),
        }
        for row in ThreadFollow.objects.filter(member=member)
        .order_by("created_at", "pk")
        .values("thread_id", "thread__title", "thread__slug", "created_at")
    ]


def followed_themes(member: User) -> list[dict]:
    return [
        {
            "name": row["theme__name"],
            "url": absolute_reverse("forum:theme", kwargs={"slug": row["theme__slug"]}),
            "since": iso(row["created_at"]),
        }
        for row in ThemeFollow.objects.filter(member=member)
        .order_by("created_at", "pk")
        .values("theme__name", "theme__slug", "created_at")
    ]


def read_positions(member: User) -> list[dict]:
    return [
        {
            "title": row["thread__title"],
            "url": _thread_url(row["thread_id"], row["thread__slug"]),
            "read_until": iso(row["last_read_at"]),
        }
        for row in ThreadVisit.objects.filter(member=member)
        .order_by("last_read_at", "pk")
        .values("thread_id", "thread__title", "thread__slug", "last_read_at")
    ]


# What closing an account does to the forum's rows ----------------------------------------


def erase_mentions(member: User) -> None:
    """Posts that mention the closing account show "former member" as text, not a link that would lead nowhere."""
    services.mentions_of_closing_member(member=member)


def erase_moderated_themes(member: User) -> None:
    member.moderated_themes.clear()


def erase_problem_report_contact(member: User) -> None:
    ProblemReport.objects.filter(reporter=member).update(contact_email="")


def erase_followed_threads(member: User) -> None:
    ThreadFollow.objects.filter(member=member).delete()


def erase_followed_themes(member: User) -> None:
    ThemeFollow.objects.filter(member=member).delete()


def erase_read_positions(member: User) -> None:
    ThreadVisit.objects.filter(member=member).delete()


POSTS_STAY = (
    'A closed account\'s words stay where others answered them, under "former member"; '
    "the account no longer has a name."
)
RECORDS_STAY = "Records of moderation stay; the account in them no longer has a name."

registry.register(
    "moderated_themes",
    label=_("The themes you moderate"),
    export=moderated_themes,
    refers_by=["forum.Theme.moderators"],
    erase=erase_moderated_themes,
)
registry.register(
    "threads",
    label=_("Your discussions"),
    export=threads,
    refers_by=["forum.Thread.author", "forum.Thread.written_by"],
    erase=erase_mentions,
    keeps=POSTS_STAY,
)
registry.register(
    "replies",
    label=_("Your replies"),
    export=replies,
    refers_by=["forum.Reply.author", "forum.Reply.written_by"],
    keeps=POSTS_STAY,
)
registry.register(
    "revisions",
    label=_("Earlier versions of your discussions and replies"),
    export=revisions,
    refers_by=["forum.Revision.edited_by"],
    keeps=POSTS_STAY,
)
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
    "appreciations",
    label=_("The posts you appreciated"),
    export=appreciations,
    refers_by=["forum.Reaction.member"],
    keeps="An appreciation is counted on the post and names nobody once the account has no name.",
)
registry.register(
    "followed_threads",
    label=_("The discussions you follow"),
    export=followed_threads,
    refers_by=["forum.ThreadFollow.member"],
    erase=erase_followed_threads,
)
registry.register(
    "followed_themes",
    label=_("The themes you follow"),
    export=followed_themes,
    refers_by=["forum.ThemeFollow.member"],
    erase=erase_followed_themes,
)
registry.register(
    "read_positions",
    label=_("How far you read each discussion"),
    export=read_positions,
    refers_by=["forum.ThreadVisit.member"],
    erase=erase_read_positions,
)
