"""
Reads that combine several models for one page block. Each runs a fixed number
of small queries, whatever the size of the forum.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from accounts.models import ProfileVisibility, User
from accounts.permissions import is_member

from .models import ModerationAction, ModerationLog, Objection, Reply, Report, ReportReason, Thread

ACTIVITY_LIMIT = 10


@dataclass(frozen=True)
class ActivityItem:
    """One line of "Latest activity": what happened (``kind``), when, and what it links to."""

    THREAD = "thread"
    REPLY = "reply"
    MEMBER = "member"

    kind: str
    at: datetime
    url: str
    name: str
    title: str = ""


def latest_activity(user, *, limit: int = ACTIVITY_LIMIT) -> list[ActivityItem]:
    """
    New threads, new replies and new members, newest first, as ``user`` may see them.

    Three queries of at most ``limit`` rows each, merged here. Only published threads
    and published replies in published threads are listed, for moderators too: this is
    a public summary, not a moderation queue. New members are listed when they are in
    the directory (admitted, not a former member), log in themselves (not an organisation
    account, not carried over from the old network), and their profile is one ``user``
    may open: public profiles for visitors, every profile for members.
    """
    threads = Thread.objects.activity()[:limit]
    replies = Reply.objects.activity()[:limit]
    members = User.objects.in_directory().filter(is_organisation_account=False, email__isnull=False)
    if not is_member(user):
        members = members.filter(profile_visibility=ProfileVisibility.PUBLIC)
    members = (
        members.select_related(None)
        .only("handle", "display_name", "date_joined")
        .order_by("-date_joined", "-pk")[:limit]
    )
    items = [
        *(
            ActivityItem(
                kind=ActivityItem.THREAD,
                at=thread.created_at,
                url=thread.get_absolute_url(),
                name=thread.author.public_name,
                title=thread.title,
            )
            for thread in threads
        ),
        *(
            ActivityItem(
                kind=ActivityItem.REPLY,
                at=reply.created_at,
                url=reply.get_absolute_url(),
                name=reply.author.public_name,
                title=reply.thread.title,
            )
            for reply in replies
        ),
        *(
            ActivityItem(
                kind=ActivityItem.MEMBER, at=member.date_joined, url=member.get_absolute_url(), name=member.display_name
            )
            for member in members
        ),
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


# Moderation in figures ---------------------------------------------------------------

FIGURES_FIRST_YEAR = 2008  # the year the network was founded; no figures can be older


@dataclass
class MonthFigures:
    """What was moderated in one calendar month (site time zone): numbers only, no names or titles."""

    month: date
    reports_by_reason: dict[str, int]
    hidden_by_moderator: int = 0
    hidden_automatically: int = 0
    restored: int = 0
    reports_upheld: int = 0
    reports_dismissed: int = 0
    members_approved: int = 0
    members_refused: int = 0
    objections_received: int = 0
    objections_upheld: int = 0
    objections_rejected: int = 0
    warnings: int = 0
    suspensions: int = 0
    bans: int = 0

    @property
    def reports_received(self) -> int:
        return sum(self.reports_by_reason.values())

    @property
    def reasons(self) -> list[int]:
        """The report counts in the order of ``ReportReason``, for a table row."""
        return [self.reports_by_reason[reason] for reason in ReportReason.values]


def _month_start(year: int, month: int) -> datetime:
    return timezone.make_aware(datetime(year, month, 1))


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def figures_months(year: int | None = None, *, today: date | None = None) -> list[date]:
    """
    The months a figures page covers, newest first: the twelve months up to and
    including this one, or the months of ``year`` up to this month.
    """
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    if year is None:
        return [_months_back(this_month, offset) for offset in range(12)]
    last = 12 if year < today.year else today.month
    return [date(year, month, 1) for month in range(last, 0, -1)]


def figures_years(*, today: date | None = None) -> list[int]:
    """The years one can choose on the figures page, newest first: from the first log row or report on."""
    today = today or timezone.localdate()
    first = [
        ModerationLog.objects.aggregate(first=Min("created_at"))["first"],
        Report.objects.aggregate(first=Min("created_at"))["first"],
    ]
    first_year = min((timezone.localtime(at).year for at in first if at), default=today.year)
    first_year = max(first_year, FIGURES_FIRST_YEAR)
    return list(range(today.year, first_year - 1, -1))


def moderation_figures(months: list[date]) -> list[MonthFigures]:
    """
    Counts per month for ``months`` (first days, newest first), from the database
    in three aggregate queries whatever the number of rows: reports received by
    reason (by when they were made), reports upheld and dismissed (by when they
    were decided), and the acts in the moderation log (by when they happened).
    """
    figures = {
        month: MonthFigures(month=month, reports_by_reason=dict.fromkeys(ReportReason.values, 0)) for month in months
    }
    if not months:
        return []
    start = _month_start(min(months).year, min(months).month)
    end_month = _months_back(max(months), -1)
    end = _month_start(end_month.year, end_month.month)

    def key(truncated) -> date:
        return timezone.localtime(truncated).date() if isinstance(truncated, datetime) else truncated

    received = (
        Report.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "reason")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in received:
        month = figures.get(key(row["month"]))
        if month is not None and row["reason"] in month.reports_by_reason:
            month.reports_by_reason[row["reason"]] += row["count"]

    decided = (
        Report.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
        .annotate(month=TruncMonth("resolved_at"))
        .values("month")
        .annotate(
            upheld=Count("pk", filter=Q(state=Report.State.UPHELD)),
            dismissed=Count("pk", filter=Q(state=Report.State.DISMISSED)),
        )
        .order_by()
    )
    for row in decided:
        month = figures.get(key(row["month"]))
        if month is not None:
            month.reports_upheld += row["upheld"]
            month.reports_dismissed += row["dismissed"]

    acts = (
        ModerationLog.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            hidden_by_moderator=Count("pk", filter=Q(action=ModerationAction.HIDE)),
            hidden_automatically=Count("pk", filter=Q(action=ModerationAction.AUTO_HIDE)),
            restored=Count("pk", filter=Q(action=ModerationAction.RESTORE)),
            members_approved=Count("pk", filter=Q(action=ModerationAction.MEMBER_APPROVE)),
            members_refused=Count("pk", filter=Q(action=ModerationAction.MEMBER_REFUSE)),
            objections_upheld=Count("pk", filter=Q(action=ModerationAction.OBJECTION_UPHOLD)),
            objections_rejected=Count("pk", filter=Q(action=ModerationAction.OBJECTION_REJECT)),
            warnings=Count("pk", filter=Q(action=ModerationAction.WARN)),
            suspensions=Count("pk", filter=Q(action=ModerationAction.SUSPEND)),
            bans=Count("pk", filter=Q(action=ModerationAction.BAN)),
        )
        .order_by()
    )
    for row in acts:
        month = figures.get(key(row["month"]))
        if month is not None:
            for name in LOGGED_FIGURES:
                setattr(month, name, getattr(month, name) + row[name])

    objections = (
        Objection.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in objections:
        month = figures.get(key(row["month"]))
        if month is not None:
            month.objections_received += row["count"]
    return [figures[month] for month in months]


LOGGED_FIGURES = (
    "hidden_by_moderator",
    "hidden_automatically",
    "restored",
    "members_approved",
    "members_refused",
    "objections_upheld",
    "objections_rejected",
    "warnings",
    "suspensions",
    "bans",
)
# Every count a month has, for totals.
FIGURES = (*LOGGED_FIGURES, "reports_upheld", "reports_dismissed", "objections_received")


# The moderation log, for moderators ----------------------------------------------------

LOG_PER_PAGE = 50


def moderation_log(*, action: str = "", actor: int | str | None = None, since=None, until=None):
    """
    Log rows newest first, filtered: ``action`` a ``ModerationAction`` value, ``actor``
    a user id or ``"auto"`` for acts nobody performed, ``since``/``until`` dates
    (inclusive, site time zone).
    """
    rows = ModerationLog.objects.select_related("actor", "target_type").order_by("-created_at", "-pk")
    if action:
        rows = rows.filter(action=action)
    if actor == "auto":
        rows = rows.filter(actor__isnull=True)
    elif actor is not None:
        rows = rows.filter(actor_id=actor)
    if since is not None:
        rows = rows.filter(created_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until is not None:
        rows = rows.filter(created_at__lt=timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min)))
    return rows


def moderation_log_links(rows) -> dict[int, str]:
    """
    The address of each row's item while it still exists, by row id: one query
    per kind of item on the page (threads, replies, members), not one per row.
    Closed accounts get no link.
    """
    rows = list(rows)
    kinds = {
        ContentType.objects.get_for_model(Thread).pk: "thread",
        ContentType.objects.get_for_model(Reply).pk: "reply",
        ContentType.objects.get_for_model(User).pk: "member",
    }
    wanted: dict[str, set[int]] = {"thread": set(), "reply": set(), "member": set()}
    for row in rows:
        kind = kinds.get(row.target_type_id)
        if kind:
            wanted[kind].add(row.target_id)
    urls: dict[str, dict[int, str]] = {"thread": {}, "reply": {}, "member": {}}
    if wanted["thread"]:
        for pk, slug in Thread.objects.filter(pk__in=wanted["thread"]).values_list("pk", "slug"):
            urls["thread"][pk] = reverse("forum:thread", kwargs={"pk": pk, "slug": slug})
    if wanted["reply"]:
        for pk in Reply.objects.filter(pk__in=wanted["reply"]).values_list("pk", flat=True):
            urls["reply"][pk] = reverse("forum:reply", kwargs={"pk": pk})
    if wanted["member"]:
        members = User.objects.filter(pk__in=wanted["member"], is_former_member=False).exclude(handle="")
        for pk, handle in members.values_list("pk", "handle"):
            if handle:
                urls["member"][pk] = reverse("accounts:profile", kwargs={"handle": handle})
    links = {}
    for row in rows:
        kind = kinds.get(row.target_type_id)
        url = urls[kind].get(row.target_id) if kind else None
        if url:
            links[row.pk] = url
    return links
