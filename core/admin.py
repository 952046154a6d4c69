from django.contrib import admin
from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _

from .models import ModerationLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody adds to, changes or deletes in the admin, not even a superuser: logs, history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_repr", "reason"]
    list_filter = ["action", "target_type", "created_at"]
    list_select_related = ["actor", "target_type"]
    search_fields = ["target_repr", "reason", "actor__display_name"]


class YesNoFilter(admin.SimpleListFilter):
    """
    A filter with two choices: the rows that meet ``condition`` ("yes") and the rest ("no").
    A subclass sets ``title``, ``parameter_name`` and ``condition`` (a ``Q`` or an ``Exists``),
    and ``yes_label`` and ``no_label`` where "Yes" and "No" do not read well.
    """

    condition: Q | Exists
    yes_label = _("Yes")
    no_label = _("No")

    def lookups(self, request, model_admin):
        return [("yes", self.yes_label), ("no", self.no_label)]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition)
        if self.value() == "no":
            return queryset.exclude(self.condition)
        return queryset
