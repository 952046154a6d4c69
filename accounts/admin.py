from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


class EmailAddressInline(admin.TabularInline):
    model = EmailAddress
    fields = ["email", "verified", "primary"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["display_name", "email", "handle", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "emailaddress__verified"]
    search_fields = ["display_name", "email", "handle"]
    ordering = ["display_name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [EmailAddressInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "handle"]}),
        (_("Roles"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]}),
    ]
