"""The moderation queue: everything that waits for a moderator, on one page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_site_moderator
from core.navigation import errors_as_messages
from forum import permissions
from forum.forms import REASON_MAX_LENGTH
from forum.models import Theme
from moderation.models import ProblemReport, ReportReason

from .. import selectors, services


@login_required
@require_GET
def moderation_queue(request):
    """
    Reported items, posts held for approval, membership applications and objections,
    each oldest first, filtered by theme (and reports by reason), with every decision
    on the item itself. A moderator limited to themes sees what they may decide.
    """
    permissions.check_moderate(request.standing)
    themes = list(Theme.objects.filter(permissions.theme_scope_q(request.standing, "pk")).order_by("position", "name"))
    theme_slug = request.GET.get("theme", "")
    if theme_slug not in {theme.slug for theme in themes}:
        theme_slug = ""
    reason = request.GET.get("reason", "")
    if reason not in ReportReason.values:
        reason = ""
    report_page, reported = selectors.reported_items(
        request.standing, theme_slug=theme_slug, reason=reason, page_number=request.GET.get("page")
    )
    held_page, held = selectors.held_posts(request.standing, theme_slug=theme_slug, page_number=request.GET.get("held"))
    filters = [(name, value) for name, value in (("theme", theme_slug), ("reason", reason)) if value]
    return render(
        request,
        "moderation/moderation_queue.html",
        {
            "items": reported,
            "page_obj": report_page,
            "held_items": held,
            "held_page": held_page,
            "applicants": selectors.membership_applications(request.standing),
            "problem_reports": list(selectors.open_problem_reports(request.standing)),
            "can_take_measures": is_site_moderator(request.standing),
            "themes": themes,
            "reasons": ReportReason.choices,
            "theme_slug": theme_slug,
            "reason": reason,
            "filter_query": "&".join(f"{name}={value}" for name, value in filters),
            "queue_url": request.get_full_path(),
        },
    )


class ProblemReportCloseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=REASON_MAX_LENGTH, required=False)


@login_required
@require_POST
def problem_report_close(request, pk):
    """A moderator of the whole site marks a "Report a problem?" message handled; it is logged."""
    permissions.check_site_moderator(request.standing)
    report = get_object_or_404(ProblemReport, pk=pk)
    form = ProblemReportCloseForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
    elif services.problem_report_close(acting_user=request.user, report=report, reason=form.cleaned_data["note"]):
        messages.success(request, _("The problem report has been marked as handled."))
    else:
        messages.info(request, _("This problem report had already been handled."))
    return redirect(f"{reverse('moderation:moderation_queue')}#problems-heading")
