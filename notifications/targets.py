"""
Whether a member may see what a notification is about.

A notification points at a thread or a reply, which belong to the forum, an app above this one:
notifications does not know who may see them. The forum gives its answer once, from
``ForumConfig.ready()``, through ``register_visibility`` (a narrow registration point, the way
``admin.site.register`` is filled). ``notify`` asks it before telling a member, the e-mails before
sending, and the list before offering a link.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

# ``check(member, thread=…, reply=…)``: whether ``member`` may see the thread, or the reply.
VisibilityCheck = Callable[..., bool]

_checks: list[VisibilityCheck] = []


def register_visibility(check: VisibilityCheck) -> None:
    """Say who may see the targets of notifications; the app that keeps them calls this once."""
    if _checks and _checks[0] is not check:
        raise ImproperlyConfigured("Who may see a notification's target is registered twice.")
    _checks[:] = [check]


def can_see(member, *, thread=None, reply=None) -> bool:
    """Whether ``member`` may see the notification's target; a notification about nothing is always readable."""
    if thread is None and reply is None:
        return True
    if not _checks:
        raise ImproperlyConfigured("No app registered who may see the targets of notifications.")
    return _checks[0](member, thread=thread, reply=reply)
