"""The moderation queue: everything that waits for a moderator, on one page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import is_site_moderator

from .. import permissions, selectors
from ..models import ReportReason, Theme


@login_required
@require_GET
def moderation_queue(request):
    """
    Reported items, posts held for approval, membership applications and objections,
    each oldest first, filtered by theme (and reports by reason), with every decision
    on the item itself. A moderator limited to themes sees what they may decide.
    """
    permissions.check_moderate(request.user)
    themes = list(Theme.objects.filter(permissions.theme_scope_q(request.user, "pk")).order_by("position", "name"))
    theme_slug = request.GET.get("theme", "")
    if theme_slug not in {theme.slug for theme in themes}:
        theme_slug = ""
    reason = request.GET.get("reason", "")
    if reason not in ReportReason.values:
        reason = ""
    report_page, reported = selectors.reported_items(
        request.user, theme_slug=theme_slug, reason=reason, page_number=request.GET.get("page")
    )
    held_page, held = selectors.held_posts(request.user, theme_slug=theme_slug, page_number=request.GET.get("held"))
    filters = [(name, value) for name, value in (("theme", theme_slug), ("reason", reason)) if value]
    return render(
        request,
        "forum/moderation_queue.html",
        {
            "items": reported,
            "page_obj": report_page,
            "held_items": held,
            "held_page": held_page,
            "applicants": selectors.membership_applications(request.user),
            "can_take_measures": is_site_moderator(request.user),
            "themes": themes,
            "reasons": ReportReason.choices,
            "theme_slug": theme_slug,
            "reason": reason,
            "filter_query": "&".join(f"{name}={value}" for name, value in filters),
            "queue_url": request.get_full_path(),
        },
    )
