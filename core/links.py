"""
The site's own address, for links that leave the site: in e-mails and in notifications.

Every such link is made here, from ``settings.SITE_URL`` (the address the site is served on; in
development the port ``make run`` serves on), never from the ``Host`` of a request: mails sent by a
background task have no request, and a link in a mail must not depend on who asked for it.
"""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str = "/") -> str:
    """``path`` (starting with ``/``) as a full address on this site."""
    return f"{settings.SITE_URL}{path}"


def absolute_reverse(viewname: str, *, args=None, kwargs=None) -> str:
    """The full address of a named URL, as ``reverse()`` takes it."""
    return absolute_url(reverse(viewname, args=args, kwargs=kwargs))
