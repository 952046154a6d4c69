from django.conf import settings

from accounts.permissions import is_moderator


def site(request):
    """What every page's frame needs; no database query unless a member is logged in."""
    moderator = is_moderator(getattr(request, "user", None))
    context = {
        "is_moderator": moderator,
        "debug_mode": settings.DEBUG,
    }
    if moderator:
        context["moderation_item_count"] = _open_report_item_count()
    return context


def _open_report_item_count():
    """
    The number of items (threads, replies, members) with open reports, for the
    moderators' menu: one query, asked only when a template shows it.
    """
    from .models import Report

    cached = []

    def count():
        if not cached:
            cached.append(
                Report.objects.filter(state=Report.State.OPEN)
                .values("thread_id", "reply_id", "member_id")
                .distinct()
                .count()
            )
        return cached[0]

    return count
