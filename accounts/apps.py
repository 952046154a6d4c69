from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from core import mentions as text_mentions


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Members")

    def ready(self):
        # Importing registers accounts' privacy parts and connects the allauth signal receivers.
        # In ready(), not at the top: these import the models, which need the app registry.
        from . import mentions, privacy, signals  # noqa: F401

        text_mentions.use_member_lookup(mentions.members_named)
        connection_created.connect(mentions.add_sqlite_functions, dispatch_uid="accounts-sqlite-functions")
