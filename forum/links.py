"""
Addresses for long pages, without a ``reverse()`` per link.

``reverse()`` goes through the URL patterns on every call (some 50 µs); the thread page
links every reply several times (its own address, the author's profile, appreciating,
reporting), so that adds up to milliseconds. A ``PageLinks`` lives for one page (the view
puts it in the context as ``links``): it reverses each URL name once, with a marker in place
of its one argument, keeps the two halves around the marker and fills in the value after
that. Nothing is kept between requests, so URL configuration, script prefix and language
are always those of the page.

Only for URL names with exactly one argument whose converter is ``int`` or ``slug``
(``<int:pk>``, ``<slug:handle>``); any other value goes through ``reverse()`` as usual.
"""

import re

from django.urls import reverse

_MARKER = "9081726354"  # digits: a valid int and slug, and in no address of this site
_PLAIN = re.compile(r"[-a-zA-Z0-9_]+\Z")  # what int and slug converters accept, unquoted


class PageLinks:
    def __init__(self):
        self._halves = {}

    def reverse(self, viewname: str, **kwargs) -> str:
        """``reverse(viewname, kwargs=kwargs)``, in a few µs after the first of its kind."""
        if len(kwargs) == 1:
            ((kwarg, value),) = kwargs.items()
            value = str(value)
            if _PLAIN.match(value):
                key = (viewname, kwarg)
                halves = self._halves.get(key)
                if halves is None:
                    url = reverse(viewname, kwargs={kwarg: _MARKER})
                    before, found, after = url.partition(_MARKER)
                    halves = self._halves[key] = (before, after) if found and _MARKER not in after else ()
                if halves:
                    return f"{halves[0]}{value}{halves[1]}"
        return reverse(viewname, kwargs=kwargs)


def page_reverse(context, viewname: str, **kwargs) -> str:
    """Through the page's ``links`` when the view gave one, else ``reverse()``."""
    links = context.get("links")
    if links is None:
        return reverse(viewname, kwargs=kwargs)
    return links.reverse(viewname, **kwargs)
