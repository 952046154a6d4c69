"""
Versions of what the forum keeps rendered or read in Django's cache (forum/cooked.py), so that
several app servers share them through Redis and a change reaches them all at once.

A kept value is filed under the versions of what it shows: a thread's (its posts' bylines and
badges), the site's (members' names and badges, shown with everything they wrote) or the lists'
(``LISTING``: the lists of discussions and the latest activity). A change gives the scopes it
touches a new version, so the values kept under the old one are never read again and expire.
A version is random, never incremented, so it never comes back; it is replaced right away and
again once the change commits, so a value read while the change's transaction ran is not kept
under the version that follows it. Read the versions before the data, for the same reason.

Where versions are replaced: forum/cooked.py's signal handlers (every save and delete of a
thread, reply, theme, member or organisation) and the forum's querysets' ``update()``
(forum/managers.py: every conditional update of a thread or reply, the way the services hide,
lock, pin, move, approve and count replies), and the tag services (forum/services/tags.py: the
lists show each thread's tags, which change without a save of the thread). Nothing else calls
:func:`replace` by hand.
"""

import secrets
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

SITE = "site"
LISTING = "listing"


def enabled() -> bool:
    """Whether the forum keeps rendered parts in the cache (``FORUM_POST_CACHE``, on unless turned off)."""
    return getattr(settings, "FORUM_POST_CACHE", True)


def _key(scope: object) -> str:
    return f"forum:cooked:version:{scope}"


def current(*scopes: object) -> tuple[int, ...]:
    """The current versions of ``scopes``, in their order, in one round trip to the cache."""
    keys = [_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.randbits(62), timeout=None)
            found[key] = cache.get(key, 0)
    return tuple(found[key] for key in keys)


def replace(scope: object) -> None:
    """A new version for ``scope``: now, and again after the commit of the change."""
    if not enabled():
        return
    _write(scope)
    transaction.on_commit(partial(_write, scope), robust=True)


def _write(scope: object) -> None:
    cache.set(_key(scope), secrets.randbits(62), timeout=None)
