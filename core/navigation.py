"""Where to send the member back: the ``next`` parameter, read safely and passed on; what to tell them there."""

from django.contrib import messages
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def next_url(request, default: str = "") -> str:
    """
    The ``next`` parameter of the request when it points into this site (the moderation
    queue, say), else ``default``; an address elsewhere is ignored, never followed.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def with_next(url: str, back_to: str) -> str:
    """``url`` (a page to go through first) with ``next`` set to where the member comes back to."""
    return f"{url}?{urlencode({'next': back_to})}"


def login_url(back_to: str) -> str:
    """The login page, coming back to ``back_to`` after logging in."""
    return with_next(reverse("account_login"), back_to)


def errors_as_messages(request, form) -> None:
    """
    Each error of ``form`` as a message on the page the member goes back to: for the forms of
    buttons in a list or on a post (decide, hide, refuse), which have no page of their own.
    """
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
