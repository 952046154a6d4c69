"""
Moderation's reads: the moderation queue (reported items, held posts, membership applications,
objections, problem reports, and what waits in all of them together), the public figures and
the moderation log. Each part runs a fixed number of small queries, whatever the queue holds.
Measures against members: the measures in force (``sanction_state``, which the member's standing
reads through ``accounts.standing_parts.register_measures``), a member's history of measures and
moderators' notes for the member moderation page, the warning a member has yet to read.
"""

import html
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from accounts.models import Approval, User
from accounts.permissions import can_review_members
from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum import permissions
from forum.models import ContentKind, Reply, Status, Thread

from .models import ModeratorNote, Objection, ProblemReport, Report, ReportReason, Sanction

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
    held: int = 0
    approved: int = 0
    not_approved: int = 0
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
    for received_row in received:
        month = figures.get(key(received_row["month"]))
        if month is not None and received_row["reason"] in month.reports_by_reason:
            month.reports_by_reason[received_row["reason"]] += received_row["count"]

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
    for decided_row in decided:
        month = figures.get(key(decided_row["month"]))
        if month is not None:
            month.reports_upheld += decided_row["upheld"]
            month.reports_dismissed += decided_row["dismissed"]

    acts = (
        ModerationLog.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            hidden_by_moderator=Count("pk", filter=Q(action=ModerationAction.HIDE)),
            hidden_automatically=Count("pk", filter=Q(action=ModerationAction.AUTO_HIDE)),
            restored=Count("pk", filter=Q(action=ModerationAction.RESTORE)),
            held=Count("pk", filter=Q(action=ModerationAction.HOLD)),
            approved=Count("pk", filter=Q(action=ModerationAction.APPROVE)),
            not_approved=Count("pk", filter=Q(action=ModerationAction.REJECT)),
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
    for acts_row in acts:
        month = figures.get(key(acts_row["month"]))
        if month is not None:
            for name in LOGGED_FIGURES:
                setattr(month, name, getattr(month, name) + acts_row[name])  # type: ignore[literal-required]

    objections = (
        Objection.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for objections_row in objections:
        month = figures.get(key(objections_row["month"]))
        if month is not None:
            month.objections_received += objections_row["count"]
    return [figures[month] for month in months]


LOGGED_FIGURES = (
    "hidden_by_moderator",
    "hidden_automatically",
    "restored",
    "held",
    "approved",
    "not_approved",
    "members_approved",
    "members_refused",
    "objections_upheld",
    "objections_rejected",
    "warnings",
    "suspensions",
    "bans",
)


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
        rows = rows.filter(actor_id=int(actor))
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


# The moderation queue --------------------------------------------------------------------------
# Each part is one page of items in a fixed number of queries, whatever the queue holds.

QUEUE_ITEMS_PER_PAGE = 20
EXCERPT_LENGTH = 300


@dataclass(frozen=True)
class QueueItem:
    """
    One item of the moderation queue: what it is (``kind``) and the thread, reply or member
    itself (``target``), its thread (none for a member), the member it is about (the writer of a
    post), an excerpt of a post, and ``prefix``, unique per page, for the element ids of its forms.
    """

    kind: ContentKind
    target: Thread | Reply | User
    thread: Thread | None
    member: User
    excerpt: str
    prefix: str


@dataclass(frozen=True)
class ReportedItem(QueueItem):
    """A reported item with all its open reports, how many members reported it and since when."""

    reports: list[Report]
    reporter_count: int
    first_reported_at: datetime


@dataclass(frozen=True)
class HeldItem(QueueItem):
    """A thread or reply waiting for approval."""

    target: Thread | Reply

    @property
    def post(self) -> Thread | Reply:
        return self.target


def excerpt(post) -> str:
    """The start of a post as plain text (the template escapes it)."""
    return Truncator(" ".join(html.unescape(strip_tags(post.body_html)).split())).chars(EXCERPT_LENGTH)


def _open_reports(user, theme_slug: str, reason: str):
    """Open reports ``user`` may decide on the items that match the filters (an item matches when any report does)."""
    standing = standing_of(user)
    user = standing.user
    reports = Report.objects.filter(state=Report.State.OPEN).filter(permissions.moderated_reports_q(standing))
    if theme_slug:
        reports = reports.filter(Q(thread__theme__slug=theme_slug) | Q(reply__thread__theme__slug=theme_slug))
    if reason:
        same_item_with_reason = Report.objects.filter(state=Report.State.OPEN, reason=reason).filter(
            Q(thread_id=OuterRef("thread_id")) | Q(reply_id=OuterRef("reply_id")) | Q(member_id=OuterRef("member_id"))
        )
        reports = reports.filter(Exists(same_item_with_reason))
    return reports


def reported_items(user, *, theme_slug: str = "", reason: str = "", page_number=None):
    """
    Reported items ``user`` may decide, one per item, oldest report first: the page, and
    per item its kind, target, thread, excerpt and all open reports. Two queries and a count.
    """
    groups = (
        _open_reports(user, theme_slug, reason)
        .values("thread_id", "reply_id", "member_id")
        .annotate(first_reported_at=Min("created_at"), reporter_count=Count("reporter_id", distinct=True))
        .order_by("first_reported_at", "thread_id", "reply_id", "member_id")
    )
    page = Paginator(groups, QUEUE_ITEMS_PER_PAGE).get_page(page_number)
    keys = [(group["thread_id"], group["reply_id"], group["member_id"]) for group in page]
    reports_by_key: dict[tuple[int | None, int | None, int | None], list[Report]] = {key: [] for key in keys}
    if keys:
        reports = (
            Report.objects.filter(state=Report.State.OPEN)
            .filter(
                Q(thread_id__in=[k[0] for k in keys if k[0]])
                | Q(reply_id__in=[k[1] for k in keys if k[1]])
                | Q(member_id__in=[k[2] for k in keys if k[2]])
            )
            .select_related(
                "thread__theme",
                "thread__author",
                "thread__written_by",
                "reply__thread__theme",
                "reply__author",
                "reply__written_by",
                "member",
            )
            .order_by("created_at", "pk")
        )
        for report in reports:
            reports_by_key[(report.thread_id, report.reply_id, report.member_id)].append(report)
    items = []
    for group, key in zip(page, keys, strict=True):
        item_reports = reports_by_key[key]
        if not item_reports:
            continue  # decided between the two queries
        first = item_reports[0]
        kind = first.target_kind
        target = first.target
        items.append(
            ReportedItem(
                kind=kind,
                target=target,
                thread=first.thread or (first.reply.thread if first.reply else None),
                member=target if kind == ContentKind.MEMBER else (target.written_by or target.author),
                excerpt=excerpt(target) if kind != ContentKind.MEMBER else "",
                prefix=f"report-{kind}-{target.pk}",
                reports=item_reports,
                reporter_count=group["reporter_count"],
                first_reported_at=group["first_reported_at"],
            )
        )
    return page, items


def held_posts(user, *, theme_slug: str = "", page_number=None):
    """
    Threads and replies waiting for approval in the themes ``user`` moderates, oldest first,
    threads and replies together: one page of (kind, pk) rows, then each kind's posts in one query.
    """
    standing = standing_of(user)
    user = standing.user
    threads = Thread.objects.filter(status=Status.HELD).filter(permissions.theme_scope_q(standing, "theme"))
    replies = Reply.objects.filter(status=Status.HELD).filter(permissions.theme_scope_q(standing, "thread__theme"))
    if theme_slug:
        threads = threads.filter(theme__slug=theme_slug)
        replies = replies.filter(thread__theme__slug=theme_slug)

    def rows_of(posts, kind: ContentKind):
        return posts.order_by().values_list(Value(kind.value, output_field=CharField()), "pk", "created_at")

    rows = (
        rows_of(threads, ContentKind.THREAD)
        .union(rows_of(replies, ContentKind.REPLY), all=True)
        .order_by("created_at", "pk")
    )
    page = Paginator(rows, QUEUE_ITEMS_PER_PAGE).get_page(page_number)
    wanted: dict[ContentKind, list[int]] = {ContentKind.THREAD: [], ContentKind.REPLY: []}
    for kind, pk, _created_at in page:
        wanted[ContentKind(kind)].append(pk)
    found = {}
    if wanted[ContentKind.THREAD]:
        for thread in Thread.objects.filter(pk__in=wanted[ContentKind.THREAD]).with_related():
            found[ContentKind.THREAD, thread.pk] = thread
    if wanted[ContentKind.REPLY]:
        replies = Reply.objects.filter(pk__in=wanted[ContentKind.REPLY]).with_author().select_related("thread__theme")
        for reply in replies:
            found[ContentKind.REPLY, reply.pk] = reply
    items = []
    for kind, pk, _created_at in page:
        post = found.get((ContentKind(kind), pk))
        if post is None or not post.is_held:
            continue  # decided between the queries
        items.append(
            HeldItem(
                kind=post.content_kind,
                target=post,
                thread=post if post.content_kind == ContentKind.THREAD else post.thread,
                member=post.written_by or post.author,
                excerpt=excerpt(post),
                prefix=f"held-{post.content_kind}-{post.pk}",
            )
        )
    return page, items


def membership_applications(user, *, limit: int = QUEUE_ITEMS_PER_PAGE):
    """Members waiting for approval of their membership, oldest first, for moderators of the whole site."""
    standing = standing_of(user)
    user = standing.user
    if not can_review_members(standing):
        return []
    return list(
        User.objects.filter(approval=Approval.PENDING, is_active=True)
        .select_related("organisation")
        .order_by("date_joined", "pk")[:limit]
    )


def objections_to_decide(user):
    """
    Open objections ``user`` may decide: not on decisions they made (an automatic hide whose
    reports they upheld counts as theirs), not their own, in their themes.
    """
    standing = standing_of(user)
    user = standing.user
    if not permissions.is_moderator(standing):
        return Objection.objects.none()
    return (
        Objection.objects.filter(state=Objection.State.OPEN)
        .exclude(permissions.made_by_q(standing, "decision__"))
        .exclude(member=user)
        .filter(permissions.moderated_decisions_q(standing, "decision__"))
    )


def open_problem_reports(user, *, limit: int = 50):
    """
    Open messages from the footer form "Report a problem?", oldest first, for moderators of
    the whole site (who close them); nothing for anyone else.
    """
    standing = standing_of(user)
    user = standing.user
    if not permissions.is_site_moderator(standing):
        return ProblemReport.objects.none()
    return (
        ProblemReport.objects.filter(state=ProblemReport.State.OPEN)
        .select_related("reporter")
        .order_by("created_at", "pk")[:limit]
    )


def waiting_count(user) -> int:
    """
    How many things wait for ``user`` as a moderator: reported items, held posts,
    membership applications, objections they may decide and problem reports. One query: the parts
    are counted together as a UNION ALL.
    """
    standing = standing_of(user)
    user = standing.user
    if not permissions.is_moderator(standing):
        return 0

    def none():
        return Value(None, output_field=IntegerField())

    parts = [
        Report.objects.filter(state=Report.State.OPEN)
        .filter(permissions.moderated_reports_q(standing))
        .order_by()
        .values_list("thread_id", "reply_id", "member_id")
        .distinct(),
        Thread.objects.filter(status=Status.HELD)
        .filter(permissions.theme_scope_q(standing, "theme"))
        .order_by()
        .values_list("pk", none(), none()),
        Reply.objects.filter(status=Status.HELD)
        .filter(permissions.theme_scope_q(standing, "thread__theme"))
        .order_by()
        .values_list(none(), "pk", none()),
        objections_to_decide(user).order_by().values_list(none(), none(), "pk"),
    ]
    if can_review_members(standing):
        parts.append(
            User.objects.filter(approval=Approval.PENDING, is_active=True).order_by().values_list(none(), none(), "pk")
        )
    if permissions.is_site_moderator(standing):
        parts.append(
            ProblemReport.objects.filter(state=ProblemReport.State.OPEN).order_by().values_list(none(), none(), "pk")
        )
    return parts[0].union(*parts[1:], all=True).count()


# Measures against members ----------------------------------------------------------

# v3: the state is moderation's ``SanctionState`` (v2 pickled it from ``accounts.sanctions``, which
# is gone; a new key, so no server reads a value it cannot unpickle).
STATE_CACHE_KEY = "moderation:sanction-state:v3:{pk}"


@dataclass(frozen=True, slots=True)
class SanctionState:
    """
    What restricts a member now. ``restricted``: a suspension or ban is in force (may read, not
    post); ``until``: when the last restricting measure ends (``None`` while one lasts until
    lifted, or when nothing restricts); ``unacknowledged_warning``: the pk of a warning the
    member has not yet confirmed reading.
    """

    banned: bool = False
    restricted: bool = False
    until: datetime | None = None
    unacknowledged_warning: int | None = None


def in_force_q(now: datetime | None = None) -> Q:
    """Measures in force at ``now``: started, not lifted, not ended."""
    now = now or timezone.now()
    return Q(lifted_at__isnull=True, starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def sanction_state(member: User) -> SanctionState:
    """
    What restricts ``member`` now (a ``SanctionState``). Kept in the shared cache (every app server
    sees a change at once: the services delete the key) so pages cost no query. During a
    page, the member's ``Standing`` keeps it (``accounts.standing``), so the many permission
    checks of one page ask the cache once.
    """
    key = STATE_CACHE_KEY.format(pk=member.pk)
    state = cache.get(key)
    if state is None:
        sanctions = list(
            Sanction.objects.filter(member=member)
            .filter(in_force_q() | Q(kind=Sanction.Kind.WARNING, acknowledged_at__isnull=True, lifted_at__isnull=True))
            .values("pk", "kind", "ends_at", "acknowledged_at")
        )
        restricting = [s for s in sanctions if s["kind"] in (Sanction.Kind.SUSPENSION, Sanction.Kind.BAN)]
        # Until the last one ends; while one lasts until lifted, no end.
        ends = [s["ends_at"] for s in restricting if s["ends_at"] is not None]
        state = SanctionState(
            banned=any(s["kind"] == Sanction.Kind.BAN for s in restricting),
            restricted=bool(restricting),
            until=max(ends) if restricting and len(ends) == len(restricting) else None,
            unacknowledged_warning=next(
                (s["pk"] for s in sanctions if s["kind"] == Sanction.Kind.WARNING and s["acknowledged_at"] is None),
                None,
            ),
        )
        # A suspension ends by itself: never cache past its end.
        timeout = 300
        if state.until is not None:
            timeout = max(1, min(timeout, int((state.until - timezone.now()).total_seconds())))
        cache.set(key, state, timeout=timeout)
    return state


def last_day(ends_at: datetime) -> date:
    """
    The last day, in the site's time zone, on which a measure ending at ``ends_at`` is in force.
    A suspension "until 5 December" ends at the start of 6 December (the form stores the end of
    the chosen day): its last day is 5 December, and on 6 December the member can post again.
    """
    return timezone.localtime(ends_at - timedelta(microseconds=1)).date()


@dataclass(frozen=True)
class MeasureRow:
    """One measure on the member moderation page: whether it is in force now (then it can be lifted)."""

    sanction: Sanction
    in_force: bool


def member_measures(member: User, *, now: datetime | None = None) -> list[MeasureRow]:
    """``member``'s measures, newest first, with who took and lifted them: one query."""
    now = now or timezone.now()
    sanctions = Sanction.objects.filter(member=member).select_related("created_by", "lifted_by")
    return [
        MeasureRow(sanction=sanction, in_force=sanction.is_in_force(now))
        for sanction in sanctions.order_by("-starts_at", "-pk")
    ]


def member_notes(member: User) -> QuerySet[ModeratorNote]:
    """Moderators' notes about ``member``, newest first, with their authors."""
    return ModeratorNote.objects.filter(member=member).select_related("author").order_by("-created_at", "-pk")


def warning_to_acknowledge(member: User) -> Sanction | None:
    """The oldest warning ``member`` has not yet confirmed reading (and no moderator lifted), if any."""
    return (
        Sanction.objects.filter(member=member, kind=Sanction.Kind.WARNING, acknowledged_at__isnull=True)
        .filter(lifted_at__isnull=True)
        .order_by("starts_at")
        .first()
    )


def profile_actions(request, member: User) -> dict:
    """
    What the viewer can do about ``member`` from their profile, moderation's part of it
    (``accounts.profile_sections``): a site moderator opens the member's moderation page, a member
    reports them.
    """
    standing = request.standing
    return {
        "can_moderate": permissions.is_site_moderator(standing) and standing.user.pk != member.pk,
        "can_report": permissions.can_report(standing, member),
    }
