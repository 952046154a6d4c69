"""What a member under a measure sees: the warning to acknowledge, and the page of a banned member."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User

from ..selectors import warning_to_acknowledge
from ..services.objections import ban_objection_path
from ..services.sanctions import warning_acknowledge


@login_required
@require_http_methods(["GET", "POST"])
def warning(request):
    """A member reads a moderator's warning and confirms they read it."""
    sanction = warning_to_acknowledge(request.user)
    if sanction is None:
        return redirect("forum:home")
    if request.method == "POST":
        warning_acknowledge(member=request.user, sanction=sanction)
        messages.success(request, _("Thank you for reading the warning."))
        return redirect("forum:home")
    return render(request, "moderation/warning.html", {"sanction": sanction})


def banned(request: HttpRequest, member: User) -> HttpResponse:
    """
    The page a banned member gets instead of logging in (``moderation.adapters``) or instead of
    their next page (``moderation.middleware``): why, and the signed link to object without
    logging in.
    """
    return render(request, "moderation/banned.html", {"objection_path": ban_objection_path(member)}, status=403)
