"""
Notifications in the administration: a read-only record, to see who was told
what and whether the e-mail went out (and why not); and members' e-mail
preferences, changed through the service as on the site.
"""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin, YesNoFilter

from . import emails, services
from .models import Notification, Preference


class ReadFilter(YesNoFilter):
    title = _("read")
    parameter_name = "read"
    condition = Q(read_at__isnull=False)
    yes_label, no_label = _("Read"), _("Unread")


class EmailFailedFilter(YesNoFilter):
    title = _("e-mail failed")
    parameter_name = "email_failed"
    condition = ~Q(email_error="")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Who was told what, and whether the e-mail went out: a record, read only."""

    list_display = ["recipient", "kind", "actor", "actor_count", "updated_at", "read_at", "emailed_at", "email_failed"]
    list_filter = ["kind", ReadFilter, EmailFailedFilter, "created_at"]
    list_select_related = ["recipient", "actor"]
    raw_id_fields = ["recipient", "actor"]
    search_fields = ["recipient__display_name", "recipient__email"]
    # Newest first by key, which is indexed; no date_hierarchy, whose list of dates would scan
    # the whole table (the largest of the site) on every load.
    ordering = ["-pk"]
    actions = ["send_email_again"]

    @admin.display(boolean=True, description=_("e-mail failed"))
    def email_failed(self, obj):
        return bool(obj.email_error)

    @admin.action(description=_("Send the e-mail again (immediate e-mail only)"), permissions=["view"])
    def send_email_again(self, request, queryset):
        sent = failed = 0
        for pk in queryset.filter(emailed_at__isnull=True).values_list("pk", flat=True):
            try:
                sent += emails.send_notification(pk)
            except Exception:  # noqa: BLE001  (recorded on the notification, shown in the list)
                failed += 1
        self.message_user(
            request, ngettext("%(count)d e-mail sent.", "%(count)d e-mails sent.", sent) % {"count": sent}
        )
        if failed:
            self.message_user(
                request,
                ngettext("%(count)d e-mail failed.", "%(count)d e-mails failed.", failed) % {"count": failed},
                messages.ERROR,
            )


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    """A member's choice of e-mail per kind; saved through the service, as on the site."""

    list_display = ["member", "kind", "frequency"]
    list_filter = ["kind", "frequency"]
    list_select_related = ["member"]
    raw_id_fields = ["member"]
    search_fields = ["member__display_name", "member__email"]
    ordering = ["-pk"]

    def get_readonly_fields(self, request, obj=None):
        return ["member", "kind"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        services.preference_set(member=obj.member, kind=obj.kind, frequency=obj.frequency)
        obj.pk = Preference.objects.get(member=obj.member, kind=obj.kind).pk
