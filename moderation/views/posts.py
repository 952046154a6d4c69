"""Moderators' acts on threads and replies, from the thread page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import navigation
from core.models import ModerationAction
from forum import permissions
from forum.models import ContentKind, Reply, Thread

from .. import services
from ..forms import CloseAtForm, HeldDecisionForm, HideForm, ModerationReasonForm, SlowModeForm

# The address names the act by its code in the moderation log (``close-at`` and ``slow-mode`` take a form of their own).
POST_ACTIONS = (ModerationAction.HIDE, ModerationAction.RESTORE)
THREAD_ACTIONS = {
    ModerationAction.LOCK: (services.thread_lock, _("The thread has been locked.")),
    ModerationAction.UNLOCK: (services.thread_unlock, _("The thread has been unlocked.")),
    ModerationAction.PIN: (services.thread_pin, _("The thread has been pinned.")),
    ModerationAction.UNPIN: (services.thread_unpin, _("The thread has been unpinned.")),
}


@login_required
@require_POST
def thread_moderate(request, pk, action):
    thread = get_object_or_404(Thread, pk=pk)
    permissions.check_moderate_post(request.standing, thread)
    if action in POST_ACTIONS:
        return _moderate_post(request, thread, action, navigation.next_url(request, thread.get_absolute_url()))
    if action == "close-at":
        return _thread_close_at(request, thread)
    if action == "slow-mode":
        return _thread_slow_mode(request, thread)
    if action not in THREAD_ACTIONS:
        raise Http404
    service, message = THREAD_ACTIONS[action]
    form = ModerationReasonForm(request.POST)
    if not form.is_valid():
        return _moderation_form_error(request, form, navigation.next_url(request, thread.get_absolute_url()))
    if service(acting_user=request.user, thread=thread, reason=form.cleaned_data["reason"]):
        messages.success(request, message)
    return redirect(navigation.next_url(request, thread.get_absolute_url()))


@login_required
@require_POST
def reply_moderate(request, pk, action):
    reply = get_object_or_404(Reply.objects.select_related("thread"), pk=pk)
    permissions.check_moderate_post(request.standing, reply)
    if action not in POST_ACTIONS:
        raise Http404
    return _moderate_post(
        request, reply, action, navigation.next_url(request, f"{reply.thread.get_absolute_url()}#{reply.anchor}")
    )


def _moderate_post(request, post, action, next_url):
    hide = action == ModerationAction.HIDE
    form = (HideForm if hide else ModerationReasonForm)(request.POST)
    if not form.is_valid():
        return _moderation_form_error(request, form, next_url)
    if hide:
        changed = services.post_hide(acting_user=request.user, post=post, reason=form.cleaned_data["reason"])
        message = _("The item has been hidden. Moderators can still see it.")
    else:
        changed = services.post_restore(acting_user=request.user, post=post, reason=form.cleaned_data["reason"])
        message = _("The item is visible again.")
    if changed:
        messages.success(request, message)
    return redirect(next_url)


def _thread_close_at(request, thread):
    form = CloseAtForm(request.POST)
    if not form.is_valid():
        return _moderation_form_error(request, form, thread.get_absolute_url())
    closes_at = form.cleaned_data["closes_at"]
    if services.thread_close_at(
        acting_user=request.user, thread=thread, closes_at=closes_at, reason=form.cleaned_data["reason"]
    ):
        if closes_at is None:
            messages.success(request, _("The closing date has been removed."))
        else:
            messages.success(request, _("The closing date has been set."))
    return redirect(thread)


def _thread_slow_mode(request, thread):
    form = SlowModeForm(request.POST)
    if not form.is_valid():
        return _moderation_form_error(request, form, thread.get_absolute_url())
    seconds = form.seconds
    if services.thread_slow_mode(
        acting_user=request.user, thread=thread, seconds=seconds, reason=form.cleaned_data["reason"]
    ):
        if seconds:
            messages.success(request, _("Slow mode is on."))
        else:
            messages.success(request, _("Slow mode is off."))
    return redirect(thread)


def _moderation_form_error(request, form, next_url):
    navigation.errors_as_messages(request, form)
    return redirect(next_url)


HELD_POSTS = {ContentKind.THREAD: Thread.objects.all(), ContentKind.REPLY: Reply.objects.select_related("thread")}


@login_required
@require_POST
def held_decide(request, kind: ContentKind, pk, decision):
    """Approve or do not approve a post held for approval; back to where the moderator came from."""
    if decision not in (ModerationAction.APPROVE, ModerationAction.REJECT):
        raise Http404
    post = get_object_or_404(HELD_POSTS[kind], pk=pk)
    permissions.check_moderate_post(request.standing, post)
    approve = decision == ModerationAction.APPROVE
    next_url = navigation.next_url(request) or reverse("moderation:moderation_queue")
    form = HeldDecisionForm(request.POST, approve=approve)
    if not form.is_valid():
        return _moderation_form_error(request, form, next_url)
    reason = form.cleaned_data["reason"]
    if approve and services.post_approve(acting_user=request.user, post=post, reason=reason):
        messages.success(request, _("The post has been approved: everyone can read it now."))
    elif not approve and services.post_reject(acting_user=request.user, post=post, reason=reason):
        messages.success(request, _("The post has not been approved. Its author has been told why."))
    else:
        messages.info(request, _("This post was not waiting for approval any more."))
    return redirect(next_url)
