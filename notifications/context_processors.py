from accounts.permissions import is_member


def notifications(request):
    """The bell's unread count, for members: brought with the member's standing (``accounts.standing``)."""
    standing = getattr(request, "standing", None)
    if standing is None or not is_member(standing):
        return {}
    return {"unread_notification_count": int(standing.part("unread_notifications"))}
