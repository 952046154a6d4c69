from django.contrib import admin

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
