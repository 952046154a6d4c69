from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts import profile_sections
from accounts import standing_parts as standing


class ForumConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forum"
    verbose_name = _("Forum")

    def ready(self):
        from . import checks, cooked, notification_targets, privacy, selectors  # noqa: F401  (registers the system checks and the privacy parts; models are ready only now)

        cooked.connect_signals()
        notification_targets.register()
        standing.register_moderation_scope(selectors.theme_moderator_listing)
        profile_sections.register("forum/_profile_posts.html", context=selectors.member_posts_for_profile)
