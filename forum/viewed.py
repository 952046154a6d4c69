"""
The threads a browser has been counted as a view of: a thread's view counts once
per visitor (``services.thread_register_view``, and the page cache's own count).

Kept in a signed cookie of its own, not in the session: a visitor's page then
needs no session, so a new visitor costs no session row and no cache entry (under
load that cost more than serving the page itself from the page cache). The
cookie holds the ids of the last ``KEPT`` threads and nothing else, lives as long
as a session would, and is signed: a cookie changed by hand counts as none.
"""

from django.conf import settings
from django.utils.http import base36_to_int, int_to_base36

COOKIE = "forum_viewed"
SALT = "forum.viewed"
KEPT = 100


class ViewedThreads:
    """The thread ids of ``request``'s cookie (none without a request); :meth:`save` writes them back."""

    def __init__(self, request=None):
        self._ids = []
        self._changed = False
        if request is not None:
            value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=settings.SESSION_COOKIE_AGE)
            self._ids = _parse(value)

    def __contains__(self, thread_id) -> bool:
        return thread_id in self._ids

    def add(self, thread_id: int) -> None:
        if thread_id not in self._ids:
            self._ids = [*self._ids[-(KEPT - 1) :], thread_id]
            self._changed = True

    def save(self, response) -> None:
        """Set the cookie on ``response`` when a thread was added."""
        if self._changed:
            response.set_signed_cookie(
                COOKIE,
                ",".join(int_to_base36(thread_id) for thread_id in self._ids),
                salt=SALT,
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )


def _parse(value: str) -> list[int]:
    ids = []
    for part in value.split(",")[-KEPT:] if value else []:
        try:
            ids.append(base36_to_int(part))
        except ValueError:
            continue
    return ids
