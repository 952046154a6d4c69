from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import navigation

from .. import selectors, services
from ..forms import AcceptTermsForm
from ..site_texts import site_text
from ..standing import ACCEPTED_TERMS_SESSION_KEY


@require_GET
def terms(request):
    current = selectors.terms_current()
    if current is None:
        raise Http404
    text = site_text(current, translation.get_language())
    return render(request, "accounts/terms.html", {"terms": current, "text": text})


@login_required
@require_http_methods(["GET", "POST"])
def terms_accept(request):
    """Members accept a new version of the terms before they go on."""
    current = selectors.terms_current()
    next_url = navigation.next_url(request, "/")
    if current is None:
        return redirect(next_url)
    form = AcceptTermsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.terms_accept(member=request.user, terms=current)
        request.session[ACCEPTED_TERMS_SESSION_KEY] = current.version
        messages.success(request, _("Thank you. You have accepted the terms."))
        return redirect(next_url)
    context = {
        "terms": current,
        "text": site_text(current, translation.get_language()),
        "form": form,
        "next": next_url,
        "changed": services.terms_accepted_before(request.user),
    }
    return render(request, "accounts/terms_accept.html", context)
