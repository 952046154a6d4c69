from django.conf import settings

from accounts.permissions import is_moderator, is_site_moderator

from .selectors import waiting_count


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
    if moderator:
        context["moderation_item_count"] = _waiting_count(standing)
    return context


def _waiting_count(standing):
    """
    What waits for the moderator in the moderation queue (reports, held posts, applications,
    objections), for the moderators' menu: one query, asked only when a template shows it.
    """
    cached = []

    def count():
        if not cached:
            cached.append(waiting_count(standing))
        return cached[0]

    return count
