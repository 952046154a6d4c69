from django.conf import settings
from django.core.checks import Error, register

INTEGER_SETTINGS = {
    "FORUM_THREADS_PER_PAGE": 1,
    "FORUM_REPLIES_PER_PAGE": 1,
    "FORUM_EDIT_WINDOW_MINUTES": 0,
    "FORUM_POSTS_PER_HOUR": 0,
    "FORUM_REPORTS_PER_HOUR": 0,
    "FORUM_TAG_CREATE_MIN_POSTS": 0,
}


@register()
def check_forum_settings(app_configs, **kwargs):
    errors = []
    for name, minimum in INTEGER_SETTINGS.items():
        value = getattr(settings, name, None)
        if not isinstance(value, int) or value < minimum:
            errors.append(Error(f"{name} must be a whole number of at least {minimum}.", id="forum.E001", obj=name))
    share_url = getattr(settings, "FORUM_MASTODON_SHARE_URL", "")
    if not share_url.startswith("https://"):
        errors.append(Error("FORUM_MASTODON_SHARE_URL must be an https:// address.", id="forum.E002"))
    return errors
