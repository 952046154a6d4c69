from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        # The forum asks whether a post is held through its registration point; moderation answers.
        from forum import holds

        from .services import approval

        holds.register(approval)
