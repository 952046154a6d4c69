from accounts.permissions import is_member


def notifications(request):
    """The bell's unread count, for members: loaded with the member, or one indexed COUNT when a template shows it."""
    user = getattr(request, "user", None)
    if not is_member(user):
        return {}

    def unread_count():
        # Usually brought with the member by ``accounts.backends`` (``with_standing``).
        count = getattr(user, "_unread_notification_count", None)
        if count is None:
            count = user._unread_notification_count = user.notifications.unread().count()
        return count

    return {"unread_notification_count": unread_count}
