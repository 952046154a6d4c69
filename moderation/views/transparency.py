"""Moderation in figures (public) and the moderation log (moderators)."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from core.models import ModerationAction, ModerationLog
from forum import permissions, selectors
from moderation.models import ReportReason


def _year(value: str, years: list[int]) -> int | None:
    """The chosen year when it is one the page offers; anything else means "the last twelve months"."""
    value = value.strip()
    if not value.isdigit() or len(value) > 4:
        return None
    year = int(value)
    return year if year in years else None


@require_GET
def moderation_figures(request):
    years = selectors.figures_years()
    year = _year(request.GET.get("jaar", ""), years)
    months = selectors.figures_months(year)
    figures = selectors.moderation_figures(months)
    totals = selectors.MonthFigures(
        month=months[-1],
        reports_by_reason={
            reason: sum(month.reports_by_reason[reason] for month in figures) for reason in ReportReason
        },
    )
    for name in selectors.FIGURES:
        setattr(totals, name, sum(getattr(month, name) for month in figures))
    return render(
        request,
        "forum/transparency.html",
        {
            "figures": figures,
            "totals": totals,
            "reasons": ReportReason.choices,
            "year": year,
            "years": years,
            "first_month": months[-1],
            "last_month": months[0],
        },
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
        "forum/moderation_log.html",
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
