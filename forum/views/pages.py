"""Site pages: the problem form and the pages administrators write."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.site_texts import site_text

from .. import services
from ..forms import ProblemReportForm
from ..models import Page


@require_http_methods(["GET", "POST"])
def problem_report(request):
    initial = {"page_url": request.GET.get("pagina", "")[:500]}
    form = ProblemReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.problem_report_file(reporter=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you. Your report has been sent to the moderators."))
        return redirect("forum:home")
    return render(request, "forum/problem_report_form.html", {"form": form})


@require_GET
def page_detail(request, slug):
    page = get_object_or_404(Page, slug=slug)
    text = site_text(page, translation.get_language())
    return render(request, "forum/page_detail.html", {"page": page, "text": text})
