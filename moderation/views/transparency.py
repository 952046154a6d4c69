"""Moderation in figures (public) and the moderation log (moderators)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import User
from core.models import ModerationAction, ModerationLog
from forum import permissions
from moderation.models import ReportReason

from .. import selectors


def _year(value: str, years: list[int]) -> int | None:
    """The chosen year when it is one the page offers; anything else means "the last twelve months"."""
    value = value.strip()
    if not value.isdigit() or len(value) > 4:
        return None
    year = int(value)
    return year if year in years else None


@dataclass(frozen=True)
class FiguresTable:
    """One table of the figures page: its caption, the headings after "Month", the counts per month and the totals."""

    caption: str
    headings: list[str]
    rows: list[tuple[date, list[int]]]
    totals: list[int]


Column = tuple[str, Callable[[selectors.MonthFigures], int]]


def _by_reason(reason: str) -> Callable[[selectors.MonthFigures], int]:
    return lambda month: month.reports_by_reason[reason]


def _figure_tables() -> list[tuple[str, list[Column]]]:
    """The tables of the figures page: each a caption (with the first and last month) and its columns."""
    return [
        (
            gettext_lazy("Reports received per month, by reason, %(first)s to %(last)s, newest first"),
            [
                *((capfirst(label), _by_reason(reason)) for reason, label in ReportReason.choices),
                (_("Total"), attrgetter("reports_received")),
            ],
        ),
        (
            gettext_lazy("Posts held for approval per month, %(first)s to %(last)s, newest first"),
            [
                (_("Held for approval"), attrgetter("held")),
                (_("Approved"), attrgetter("approved")),
                (_("Not approved"), attrgetter("not_approved")),
            ],
        ),
        (
            gettext_lazy("Moderation decisions per month, %(first)s to %(last)s, newest first"),
            [
                (_("Hidden by a moderator"), attrgetter("hidden_by_moderator")),
                (_("Hidden automatically after reports"), attrgetter("hidden_automatically")),
                (_("Shown again"), attrgetter("restored")),
                (_("Reports upheld"), attrgetter("reports_upheld")),
                (_("Reports dismissed"), attrgetter("reports_dismissed")),
                (_("Membership applications approved"), attrgetter("members_approved")),
                (_("Membership applications refused"), attrgetter("members_refused")),
            ],
        ),
        (
            gettext_lazy("Objections and measures against members per month, %(first)s to %(last)s, newest first"),
            [
                (_("Objections received"), attrgetter("objections_received")),
                (_("Objections upheld"), attrgetter("objections_upheld")),
                (_("Objections rejected"), attrgetter("objections_rejected")),
                (_("Warnings"), attrgetter("warnings")),
                (_("Suspensions"), attrgetter("suspensions")),
                (_("Bans"), attrgetter("bans")),
            ],
        ),
    ]


@require_GET
def moderation_figures(request):
    years = selectors.figures_years()
    year = _year(request.GET.get("jaar", ""), years)
    months = selectors.figures_months(year)
    figures = selectors.moderation_figures(months)
    period = {"first": date_format(months[-1], "F Y"), "last": date_format(months[0], "F Y")}
    tables = [
        FiguresTable(
            caption=caption % period,
            headings=[heading for heading, _count in columns],
            rows=[(month.month, [count(month) for _heading, count in columns]) for month in figures],
            totals=[sum(count(month) for month in figures) for _heading, count in columns],
        )
        for caption, columns in _figure_tables()
    ]
    return render(
        request,
        "moderation/transparency.html",
        {"figures": figures, "tables": tables, "year": year, "years": years},
    )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


@login_required
@require_GET
def moderation_log(request):
    permissions.check_moderate(request.standing)
    notices = []
    action = request.GET.get("actie", "")
    if action not in ModerationAction.values:
        action = ""
    moderator = request.GET.get("moderator", "").strip()
    actor = None
    if moderator == "auto":
        actor = "auto"
    elif moderator.isdigit() and len(moderator) <= 18:
        actor = int(moderator)
    else:
        moderator = ""
    dates = {}
    for name in ("van", "tot"):
        value = request.GET.get(name, "").strip()
        dates[name] = _date(value) if value else None
        if value and dates[name] is None:
            notices.append(_("“%(value)s” is not a date (use YYYY-MM-DD); that filter was ignored.") % {"value": value})
    rows = selectors.moderation_log(action=action, actor=actor, since=dates["van"], until=dates["tot"])
    page = Paginator(rows, selectors.LOG_PER_PAGE).get_page(request.GET.get("page"))
    links = selectors.moderation_log_links(page.object_list)
    entries = [(row, links.get(row.pk)) for row in page.object_list]
    moderators = (
        User.objects.filter(pk__in=ModerationLog.objects.filter(actor__isnull=False).values("actor_id"))
        .select_related(None)
        .only("display_name", "is_former_member")
        .order_by("display_name", "pk")
    )
    filters = {
        "actie": action,
        "moderator": moderator,
        "van": dates["van"].isoformat() if dates["van"] else "",
        "tot": dates["tot"].isoformat() if dates["tot"] else "",
    }
    return render(
        request,
        "moderation/moderation_log.html",
        {
            "entries": entries,
            "page_obj": page,
            "actions": ModerationAction.choices,
            "moderators": moderators,
            "filters": filters,
            "notices": notices,
            "filter_query": urlencode({name: value for name, value in filters.items() if value}),
        },
    )
