"""The admin of moderation's records: most are read-only here, decided on the site through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin
from forum import services
from forum.admin import service_action

from .models import ModeratorNote, Objection, ProblemReport, Report, Sanction, WatchedWord


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "state", "reporter", "page_url", "message"]
    list_filter = ["state"]
    list_select_related = ["reporter"]
    search_fields = ["message", "page_url", "contact_email"]
    readonly_fields = ["created_at", "reporter", "contact_email", "page_url", "message", "state"]
    date_hierarchy = "created_at"
    actions = ["close"]

    def has_add_permission(self, request):
        return False

    close = service_action(
        services.problem_report_close,
        description=_("Close selected reports"),
        done=lambda n: ngettext("%(count)d report closed.", "%(count)d reports closed.", n) % {"count": n},
        arg="report",
    )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Reports are filed and decided on the site (the moderation queue); here they are looked up."""

    list_display = ["created_at", "state", "reason", "reporter", "thread", "reply", "member", "resolved_by"]
    list_filter = ["state", "reason", "created_at"]
    list_select_related = ["reporter", "thread", "reply__thread", "reply__author", "member", "resolved_by"]
    raw_id_fields = ["reporter", "thread", "reply", "member", "resolved_by"]
    search_fields = ["note", "resolution_note"]
    ordering = ["-created_at", "-pk"]
    readonly_fields = [
        "reporter",
        "thread",
        "reply",
        "member",
        "reason",
        "note",
        "state",
        "created_at",
        "resolved_at",
        "resolved_by",
        "resolution_note",
    ]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    """Objections are filed by members and decided in the moderation queue; here they are looked up."""

    list_display = ["created_at", "state", "member", "decision", "decided_by", "decided_at"]
    list_filter = ["state", "decision__action"]
    list_select_related = ["member", "decision", "decided_by"]
    raw_id_fields = ["decision", "member", "decided_by"]
    search_fields = ["text", "decision_note", "member__display_name", "member__email"]
    ordering = ["-created_at", "-pk"]
    date_hierarchy = "created_at"


@admin.register(WatchedWord)
class WatchedWordAdmin(admin.ModelAdmin):
    """Words and phrases that hold a post for approval or refuse it; changes apply to the next post at once."""

    list_display = ["phrase", "action", "is_active", "message", "created_at"]
    list_filter = ["action", "is_active"]
    list_editable = ["action", "is_active"]
    search_fields = ["phrase", "message"]
    fields = ["phrase", "action", "message", "is_active"]


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    """Read-only: moderators warn, suspend, ban and lift through the services, which state the reason and log."""

    list_display = ["member", "kind", "starts_at", "ends_at", "lifted_at", "created_by"]
    list_filter = ["kind", ("lifted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["member", "created_by"]
    search_fields = ["member__display_name", "member__email", "reason"]
    raw_id_fields = ["member", "created_by", "lifted_by"]
    date_hierarchy = "starts_at"


@admin.register(ModeratorNote)
class ModeratorNoteAdmin(ReadOnlyAdmin):
    """
    Read-only: moderators write notes on the member's moderation page, through
    ``sanctions.moderator_note_add``, where they see the member's history with them.
    """

    list_display = ["member", "created_at", "author", "text"]
    list_select_related = ["member", "author"]
    search_fields = ["member__display_name", "member__email", "text"]
    raw_id_fields = ["member", "author"]
    ordering = ["-created_at", "-pk"]
    date_hierarchy = "created_at"
