from accounts.permissions import is_moderator

from .selectors import waiting_count


def moderation(request):
    """
    What waits for the moderator in the moderation queue (reports, held posts, applications,
    objections, problem reports), for the moderators' menu: one query, asked only when a
    template shows it; nothing for anyone else.
    """
    standing = getattr(request, "standing", None)
    if standing is None or not is_moderator(standing):
        return {}
    cached = []

    def count():
        if not cached:
            cached.append(waiting_count(standing))
        return cached[0]

    return {"moderation_item_count": count}
