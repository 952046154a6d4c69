"""The footer form "Report a problem?": anyone, also a visitor, tells the moderators of the whole site."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms import ProblemReportForm


@require_http_methods(["GET", "POST"])
def problem_report(request):
    initial = {"page_url": request.GET.get("pagina", "")[:500]}
    form = ProblemReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.problem_report_file(reporter=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you. Your report has been sent to the moderators."))
        return redirect("forum:home")
    return render(request, "moderation/problem_report_form.html", {"form": form})
