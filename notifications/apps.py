from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts import standing_parts as standing
from accounts.reachable import always_reachable


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import privacy, selectors  # noqa: F401  (registers the notifications' part of a member's data download; models are ready only now)

        standing.register("unread_notifications", expression=selectors.unread_count_subquery)
        # Unsubscribing from an e-mail's link works whatever the member still has to do on the site
        # (the path of notifications/urls.py "afmelden/<token>/" under "meldingen/").
        always_reachable("/meldingen/afmelden/")
