from django.conf import settings

from accounts.permissions import is_moderator


def site(request):
    """What every page's frame needs; no database query unless a member is logged in."""
    return {
        "is_moderator": is_moderator(getattr(request, "user", None)),
        "debug_mode": settings.DEBUG,
    }
