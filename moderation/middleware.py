"""
Measures against a member, on their next page: a member banned while logged in is logged out and
told why; a warning is acknowledged before they go on. Installed right before accounts'
``MemberObligationsMiddleware`` (two-step verification, new terms), with the same rules of which
requests it acts on (page navigations only, never the pages every member can always reach).
"""

from django.contrib.auth import logout
from django.shortcuts import redirect

from accounts import permissions
from accounts.middleware import is_page_navigation
from accounts.reachable import is_always_reachable

from .views.sanctions import banned


class MeasuresMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "GET"
            and permissions.is_member(request.standing)
            and not is_always_reachable(request.path)
            and is_page_navigation(request)
        ):
            # The measures in force come with the request's standing (read once, from the shared cache).
            measures = request.standing.sanction
            if measures.banned:
                member = request.user
                logout(request)
                # The page offers the signed link to object to the ban: they can no longer log in.
                return banned(request, member)
            if measures.unacknowledged_warning is not None:
                return redirect("moderation:warning")
        return self.get_response(request)
