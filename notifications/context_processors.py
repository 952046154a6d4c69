from accounts.permissions import is_member


def notifications(request):
    """The bell's unread count, for members: one indexed COUNT, asked only when a template shows it."""
    user = getattr(request, "user", None)
    if not is_member(user):
        return {}

    cached = []

    def unread_count():
        if not cached:
            cached.append(user.notifications.unread().count())
        return cached[0]

    return {"unread_notification_count": unread_count}
