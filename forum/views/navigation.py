"""A thread's address with the page the member was on (``core.navigation`` reads ``next``)."""

from django.utils.http import urlencode

# What a thread's address may carry on to its canonical address (a short link, an old slug):
# the page and the order of the replies. Nothing else is passed on, so a link cannot smuggle
# an address or any other parameter through the redirect.
THREAD_PAGE_PARAMETERS = ("page", "sort")


def with_thread_page_query(request, url: str) -> str:
    """``url`` (a thread's own address) with the thread page's known parameters of the request."""
    kept = [(name, request.GET[name]) for name in THREAD_PAGE_PARAMETERS if request.GET.get(name)]
    return f"{url}?{urlencode(kept)}" if kept else url
