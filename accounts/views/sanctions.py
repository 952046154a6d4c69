from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from moderation.models import Sanction

from ..sanctions import warning_acknowledge


@login_required
@require_http_methods(["GET", "POST"])
def warning(request):
    """A member reads a moderator's warning and confirms they read it."""
    sanction = (
        Sanction.objects.filter(member=request.user, kind=Sanction.Kind.WARNING, acknowledged_at__isnull=True)
        .filter(lifted_at__isnull=True)
        .order_by("starts_at")
        .first()
    )
    if sanction is None:
        return redirect("forum:home")
    if request.method == "POST":
        warning_acknowledge(member=request.user, sanction=get_object_or_404(Sanction, pk=sanction.pk))
        messages.success(request, _("Thank you for reading the warning."))
        return redirect("forum:home")
    return render(request, "accounts/warning.html", {"sanction": sanction})
