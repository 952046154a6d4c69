"""The mails waiting to go out, read only: what failed and why (``retry_mails`` sends them again)."""

from django.contrib import admin

from .models import Mail


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "created_at", "attempts", "error"]
    list_filter = ["attempts"]
    search_fields = ["to", "subject"]
    fields = ["to", "from_email", "subject", "created_at", "attempts", "error", "headers", "body"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
