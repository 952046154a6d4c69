from django.conf import settings

from accounts.permissions import is_moderator, is_site_moderator


def site(request):
    """What every page's frame needs; no database query unless a member is logged in."""
    moderator = is_moderator(getattr(request, "user", None))
    context = {
        "is_moderator": moderator,
        # Lazy: asks which themes a moderator is limited to only when a template wants to know.
        "is_site_moderator": lambda: moderator and is_site_moderator(request.user),
        "debug_mode": settings.DEBUG,
    }
    if moderator:
        context["moderation_item_count"] = _open_report_item_count(request.user)
    return context


def _open_report_item_count(user):
    """
    The number of items (threads, replies, members) with open reports that ``user``
    may decide, for the moderators' menu: one query, asked only when a template shows it.
    """
    from .models import Report
    from .permissions import moderated_reports_q

    cached = []

    def count():
        if not cached:
            cached.append(
                Report.objects.filter(state=Report.State.OPEN)
                .filter(moderated_reports_q(user))
                .values("thread_id", "reply_id", "member_id")
                .distinct()
                .count()
            )
        return cached[0]

    return count
