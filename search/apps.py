from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        # The index follows every saved or deleted thread and reply (forum's post_save and
        # post_delete); the new-thread form asks the forum's registration point for similar
        # discussions, which search answers.
        from forum import similar

        from . import privacy, selectors, services  # noqa: F401  (privacy: registers what search holds of a member)

        services.connect_signals()
        similar.register(selectors.similar_threads)
