from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Members")

    def ready(self):
        # Importing registers accounts' privacy parts and connects the allauth signal receivers.
        from . import privacy, signals  # noqa: F401
