from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.navigation import errors_as_messages, next_url

from .. import permissions, services
from ..forms import RefuseMemberForm
from ..models import Approval, User


@login_required
@require_GET
def application_list(request):
    """Moderators see who waits for approval, oldest first."""
    permissions.check_review_members(request.standing)
    applicants = User.objects.filter(approval=Approval.PENDING, is_active=True).order_by("date_joined")
    return render(
        request, "accounts/application_list.html", {"applicants": applicants, "refuse_form": RefuseMemberForm()}
    )


@login_required
@require_POST
def application_decide(request, pk, decision):
    permissions.check_review_members(request.standing)
    member = get_object_or_404(User, pk=pk, is_active=True)
    if decision not in ("goedkeuren", "afwijzen"):
        raise Http404
    if decision == "goedkeuren":
        if services.member_approve(acting_user=request.user, member=member):
            messages.success(request, _("%(name)s can now post.") % {"name": member.display_name})
        return redirect(next_url(request, reverse("accounts:applications")))
    form = RefuseMemberForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(next_url(request, reverse("accounts:applications")))
    if services.member_refuse(acting_user=request.user, member=member, reason=form.cleaned_data["reason"]):
        messages.success(request, _("%(name)s has been told the reason.") % {"name": member.display_name})
    return redirect(next_url(request, reverse("accounts:applications")))
