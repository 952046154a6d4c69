"""
A member's notifications and e-mail settings, and the one-click unsubscribe
link from the e-mails. Thin views: the rules are in ``permissions`` and every
write goes through ``services``.

Marking read is a plain POST form that redirects back to the list. With htmx
(an ``HX-Request`` header) the same URL answers with the swapped item or list,
the header's bell and the text for the page's status region instead.
"""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import permissions, services, targets, tokens
from .forms import PreferencesForm
from .models import Kind, Notification

PER_PAGE = 25


def _back_to_list(request):
    """The list again, on the page the member was on."""
    url = reverse("notifications:list")
    page = request.POST.get("page", "")
    return redirect(f"{url}?{urlencode({'page': page})}" if page.isdigit() and page != "1" else url)


def _page_number(request) -> str:
    """The page of the list the form was on, as the forms send it back."""
    page = request.POST.get("page", "")
    return page if page.isdigit() else "1"


def _own_notification(request, pk):
    notification = get_object_or_404(Notification.objects.with_targets(), pk=pk)
    permissions.check_view_notification(request.standing, notification)
    return notification


def _list_context(request, page_number) -> dict:
    """One page of the member's notifications, newest first, and which of them can still be opened."""
    page = Paginator(request.user.notifications.for_list(), PER_PAGE).get_page(page_number)
    return {"page_obj": page, "page_number": page.number, "available": _available(request, page)}


def _available(request, notifications) -> set[int]:
    """The ids of the ``notifications`` whose target the member can still open (not hidden or gone since)."""
    return {n.pk for n in notifications if permissions.is_available(request.standing, n)}


def _marked_read(request, status_message, notification=None):
    """The htmx answer to marking read: the item (or else the whole list), the bell and the status text."""
    context = {
        "notification": notification,
        "status_message": status_message,
        # Counted again: the count that came with the member's standing is from before the marking.
        "unread_notification_count": request.user.notifications.unread().count(),
    }
    if notification is not None:
        context |= {"available": _available(request, [notification]), "page_number": _page_number(request)}
    else:
        context |= _list_context(request, _page_number(request))
    return render(request, "notifications/_marked_read_response.html", context)


@login_required
@require_GET
def notification_list(request):
    """The member's notifications, newest first, unread ones marked."""
    return render(request, "notifications/notification_list.html", _list_context(request, request.GET.get("page")))


@login_required
@require_GET
def notification_open(request, pk):
    """Mark the notification read and go to what it is about (a reply at its place in the thread, a thread)."""
    notification = _own_notification(request, pk)
    services.notification_mark_read(acting_user=request.user, notification=notification)
    if not permissions.is_available(request.standing, notification):
        messages.info(request, _("What this notification was about is no longer available."))
        return redirect("notifications:list")
    if notification.target is not None:
        return redirect(targets.url(notification.target))
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_read(request, pk):
    notification = _own_notification(request, pk)
    services.notification_mark_read(acting_user=request.user, notification=notification)
    if request.htmx:
        return _marked_read(request, _("The notification is marked as read."), notification)
    return _back_to_list(request)


@login_required
@require_POST
def notification_mark_all_read(request):
    marked = services.notifications_mark_all_read(acting_user=request.user)
    message = _("All notifications are marked as read.")
    if request.htmx:
        return _marked_read(request, message)
    if marked:
        messages.success(request, message)
    return _back_to_list(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """How the member hears of each kind of notification by e-mail, and in which language."""
    form = PreferencesForm(request.POST if request.method == "POST" else None, member=request.user)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(
            member=request.user, frequencies=form.frequencies(), language=form.cleaned_data["language"]
        )
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# The one-click unsubscribe link (RFC 8058) is opened from an e-mail, without logging in, and mail
# programs POST to it themselves ("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), without a
# CSRF token or cookie. So this one view is exempt from CSRF: the signed, expiring token in the
# address is the protection. It names one member and kinds of e-mail, and can only turn e-mail off.
# A GET only shows the confirmation (mail scanners open links); only the POST unsubscribes.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe(request, token):
    try:
        wanted = tokens.read_unsubscribe_token(token)
    except tokens.ExpiredToken:
        return _invalid_link(request, expired=True)
    except tokens.InvalidToken:
        return _invalid_link(request, expired=False)
    member = get_user_model().objects.filter(pk=wanted.member_pk, is_former_member=False).first()
    if member is None:
        return _invalid_link(request, expired=False, status=HTTPStatus.NOT_FOUND)
    kinds = [Kind(kind).label for kind in wanted.kinds]
    if request.method == "POST":
        services.preferences_unsubscribe(member=member, kinds=wanted.kinds)
        return render(request, "notifications/unsubscribe_done.html", {"kinds": kinds})
    return render(request, "notifications/unsubscribe_confirm.html", {"kinds": kinds})


def _invalid_link(request, *, expired: bool, status=HTTPStatus.BAD_REQUEST):
    return render(request, "notifications/unsubscribe_invalid.html", {"expired": expired}, status=status)
