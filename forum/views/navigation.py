"""Where a form sends the member back to."""

from django.utils.http import url_has_allowed_host_and_scheme


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
