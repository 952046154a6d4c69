"""Where a form sends the member back to."""

from django.utils.http import url_has_allowed_host_and_scheme, urlencode

# What a thread's address may carry on to its canonical address (a short link, an old slug):
# the page and the order of the replies. Nothing else is passed on, so a link cannot smuggle
# an address or any other parameter through the redirect.
THREAD_PAGE_PARAMETERS = ("page", "sort")


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


def with_thread_page_query(request, url: str) -> str:
    """``url`` (a thread's own address) with the thread page's known parameters of the request."""
    kept = [(name, request.GET[name]) for name in THREAD_PAGE_PARAMETERS if request.GET.get(name)]
    return f"{url}?{urlencode(kept)}" if kept else url
