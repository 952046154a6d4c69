"""
The administration of members, organisations and terms.

Every act with consequences for a member goes through ``accounts.services``, as
on the site: approving and refusing (logged, the applicant is told), granting
and revoking the moderator role (logged), organisation accounts and who may
post as them, profile edits (photos stripped of metadata). A service that
refuses (``PermissionDenied``) becomes an error message.
"""

from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.standing import standing_of
from core.admin import ReadOnlyAdmin, YesNoFilter

from . import avatars, permissions, services
from .forms import RefuseMemberForm
from .models import (
    AccountDelegate,
    Approval,
    Organisation,
    OrganisationDomain,
    OrganisationRole,
    SiteSettings,
    TermsAcceptance,
    TermsVersion,
    User,
)
from .roles import MODERATORS, moderators_group

# What a member tells others about themself: changed through services.profile_update.
PROFILE_FIELDS = ["display_name", "job_title", "bio", "avatar", "profile_visibility"]


def _holds_moderator_role():
    """Whether the member (the outer row) is in the moderators' group, as a subquery."""
    return Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=MODERATORS))


def _run_for_each(modeladmin, request, queryset, service, *, refused_message, done_message, **kwargs):
    """Call ``service`` for each selected member; report how many changed, or that it was refused."""
    try:
        changed = sum(bool(service(acting_user=request.user, member=member, **kwargs)) for member in queryset)
    except PermissionDenied:
        modeladmin.message_user(request, refused_message, messages.ERROR)
        return
    modeladmin.message_user(request, done_message(changed), messages.SUCCESS)


def _intermediate_page(modeladmin, request, template, *, title, objects, form, action):
    """An action's confirmation page that asks for more (a reason, a name), the Django-admin way."""
    request.current_app = modeladmin.admin_site.name
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "objects": objects,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, template, context)


# Members ----------------------------------------------------------------------------


class VerifiedCivilServantFilter(YesNoFilter):
    """Verified civil servants: their verified address is on an organisation's domain."""

    title = _("verified civil servant")
    parameter_name = "civil_servant"
    condition = Q(organisation__isnull=False, is_organisation_account=False)


class EmailVerifiedFilter(YesNoFilter):
    """Whether the address a member logs in with is verified (as ``permissions.has_verified_email``)."""

    title = _("e-mail address verified")
    parameter_name = "email_verified"
    condition = Exists(
        EmailAddress.objects.filter(user_id=OuterRef("pk"), verified=True, email__iexact=OuterRef("email"))
    )


class RoleFilter(admin.SimpleListFilter):
    """Moderators hold the moderators' group; administrators are staff; members are neither."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [
            ("moderator", _("moderator")),
            ("administrator", _("administrator")),
            ("member", pgettext_lazy("role", "member")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "moderator":
            return queryset.filter(_holds_moderator_role())
        if self.value() == "administrator":
            return queryset.filter(is_staff=True)
        if self.value() == "member":
            return queryset.filter(is_staff=False).exclude(_holds_moderator_role())
        return queryset


class EmailAddressInline(admin.TabularInline):
    model = EmailAddress
    fields = ["email", "verified", "primary"]
    extra = 0


class DelegateInline(admin.TabularInline):
    """Who posts as an organisation account; added and removed under "Members of organisation accounts"."""

    model = AccountDelegate
    fk_name = "account"
    fields = ["member", "added_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MemberChangeForm(DjangoUserAdmin.form):
    """The change form, with a new photo made square and stripped of metadata before it is stored."""

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            return avatars.prepare_avatar(avatar)
        return avatar


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = MemberChangeForm
    list_display = [
        "display_name",
        "email",
        "organisation",
        "verified_civil_servant",
        "approval",
        "roles",
        "date_joined",
        "last_login",
    ]
    list_filter = [
        VerifiedCivilServantFilter,
        EmailVerifiedFilter,
        RoleFilter,
        "approval",
        "is_organisation_account",
        "is_former_member",
        "is_active",
    ]
    list_select_related = ["organisation"]
    search_fields = ["display_name", "email", "organisation__name"]
    ordering = ["display_name"]
    readonly_fields = [
        "organisation",
        "is_organisation_account",
        "approval",
        "approval_reason",
        "is_former_member",
        "date_joined",
        "last_login",
    ]
    inlines = [EmailAddressInline]
    actions = ["approve", "refuse", "grant_moderator", "revoke_moderator"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "handle", "job_title", "bio", "avatar", "profile_visibility"]}),
        (
            _("Verification and approval"),
            {
                "fields": [
                    "organisation",
                    "is_organisation_account",
                    "approval",
                    "approval_reason",
                    "is_former_member",
                ],
                "description": _(
                    "The organisation follows the member's verified e-mail address. "
                    "Approve or refuse members with the actions on the member list, so the decision is logged "
                    "and the member is told."
                ),
            },
        ),
        (_("Roles"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(holds_moderator_role=_holds_moderator_role())

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_organisation_account:
            # Nobody logs in as an organisation account: it has no address and no password.
            fieldsets = fieldsets[1:]
        return fieldsets

    def get_inlines(self, request, obj):
        if obj is not None and obj.is_organisation_account:
            return [DelegateInline]
        return super().get_inlines(request, obj)

    def user_change_password(self, request, id, form_url=""):
        member = self.get_object(request, unquote(id))
        if member is not None and member.is_organisation_account:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_former_member:
            # A closed account has no profile left to edit.
            readonly += [name for name in PROFILE_FIELDS if name not in readonly]
        return readonly

    @admin.display(boolean=True, description=_("verified civil servant"), ordering="organisation")
    def verified_civil_servant(self, obj):
        return obj.is_verified_civil_servant

    @admin.display(description=_("roles"))
    def roles(self, obj):
        names = []
        if obj.is_staff:
            names.append(gettext("administrator"))
        if getattr(obj, "holds_moderator_role", False):
            names.append(gettext("moderator"))
        if obj.is_organisation_account:
            names.append(gettext("organisation account"))
        return ", ".join(names) or pgettext("role", "member")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            # The moderator role is granted and revoked by the actions, which log it.
            kwargs["queryset"] = Group.objects.exclude(name=MODERATORS)
            kwargs["help_text"] = _(
                "The moderator role is not listed here: grant or revoke it with the actions on the member list, "
                "so that it is logged."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """A changed profile goes through ``services.profile_update``, as on the site."""
        profile_changed = change and any(name in form.changed_data for name in PROFILE_FIELDS)
        if not profile_changed:
            super().save_model(request, obj, form, change)
            return
        stored = User.objects.only(*PROFILE_FIELDS).get(pk=obj.pk)
        for name in PROFILE_FIELDS:
            setattr(obj, name, getattr(stored, name) if name != "avatar" else stored.avatar.name)
        super().save_model(request, obj, form, change)
        avatar = form.cleaned_data.get("avatar") if "avatar" in form.changed_data else None
        services.profile_update(
            member=obj,
            display_name=form.cleaned_data["display_name"],
            job_title=form.cleaned_data["job_title"],
            bio=form.cleaned_data["bio"],
            profile_visibility=form.cleaned_data["profile_visibility"],
            avatar=avatar or None,
            remove_avatar=avatar is False,
        )

    def save_related(self, request, form, formsets, change):
        if change and "groups" in form.cleaned_data and form.instance.groups.filter(name=MODERATORS).exists():
            # The groups field does not list the moderators' group; keep the member in it.
            form.cleaned_data["groups"] = [*form.cleaned_data["groups"], moderators_group()]
        super().save_related(request, form, formsets, change)
        if not form.instance.is_organisation_account:
            # Addresses may have been changed or verified here: the organisation follows the verified address.
            services.member_sync_organisation(member=form.instance)

    @admin.action(description=_("Approve selected members"))
    def approve(self, request, queryset):
        _run_for_each(
            self,
            request,
            queryset,
            services.member_approve,
            refused_message=gettext("Only moderators can approve or refuse members."),
            done_message=lambda n: (
                ngettext("%(count)d member approved.", "%(count)d members approved.", n) % {"count": n}
            ),
        )

    @admin.action(description=_("Refuse selected members (asks for a reason)"))
    def refuse(self, request, queryset):
        """Refuse members waiting for approval, with a reason they receive by e-mail; asks for it first."""
        if not permissions.can_review_members(request.standing):
            self.message_user(request, gettext("Only moderators can approve or refuse members."), messages.ERROR)
            return None
        pending = list(queryset.filter(approval=Approval.PENDING))
        if not pending:
            self.message_user(
                request, gettext("None of the selected members is waiting for approval."), messages.WARNING
            )
            return None
        form = RefuseMemberForm(request.POST if "post" in request.POST else None)
        if form.is_valid():
            _run_for_each(
                self,
                request,
                pending,
                services.member_refuse,
                reason=form.cleaned_data["reason"],
                refused_message=gettext("Only moderators can approve or refuse members."),
                done_message=lambda n: (
                    ngettext(
                        "%(count)d member refused and told the reason.",
                        "%(count)d members refused and told the reason.",
                        n,
                    )
                    % {"count": n}
                ),
            )
            return None
        return _intermediate_page(
            self,
            request,
            "admin/accounts/user/refuse_members.html",
            title=gettext("Refuse membership"),
            objects=pending,
            form=form,
            action="refuse",
        )

    @admin.action(description=_("Grant the moderator role to selected members"))
    def grant_moderator(self, request, queryset):
        _run_for_each(
            self,
            request,
            queryset,
            services.moderator_grant,
            refused_message=gettext("Only administrators can grant or revoke the moderator role."),
            done_message=lambda n: (
                ngettext("%(count)d member is now a moderator.", "%(count)d members are now moderators.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Revoke the moderator role of selected members"))
    def revoke_moderator(self, request, queryset):
        _run_for_each(
            self,
            request,
            queryset,
            services.moderator_revoke,
            refused_message=gettext("Only administrators can grant or revoke the moderator role."),
            done_message=lambda n: (
                ngettext("%(count)d member is no longer a moderator.", "%(count)d members are no longer moderators.", n)
                % {"count": n}
            ),
        )


# Organisations ----------------------------------------------------------------------


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    fields = ["domain"]
    extra = 0


class OrganisationRoleForm(forms.ModelForm):
    class Meta:
        model = OrganisationRole
        fields = ["member", "is_admin", "may_speak_for_organisation"]

    def clean_member(self):
        member = self.cleaned_data["member"]
        if self.instance.pk and member.pk != self.instance.member_id:
            raise ValidationError(
                _("A role belongs to one member: delete this row and add one for the other member."),
                code="member_changed",
            )
        organisation = getattr(self.instance, "organisation", None)
        if organisation is not None and not permissions.can_hold_organisation_role(member, organisation):
            raise ValidationError(
                _("Only verified members of this organisation can hold a role in it."), code="not_a_member"
            )
        return member


class OrganisationRoleFormSet(BaseInlineFormSet):
    """Refuses, as a form error, what ``services.organisation_role_set`` would refuse."""

    request = None

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        user = self.request.user
        changed = [form for form in self.forms if form.has_changed() and not self._should_delete_form(form)]
        if (changed or self.deleted_forms) and not permissions.can_manage_organisation(
            standing_of(user), self.instance
        ):
            raise ValidationError(
                _("Only administrators can change the roles in this organisation."), code="permission_denied"
            )
        if not permissions.is_administrator(standing_of(user)) and any(
            form.cleaned_data.get("is_admin") for form in changed
        ):
            raise ValidationError(
                _("Only site administrators can appoint organisation administrators."), code="permission_denied"
            )


class OrganisationRoleInline(admin.TabularInline):
    model = OrganisationRole
    form = OrganisationRoleForm
    formset = OrganisationRoleFormSet
    fields = ["member", "is_admin", "may_speak_for_organisation"]
    autocomplete_fields = ["member"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset


class OrganisationAccountForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name of the account"),
        max_length=80,
        help_text=_("The name the public sees with its posts, for example “Team Digitale Overheid”."),
    )


def _count_of(queryset):
    """How many rows of ``queryset`` belong to the outer organisation, as a subquery (no joins in the list)."""
    counted = queryset.filter(organisation=OuterRef("pk")).order_by().values("organisation").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "domain_count", "member_count"]
    list_filter = ["kind"]
    search_fields = ["name", "domains__domain"]
    ordering = ["name"]
    readonly_fields = ["created_at"]
    fields = ["name", "kind", "created_at"]
    inlines = [OrganisationDomainInline, OrganisationRoleInline]
    actions = ["create_account"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                domain_count=_count_of(OrganisationDomain.objects.all()),
                member_count=_count_of(User.objects.filter(is_organisation_account=False)),
            )
        )

    @admin.display(description=_("e-mail domains"), ordering="domain_count")
    def domain_count(self, obj):
        return obj.domain_count

    @admin.display(description=_("verified members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    def save_formset(self, request, form, formset, change):
        """Roles go through the services; changed domains re-link the members on them."""
        if formset.model is OrganisationDomain:
            before = {domain.pk: domain.domain for domain in formset.get_queryset()}
            super().save_formset(request, form, formset, change)
            touched = [domain.domain for domain in formset.new_objects + formset.deleted_objects]
            for domain, _fields in formset.changed_objects:
                touched += [domain.domain, before.get(domain.pk, "")]
            services.organisation_domains_resync(domains=touched)
            return
        if formset.model is not OrganisationRole:
            super().save_formset(request, form, formset, change)
            return
        roles = formset.save(commit=False)
        for role in formset.deleted_objects:
            services.organisation_role_remove(acting_user=request.user, organisation=form.instance, member=role.member)
        for role in roles:
            services.organisation_role_set(
                acting_user=request.user,
                organisation=form.instance,
                member=role.member,
                is_admin=role.is_admin,
                may_speak_for_organisation=role.may_speak_for_organisation,
            )

    @admin.action(description=_("Create an organisation account"))
    def create_account(self, request, queryset):
        """An account the organisation posts as; asks for its name first."""
        refused = gettext("Only administrators can create organisation accounts.")
        if not permissions.is_administrator(request.standing):
            self.message_user(request, refused, messages.ERROR)
            return None
        organisations = list(queryset[:2])
        if len(organisations) != 1:
            self.message_user(request, gettext("Select one organisation."), messages.WARNING)
            return None
        organisation = organisations[0]
        form = OrganisationAccountForm(request.POST if "post" in request.POST else None)
        if form.is_valid():
            try:
                account = services.organisation_account_create(
                    acting_user=request.user, organisation=organisation, display_name=form.cleaned_data["display_name"]
                )
            except PermissionDenied:
                self.message_user(request, refused, messages.ERROR)
                return None
            self.message_user(
                request,
                gettext("The organisation account “%(name)s” was created. Add the members who may post as it.")
                % {"name": account.display_name},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:accounts_user_change", args=[account.pk], current_app=self.admin_site.name))
        return _intermediate_page(
            self,
            request,
            "admin/accounts/organisation/create_account.html",
            title=gettext("Create an organisation account"),
            objects=[organisation],
            form=form,
            action="create_account",
        )


class AccountDelegateForm(forms.ModelForm):
    """Refuses, as a form error, what ``services.delegate_add`` would refuse."""

    request = None

    class Meta:
        model = AccountDelegate
        fields = ["account", "member"]

    def clean(self):
        cleaned = super().clean()
        account = cleaned.get("account")
        if account is not None and not permissions.can_manage_organisation(self.request.standing, account.organisation):
            raise ValidationError(
                _("Only administrators of the account's organisation can choose who posts as it."),
                code="permission_denied",
            )
        return cleaned


@admin.register(AccountDelegate)
class AccountDelegateAdmin(admin.ModelAdmin):
    """Who may post as an organisation account. A row is added or removed, never changed."""

    form = AccountDelegateForm
    list_display = ["account", "member", "added_at"]
    list_select_related = ["account", "member"]
    list_filter = [("account", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["account__display_name", "member__display_name", "member__email"]
    autocomplete_fields = ["account", "member"]
    readonly_fields = ["added_at"]
    ordering = ["account__display_name", "member__display_name"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is not None:
            allowed = allowed and permissions.can_manage_organisation(request.standing, obj.account.organisation)
        return allowed

    def save_model(self, request, obj, form, change):
        services.delegate_add(acting_user=request.user, account=obj.account, member=obj.member)
        stored = AccountDelegate.objects.get(account=obj.account, member=obj.member)
        obj.pk, obj.added_at = stored.pk, stored.added_at
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.delegate_remove(acting_user=request.user, account=obj.account, member=obj.member)

    def delete_queryset(self, request, queryset):
        for delegate in queryset.select_related("account", "member"):
            services.delegate_remove(acting_user=request.user, account=delegate.account, member=delegate.member)


# Terms and site settings ------------------------------------------------------------


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):
    """
    A version members may have accepted is never changed or deleted: publish a new version instead.
    Its English text, a translation for English readers (members accept the Dutch), can still be
    added or corrected.
    """

    list_display = ["version", "title", "published_at", "is_published", "has_english_text"]
    ordering = ["-version"]
    search_fields = ["title", "body", "title_en", "body_en"]
    fieldsets = [
        (None, {"fields": ["version", "published_at"]}),
        (_("Dutch"), {"fields": ["title", "body", "body_html"]}),
        (_("English"), {"fields": ["title_en", "body_en", "body_html_en"]}),
    ]
    readonly_fields = ["body_html", "body_html_en"]
    # Once published, only the English translation stays open.
    published_readonly_fields = ["version", "published_at", "title", "body", "body_html", "body_html_en"]

    @admin.display(boolean=True, description=_("published"))
    def is_published(self, obj):
        return obj.published_at <= timezone.now()

    @admin.display(boolean=True, description=_("in English"))
    def has_english_text(self, obj):
        return bool(obj.body_en.strip())

    def _is_published(self, obj):
        return obj is not None and obj.pk is not None and self.is_published(obj)

    def get_readonly_fields(self, request, obj=None):
        if self._is_published(obj):
            return self.published_readonly_fields
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        newest = TermsVersion.objects.order_by("-version").values_list("version", flat=True).first()
        return {"version": (newest or 0) + 1, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        terms = services.terms_publish(
            version=obj.version,
            title=obj.title,
            body=obj.body,
            published_at=obj.published_at,
            title_en=obj.title_en,
            body_en=obj.body_en,
        )
        obj.pk, obj.body_html, obj.body_html_en = terms.pk, terms.body_html, terms.body_html_en
        obj._state.adding = False


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdmin):
    """Who accepted which version, and when: a record, read only."""

    list_display = ["member", "terms", "accepted_at"]
    list_filter = ["terms"]
    list_select_related = ["member", "terms"]
    search_fields = ["member__display_name", "member__email"]
    # One row per member per version: newest first by key, which is indexed.
    ordering = ["-pk"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row of settings: the list leads straight to it."""

    fields = [
        "membership_policy",
        "mfa_required_for_staff",
        "auto_hide_report_count",
        "hold_first_posts",
        "hold_links_below",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = SiteSettings.objects.first()
        if row is None:
            return redirect(reverse("admin:accounts_sitesettings_add", current_app=self.admin_site.name))
        return redirect(reverse("admin:accounts_sitesettings_change", args=[row.pk], current_app=self.admin_site.name))
