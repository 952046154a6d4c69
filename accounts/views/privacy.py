"""A member's own data: see what the site keeps, download it, close the account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .. import privacy
from ..forms import CloseAccountForm

EXPORT_FILENAME = "ambtenaar20-mijn-gegevens.json"


@login_required
@require_GET
def my_data(request):
    """What the site keeps about the member, with the download and the way to close the account."""
    return render(
        request, "accounts/my_data.html", {"export_filename": EXPORT_FILENAME, "parts": privacy.registry.parts()}
    )


@login_required
@require_GET
@never_cache
def my_data_download(request):
    """The member's own data as a JSON file: there is no id in the address, so never anyone else's."""
    data = privacy.member_export(member=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def close_account(request):
    """The member confirms with their password (and code) and the account is closed; they are logged out."""
    form = CloseAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        privacy.member_close_account(member=request.user)
        logout(request)
        messages.success(
            request,
            _("Your account is closed and your personal data are erased. Your posts stay under “former member”."),
        )
        return redirect("forum:home")
    return render(request, "accounts/close_account.html", {"form": form})
