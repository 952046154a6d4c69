"""Members report threads, replies and members; moderators decide on the reports in the queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions as account_permissions
from accounts.models import User
from core.navigation import errors_as_messages, next_url
from forum import permissions
from forum.models import ContentKind, Reply, Thread
from moderation import services as moderation_services

from ..forms import ReportDecisionForm, ReportForm

REPORT_TARGETS = {ContentKind.THREAD: Thread, ContentKind.REPLY: Reply, ContentKind.MEMBER: User}


@login_required
@require_http_methods(["GET", "POST"])
def thread_report(request, pk):
    thread = get_object_or_404(Thread.objects.select_related("theme", "author"), pk=pk)
    permissions.check_view_thread(request.standing, thread)
    return _report(request, thread, ContentKind.THREAD, thread.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def reply_report(request, pk):
    reply = get_object_or_404(Reply.objects.select_related("thread", "author"), pk=pk)
    permissions.check_view_reply(request.standing, reply)
    return _report(request, reply, ContentKind.REPLY, reply.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def member_report(request, handle):
    member = get_object_or_404(User, handle=handle)
    account_permissions.check_profile_exists(member)
    return _report(request, member, ContentKind.MEMBER, member.get_absolute_url())


def _report(request, target, kind: ContentKind, back_url):
    permissions.check_report(request.standing, target)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation_services.report_file(reporter=request.user, target=target, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("note" if error.code == "note_required" else "reason", error)
        else:
            return _after_report(request, target, kind, back_url)
    return render(
        request,
        "moderation/report_form.html",
        {"form": form, "target": target, "kind": kind, "back_url": back_url},
    )


def _after_report(request, target, kind: ContentKind, back_url):
    """
    Back to what was reported; when this report hid the post, to where the member can still
    go (the thread, or the theme of a hidden thread), saying what happened instead of a 404.
    """
    if kind == ContentKind.REPLY and not permissions.can_view_reply(request.standing, target):
        if permissions.can_view_thread(request.standing, target.thread):
            messages.success(
                request, _("Thank you for your report. The reply is hidden until a moderator has looked at it.")
            )
            return redirect(target.thread.get_absolute_url())
        target, kind = target.thread, ContentKind.THREAD
    if kind == ContentKind.THREAD and not permissions.can_view_thread(request.standing, target):
        messages.success(
            request, _("Thank you for your report. The discussion is hidden until a moderator has looked at it.")
        )
        return redirect(target.theme.get_absolute_url())
    messages.success(request, _("Thank you. A moderator will look at your report."))
    return redirect(back_url)


@login_required
@require_POST
def report_decide(request, kind: ContentKind, pk, decision):
    permissions.check_moderate(request.standing)
    if decision not in ("uphold", "dismiss"):
        raise Http404
    target = get_object_or_404(REPORT_TARGETS[kind], pk=pk)
    permissions.check_resolve_reports(request.standing, target)
    uphold = decision == "uphold"
    form = ReportDecisionForm(request.POST, uphold=uphold)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(next_url(request) or reverse("moderation:moderation_queue"))
    decided = moderation_services.reports_resolve(
        acting_user=request.user, target=target, uphold=uphold, note=form.cleaned_data["note"]
    )
    if not decided:
        messages.info(request, _("There were no open reports on this item any more."))
    elif uphold:
        messages.success(request, _("The reports have been upheld."))
    else:
        messages.success(request, _("The reports have been dismissed."))
    return redirect(next_url(request) or reverse("moderation:moderation_queue"))
