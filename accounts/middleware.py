from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core import navigation

from . import permissions, selectors
from .reachable import is_always_reachable
from .standing import ACCEPTED_TERMS_SESSION_KEY


def is_page_navigation(request) -> bool:
    """
    Whether the browser is loading a page the member will see, as opposed to an image (the
    icon), a script, a style sheet or an htmx swap: only those are sent elsewhere first.
    Browsers say so in Sec-Fetch-Mode and Sec-Fetch-Dest; without them a client that asks for
    HTML, or does not say what it accepts, is loading a page.
    """
    if request.headers.get("HX-Request"):
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:
        return mode == "navigate" and request.headers.get("Sec-Fetch-Dest", "document") == "document"
    accept = request.headers.get("Accept")
    return accept is None or "text/html" in accept


class MemberObligationsMiddleware:
    """
    Before a member goes on: moderators and administrators set up two-factor
    authentication when the site requires it, and every member accepts a new
    version of the terms (after moderation's ``MeasuresMiddleware``: a ban or a warning
    comes first). Only page visits (GET navigations, ``is_page_navigation``) are
    redirected: the browser's own requests for the icon, images and scripts, and htmx swaps,
    are answered as they are. Every write path checks the same rules in the services.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "GET"
            and permissions.is_member(request.standing)
            and not is_always_reachable(request.path)
        ):
            redirect_to = is_page_navigation(request) and (self._mfa_redirect(request) or self._terms_redirect(request))
            if redirect_to:
                return redirect_to
        return self.get_response(request)

    def _mfa_redirect(self, request):
        standing = request.standing
        if not (standing.user.is_staff or permissions.holds_moderator_role(standing)):
            return None
        if permissions.meets_staff_security(standing):
            return None
        messages.warning(request, _("Moderators and administrators must set up two-factor authentication first."))
        return redirect("mfa_activate_totp")

    def _terms_redirect(self, request):
        terms = selectors.terms_current()
        if terms is None:
            return None
        if permissions.has_accepted_current_terms(request.standing):
            # Known in this session from now on (acceptances are never withdrawn): the next pages'
            # standing need not ask the database again (``accounts.standing.request_standing``).
            # Written once: a session written on every page would be saved (a database write) on every page.
            if request.session.get(ACCEPTED_TERMS_SESSION_KEY) != terms.version:
                request.session[ACCEPTED_TERMS_SESSION_KEY] = terms.version
            return None
        url = reverse("accounts:terms_accept")
        return redirect(navigation.with_next(url, request.get_full_path()))
