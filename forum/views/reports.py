"""Members report threads, replies and members; moderators decide on the reports in the queue."""

import html

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions as account_permissions
from accounts.models import User

from .. import permissions, services
from ..forms import ReportDecisionForm, ReportForm
from ..models import Reply, Report, ReportReason, Theme, Thread

ITEMS_PER_PAGE = 20
EXCERPT_LENGTH = 300
TARGET_KINDS = {"discussie": Thread, "reactie": Reply, "lid": User}


@login_required
@require_http_methods(["GET", "POST"])
def thread_report(request, pk):
    thread = get_object_or_404(Thread.objects.select_related("theme", "author"), pk=pk)
    permissions.check_view_thread(request.user, thread)
    return _report(request, thread, thread.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def reply_report(request, pk):
    reply = get_object_or_404(Reply.objects.select_related("thread", "author"), pk=pk)
    permissions.check_view_reply(request.user, reply)
    return _report(request, reply, reply.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def member_report(request, handle):
    member = get_object_or_404(User, handle=handle)
    account_permissions.check_profile_exists(member)
    return _report(request, member, member.get_absolute_url())


def _report(request, target, back_url):
    permissions.check_report(request.user, target)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_file(reporter=request.user, target=target, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("note" if error.code == "note_required" else "reason", error)
        else:
            messages.success(request, _("Thank you. A moderator will look at your report."))
            return redirect(back_url)
    kind = "thread" if isinstance(target, Thread) else "reply" if isinstance(target, Reply) else "member"
    return render(
        request,
        "forum/report_form.html",
        {"form": form, "target": target, "kind": kind, "back_url": back_url},
    )


def _open_reports_queryset(user, theme_slug: str, reason: str):
    """Open reports of the items that match the filters (an item matches when any of its open reports does)."""
    reports = Report.objects.filter(state=Report.State.OPEN).filter(permissions.moderated_reports_q(user))
    if theme_slug:
        reports = reports.filter(Q(thread__theme__slug=theme_slug) | Q(reply__thread__theme__slug=theme_slug))
    if reason:
        same_item_with_reason = Report.objects.filter(state=Report.State.OPEN, reason=reason).filter(
            Q(thread_id=OuterRef("thread_id")) | Q(reply_id=OuterRef("reply_id")) | Q(member_id=OuterRef("member_id"))
        )
        reports = reports.filter(Exists(same_item_with_reason))
    return reports


@login_required
@require_http_methods(["GET"])
def moderation_queue(request):
    permissions.check_moderate(request.user)
    themes = list(Theme.objects.filter(permissions.theme_scope_q(request.user, "pk")).order_by("position", "name"))
    theme_slug = request.GET.get("theme", "")
    if theme_slug not in {theme.slug for theme in themes}:
        theme_slug = ""
    reason = request.GET.get("reason", "")
    if reason not in ReportReason.values:
        reason = ""
    # One row per item, oldest report first: the page of items, then all their open reports in one query.
    groups = (
        _open_reports_queryset(request.user, theme_slug, reason)
        .values("thread_id", "reply_id", "member_id")
        .annotate(first_reported_at=Min("created_at"), reporter_count=Count("reporter_id", distinct=True))
        .order_by("first_reported_at", "thread_id", "reply_id", "member_id")
    )
    page = Paginator(groups, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    keys = [(group["thread_id"], group["reply_id"], group["member_id"]) for group in page]
    reports_by_key = {key: [] for key in keys}
    if keys:
        reports = (
            Report.objects.filter(state=Report.State.OPEN)
            .filter(
                Q(thread_id__in=[k[0] for k in keys if k[0]])
                | Q(reply_id__in=[k[1] for k in keys if k[1]])
                | Q(member_id__in=[k[2] for k in keys if k[2]])
            )
            .select_related("thread__theme", "reply__thread__theme", "member")
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
        kind = "thread" if first.thread_id else "reply" if first.reply_id else "member"
        items.append(
            {
                "kind": kind,
                "url_kind": {"thread": "discussie", "reply": "reactie", "member": "lid"}[kind],
                "target": first.target,
                "thread": first.thread or (first.reply.thread if first.reply_id else None),
                "excerpt": _excerpt(first.target) if kind != "member" else "",
                "reports": item_reports,
                "reasons": sorted({report.get_reason_display() for report in item_reports}),
                "reporter_count": group["reporter_count"],
                "first_reported_at": group["first_reported_at"],
            }
        )
    return render(
        request,
        "forum/moderation_queue.html",
        {
            "items": items,
            "page_obj": page,
            "themes": themes,
            "reasons": ReportReason.choices,
            "theme_slug": theme_slug,
            "reason": reason,
            "filter_query": "&".join(
                f"{name}={value}" for name, value in (("theme", theme_slug), ("reason", reason)) if value
            ),
        },
    )


def _excerpt(post) -> str:
    """The start of a post as plain text (the template escapes it)."""
    return Truncator(" ".join(html.unescape(strip_tags(post.body_html)).split())).chars(EXCERPT_LENGTH)


@login_required
@require_POST
def report_decide(request, kind, pk, decision):
    permissions.check_moderate(request.user)
    if kind not in TARGET_KINDS or decision not in ("uphold", "dismiss"):
        raise Http404
    target = get_object_or_404(TARGET_KINDS[kind], pk=pk)
    permissions.check_resolve_reports(request.user, target)
    uphold = decision == "uphold"
    form = ReportDecisionForm(request.POST, uphold=uphold)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("forum:moderation_queue")
    decided = services.reports_resolve(
        acting_user=request.user, target=target, uphold=uphold, note=form.cleaned_data["note"]
    )
    if not decided:
        messages.info(request, _("There were no open reports on this item any more."))
    elif uphold:
        messages.success(request, _("The reports have been upheld."))
    else:
        messages.success(request, _("The reports have been dismissed."))
    return redirect("forum:moderation_queue")
