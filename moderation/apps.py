from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        # In ready(), not at the top: these import the models, which need the app registry.
        # Importing privacy registers moderation's parts of a member's data download.
        from accounts import profile_sections, reachable, standing_parts
        from forum import holds

        from . import privacy, selectors  # noqa: F401
        from .services import approval

        # The forum asks whether a post is held through its registration point; moderation answers.
        holds.register(approval)
        # A member's standing (accounts) reads the measures in force against them through moderation's reader.
        standing_parts.register_measures(selectors.sanction_state)
        # A warned or banned member can always acknowledge the warning, object and report a problem
        # (the paths of moderation/urls.py: "waarschuwing/", "bezwaar/…", "probleem-rapporteren/").
        reachable.always_reachable("/waarschuwing/", "/bezwaar/", "/probleem-rapporteren/")
        # A member's profile shows a moderator the way to their moderation page, a member the way to report them.
        profile_sections.register(
            "moderation/_profile_actions.html",
            context=selectors.profile_actions,
            place=profile_sections.Place.ACTIONS,
        )
