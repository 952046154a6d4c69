"""
The admin of moderation's records (most are read-only here, decided on the site through the
services), and moderators' acts in the forum's admin of threads and replies.

The forum's admin knows no moderation: its ``ThreadAdmin`` and ``ReplyAdmin`` edit the text
only. Moderation, the layer above, registers both models again with subclasses of those public
classes that add the acts (hide, restore, approve, lock, pin) as admin actions and let the
theme of a thread be changed (a move). ``admin.site.unregister`` and ``register`` are the
admin's public way to replace another app's registration.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin
from forum.admin import ReplyAdmin, ThreadAdmin, service_action
from forum.models import Reply, Thread

from . import services
from .models import ModeratorNote, Objection, ProblemReport, Report, Sanction, WatchedWord


class ModeratedPostAdminMixin:
    """Hide, restore and approve call the same services as the site, which check, log and tell the author."""

    hide = service_action(
        services.post_hide,
        description=_("Hide selected items (reason: hidden in the administration)"),
        done=lambda n: ngettext("%(count)d item hidden.", "%(count)d items hidden.", n) % {"count": n},
        arg="post",
        reason=_("Hidden in the administration."),
    )

    restore = service_action(
        services.post_restore,
        description=_("Restore selected items"),
        done=lambda n: ngettext("%(count)d item restored.", "%(count)d items restored.", n) % {"count": n},
        arg="post",
    )

    approve = service_action(
        services.post_approve,
        description=_("Approve selected items waiting for approval"),
        done=lambda n: ngettext("%(count)d item approved.", "%(count)d items approved.", n) % {"count": n},
        arg="post",
    )


class ModeratedThreadAdmin(ModeratedPostAdminMixin, ThreadAdmin):
    """The forum's thread admin with the moderators' acts; a changed theme moves the thread (``thread_move``)."""

    readonly_fields = [field for field in ThreadAdmin.readonly_fields if field != "theme"]
    actions = ["hide", "restore", "approve", "lock", "unlock", "pin", "unpin"]

    def save_model(self, request, obj, form, change):
        if "theme" in form.changed_data:
            services.thread_move(acting_user=request.user, thread=Thread.objects.get(pk=obj.pk), theme=obj.theme)
        super().save_model(request, obj, form, change)

    lock = service_action(
        services.thread_lock,
        description=_("Lock selected threads"),
        done=lambda n: ngettext("%(count)d thread locked.", "%(count)d threads locked.", n) % {"count": n},
        arg="thread",
    )

    unlock = service_action(
        services.thread_unlock,
        description=_("Unlock selected threads"),
        done=lambda n: ngettext("%(count)d thread unlocked.", "%(count)d threads unlocked.", n) % {"count": n},
        arg="thread",
    )

    pin = service_action(
        services.thread_pin,
        description=_("Pin selected threads"),
        done=lambda n: ngettext("%(count)d thread pinned.", "%(count)d threads pinned.", n) % {"count": n},
        arg="thread",
    )

    unpin = service_action(
        services.thread_unpin,
        description=_("Unpin selected threads"),
        done=lambda n: ngettext("%(count)d thread unpinned.", "%(count)d threads unpinned.", n) % {"count": n},
        arg="thread",
    )


class ModeratedReplyAdmin(ModeratedPostAdminMixin, ReplyAdmin):
    """The forum's reply admin with the moderators' acts."""

    actions = ["hide", "restore", "approve"]


admin.site.unregister(Thread)
admin.site.register(Thread, ModeratedThreadAdmin)
admin.site.unregister(Reply)
admin.site.register(Reply, ModeratedReplyAdmin)


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
