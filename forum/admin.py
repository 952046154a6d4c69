from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit import admin as taggit_admin

from accounts.roles import MODERATE_PERMISSION
from core.admin import ReadOnlyAdmin

from . import selectors, services
from .models import (
    ContentKind,
    Page,
    Reaction,
    Reply,
    Revision,
    Tag,
    Theme,
    ThemeFollow,
    Thread,
    ThreadFollow,
    ThreadTag,
    ThreadVisit,
)

# django-taggit's own tag model is not used (the forum has its own, ``Tag``), and its admin merges
# tags without the moderation log: the forum's pages rename and merge them (``services.tags``).
admin.site.unregister(taggit_admin.Tag)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_premoderated", "is_members_only", "created_at"]
    list_editable = ["position"]
    list_filter = ["is_premoderated", "is_members_only"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]
    fields = ["name", "slug", "description", "position", "is_premoderated", "is_members_only", "moderators"]
    # Listing a moderator here limits them to the themes they are listed on.
    filter_horizontal = ["moderators"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Members-only or not changes what visitors count on the home page.
        selectors.theme_counts_changed()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Only members holding the moderator role can be listed as a theme's moderators."""
        if db_field.name == "moderators":
            app_label, codename = MODERATE_PERMISSION.split(".")
            role = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(Q(groups__permissions__in=role) | Q(user_permissions__in=role))
                .distinct()
                .order_by("display_name")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _run_service(modeladmin, request, queryset, service, done_message, *, arg, **kwargs):
    """
    Call ``service`` for each selected item, each in its own transaction. Items the user may not
    act on (outside their themes, or no moderator role) are left alone and counted in a message.
    """
    changed = refused = 0
    for obj in queryset:
        try:
            changed += bool(service(acting_user=request.user, **{arg: obj}, **kwargs))
        except PermissionDenied:
            refused += 1
    if refused:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d item was left alone: you may not moderate it.",
                "%(count)d items were left alone: you may not moderate them.",
                refused,
            )
            % {"count": refused},
            messages.ERROR,
        )
    if changed or not refused:
        modeladmin.message_user(request, done_message(changed), messages.SUCCESS)


def service_action(service, *, description, done, arg, **kwargs):
    """An admin action that calls ``service`` for each selected item (``_run_service``)."""

    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        _run_service(modeladmin, request, queryset, service, done, arg=arg, **kwargs)

    return action


class PostAdminMixin:
    """
    Threads and replies are written on the site, never added or deleted here. Moderators' acts
    (hide, restore, approve, lock, pin, move) are moderation's: its admin registers these
    classes again with those actions (``moderation/admin.py``).
    """

    readonly_fields = [
        "body_html",
        "created_at",
        "edited_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "hold_reason",
        "hold_detail",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Nothing a member wrote is deleted: it is hidden instead.
        return False


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["created_at", "edited_by", "title", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Thread)
class ThreadAdmin(PostAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "theme",
        "author",
        "written_by",
        "capacity",
        "status",
        "is_pinned",
        "is_locked",
        "reply_count",
        "view_count",
        "created_at",
        "last_activity_at",
    ]
    list_filter = ["status", "is_pinned", "is_locked", "capacity", "theme", "created_at"]
    list_select_related = ["theme", "author", "written_by"]
    search_fields = ["title", "body", "author__display_name"]
    autocomplete_fields = ["theme", "author"]
    fields = [
        "theme",
        "title",
        "body",
        "author",
        "written_by",
        "capacity",
        "on_behalf_of",
        *PostAdminMixin.readonly_fields,
        "view_count",
        "reply_count",
    ]
    readonly_fields = [
        *PostAdminMixin.readonly_fields,
        "author",
        "written_by",
        "capacity",
        "on_behalf_of",
        "view_count",
        "reply_count",
        "last_activity_at",
        # Moving a thread is a moderator's act: moderation's admin makes the theme editable.
        "theme",
    ]
    # No date_hierarchy: its list of dates scans the whole table on every load; the date filter does not.
    # Newest first by key, which is indexed: sorting 100,000 threads by date would read them all.
    ordering = ["-pk"]
    inlines = [RevisionInline]

    def save_model(self, request, obj, form, change):
        """Edits in the admin go through the services: a revision is kept and the act is logged."""
        current = Thread.objects.get(pk=obj.pk)
        if {"title", "body"} & set(form.changed_data):
            services.thread_edit(acting_user=request.user, thread=current, title=obj.title, body=obj.body)


@admin.register(Reply)
class ReplyAdmin(PostAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "author", "written_by", "capacity", "thread", "status", "created_at"]
    list_filter = ["status", "capacity", "thread__theme", "created_at"]
    list_select_related = ["author", "written_by", "thread"]
    search_fields = ["body", "author__display_name", "written_by__display_name", "thread__title"]
    fields = ["thread", "author", "written_by", "capacity", "on_behalf_of", "body", *PostAdminMixin.readonly_fields]
    readonly_fields = [*PostAdminMixin.readonly_fields, "thread", "author", "written_by", "capacity", "on_behalf_of"]
    # No date_hierarchy: its list of dates scans the whole table on every load; the date filter does not.
    ordering = ["-pk"]
    inlines = [RevisionInline]

    def save_model(self, request, obj, form, change):
        """Edits in the admin go through the services: a revision is kept and the act is logged."""
        if "body" in form.changed_data:
            services.reply_edit(acting_user=request.user, reply=Reply.objects.get(pk=obj.pk), body=obj.body)


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "edited_by", "thread", "reply", "title"]
    list_select_related = ["edited_by", "thread", "reply__thread", "reply__author"]
    list_filter = ["created_at"]
    search_fields = ["title", "body", "edited_by__display_name"]
    ordering = ["-pk"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    """The site's own pages, in Dutch and (for English readers; empty: the Dutch text) in English."""

    list_display = ["title", "slug", "has_english_text", "updated_at"]
    search_fields = ["title", "body", "title_en", "body_en"]
    fieldsets = [
        (None, {"fields": ["slug", "updated_at"]}),
        (_("Dutch"), {"fields": ["title", "body"]}),
        (_("English"), {"fields": ["title_en", "body_en"]}),
    ]
    readonly_fields = ["updated_at"]

    @admin.display(boolean=True, description=_("in English"))
    def has_english_text(self, obj):
        return bool(obj.body_en.strip())


class PostKindFilter(admin.SimpleListFilter):
    """Appreciations of threads or of replies."""

    title = _("kind of post")
    parameter_name = "post"

    def lookups(self, request, model_admin):
        return [(ContentKind.THREAD, _("Discussions")), (ContentKind.REPLY, _("Replies"))]

    def queryset(self, request, queryset):
        if self.value() == ContentKind.THREAD:
            return queryset.filter(thread__isnull=False)
        if self.value() == ContentKind.REPLY:
            return queryset.filter(reply__isnull=False)
        return queryset


class MemberChoiceAdmin(ReadOnlyAdmin):
    """
    What members choose on the site themselves (appreciations, follows, how far they read):
    looked up here, changed only by the member, through the services that keep the counts.
    The tables grow with every member: newest rows first by key, which is indexed.
    """

    search_fields = ["member__display_name", "member__email"]
    ordering = ["-pk"]


@admin.register(Reaction)
class ReactionAdmin(MemberChoiceAdmin):
    list_display = ["created_at", "member", "thread", "reply"]
    list_filter = [PostKindFilter, "created_at"]
    list_select_related = ["member", "thread", "reply__thread", "reply__author"]
    raw_id_fields = ["member", "thread", "reply"]
    search_fields = [*MemberChoiceAdmin.search_fields, "thread__title", "reply__thread__title"]


@admin.register(ThreadFollow)
class ThreadFollowAdmin(MemberChoiceAdmin):
    list_display = ["member", "thread", "created_at"]
    list_filter = ["thread__theme", "created_at"]
    list_select_related = ["member", "thread"]
    raw_id_fields = ["member", "thread"]
    search_fields = [*MemberChoiceAdmin.search_fields, "thread__title"]


@admin.register(ThemeFollow)
class ThemeFollowAdmin(MemberChoiceAdmin):
    list_display = ["member", "theme", "created_at"]
    list_filter = ["theme"]
    list_select_related = ["member", "theme"]
    raw_id_fields = ["member"]
    search_fields = [*MemberChoiceAdmin.search_fields, "theme__name"]


@admin.register(ThreadVisit)
class ThreadVisitAdmin(MemberChoiceAdmin):
    list_display = ["member", "thread", "last_read_at"]
    list_filter = ["thread__theme"]
    list_select_related = ["member", "thread"]
    raw_id_fields = ["member", "thread"]
    search_fields = [*MemberChoiceAdmin.search_fields, "thread__title"]


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    """Tags are looked up here; moderators rename and merge them on the site (/moderatie/tags/), logged."""

    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    ordering = ["name"]


@admin.register(ThreadTag)
class ThreadTagAdmin(ReadOnlyAdmin):
    """Which thread carries which tag: chosen on the thread's forms, through the services."""

    list_display = ["content_object", "tag"]
    list_select_related = ["content_object", "tag"]
    search_fields = ["tag__name", "content_object__title"]
    raw_id_fields = ["content_object"]
    ordering = ["-pk"]
