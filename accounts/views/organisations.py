"""The page where an organisation's administrators decide who speaks for it and who posts as its accounts."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .. import permissions, services
from ..models import AccountDelegate, Organisation, OrganisationRole, User


class DelegateForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=User.objects.none())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(organisation)


def _members(organisation):
    return User.objects.filter(organisation=organisation, is_active=True, is_organisation_account=False).order_by(
        "display_name", "pk"
    )


def _organisation_for(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    permissions.check_manage_organisation(request.standing, organisation)
    return organisation


@login_required
@require_GET
def organisation_manage(request, pk):
    organisation = _organisation_for(request, pk)
    # Each member's role here, as columns of the members' query.
    roles = OrganisationRole.objects.filter(organisation=organisation, member=OuterRef("pk"))
    members = _members(organisation).annotate(
        is_organisation_admin=Exists(roles.filter(is_admin=True)),
        may_speak=Exists(roles.filter(may_speak_for_organisation=True)),
    )
    accounts = (
        User.objects.filter(organisation=organisation, is_organisation_account=True, is_active=True)
        .prefetch_related(
            Prefetch("delegations", AccountDelegate.objects.select_related("member").order_by("member__display_name"))
        )
        .order_by("display_name")
    )
    return render(
        request,
        "accounts/organisation_manage.html",
        {
            "organisation": organisation,
            "members": members,
            "accounts": accounts,
        },
    )


@login_required
@require_POST
def organisation_speaker(request, pk, member_pk):
    organisation = _organisation_for(request, pk)
    member = get_object_or_404(_members(organisation), pk=member_pk)
    allowed = request.POST.get("allowed") == "1"
    if services.organisation_speaker_set(
        acting_user=request.user, organisation=organisation, member=member, allowed=allowed
    ):
        if allowed:
            message = _("%(name)s may now post on behalf of the organisation.")
        else:
            message = _("%(name)s may no longer post on behalf of the organisation.")
        messages.success(request, message % {"name": member.display_name})
    return redirect("accounts:organisation_manage", pk=organisation.pk)


@login_required
@require_POST
def organisation_delegate_add(request, pk, account_pk):
    organisation = _organisation_for(request, pk)
    account = get_object_or_404(User, pk=account_pk, organisation=organisation, is_organisation_account=True)
    form = DelegateForm(request.POST, organisation=organisation)
    if not form.is_valid():
        messages.error(request, _("Choose a member of the organisation."))
    elif services.delegate_add(acting_user=request.user, account=account, member=form.cleaned_data["member"]):
        messages.success(
            request,
            _("%(name)s may now post as %(account)s.")
            % {"name": form.cleaned_data["member"].display_name, "account": account.display_name},
        )
    return redirect("accounts:organisation_manage", pk=organisation.pk)


@login_required
@require_POST
def organisation_delegate_remove(request, pk, account_pk, member_pk):
    organisation = _organisation_for(request, pk)
    account = get_object_or_404(User, pk=account_pk, organisation=organisation, is_organisation_account=True)
    member = get_object_or_404(User, pk=member_pk)
    if services.delegate_remove(acting_user=request.user, account=account, member=member):
        messages.success(
            request,
            _("%(name)s may no longer post as %(account)s.")
            % {"name": member.display_name, "account": account.display_name},
        )
    return redirect("accounts:organisation_manage", pk=organisation.pk)
