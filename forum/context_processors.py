from django.conf import settings

from accounts.permissions import is_moderator, is_site_moderator


def site(request):
    """What every page's frame needs; no database query unless a member is logged in."""
    standing = getattr(request, "standing", None)
    moderator = standing is not None and is_moderator(standing)
    context = {
        "standing": standing,
        "is_moderator": moderator,
        # Lazy: asks which themes a moderator is limited to only when a template wants to know.
        "is_site_moderator": lambda: moderator and is_site_moderator(standing),
        "debug_mode": settings.DEBUG,
    }
    return context
