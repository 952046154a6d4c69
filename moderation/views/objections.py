"""Members object to moderation decisions that affected them; another moderator decides."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.cleaning import has_visible_text
from core.models import ModerationLog
from core.navigation import errors_as_messages
from forum import permissions
from forum.forms import REASON_MAX_LENGTH
from moderation import services as moderation_services
from moderation.models import Objection
from moderation.services.objections import OBJECTION_MAX_LENGTH

DECISIONS_SHOWN = 50


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Why do you object?"),
        max_length=OBJECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Another moderator than the one who decided reads it and decides."),
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not has_visible_text(text):
            raise ValidationError(_("Explain why you object."), code="text_required")
        return text


class ObjectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", "uphold"), ("reject", "reject")])
    note = forms.CharField(max_length=REASON_MAX_LENGTH, required=False)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("decision") == "reject" and not has_visible_text(cleaned_data.get("note", "")):
            self.add_error("note", ValidationError(_("Give the reason the member will read."), code="required"))
        return cleaned_data


@login_required
@require_http_methods(["GET"])
def objection_list(request):
    decisions = list(moderation_services.objectable_decisions(request.user)[:DECISIONS_SHOWN])
    objections = list(
        Objection.objects.filter(member=request.user)
        .select_related("decision")
        .order_by("-created_at", "-pk")[:DECISIONS_SHOWN]
    )
    return render(request, "moderation/objection_form.html", {"decisions": decisions, "objections": objections})


@login_required
@require_http_methods(["GET", "POST"])
def objection_create(request, pk):
    decision = get_object_or_404(ModerationLog.objects.select_related("target_type"), pk=pk)
    permissions.check_object(request.standing, decision)
    if Objection.objects.filter(decision=decision).exists():
        messages.info(request, _("You have already objected to this decision."))
        return redirect("moderation:objection_list")
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation_services.objection_file(member=request.user, decision=decision, text=form.cleaned_data["text"])
        except ValidationError as error:
            if error.code == "already_objected":
                messages.info(request, error.messages[0])
                return redirect("moderation:objection_list")
            form.add_error("text", error)
        else:
            messages.success(request, _("Thank you. Another moderator will look at your objection."))
            return redirect("moderation:objection_list")
    return render(request, "moderation/objection_form.html", {"form": form, "decision": decision})


@require_http_methods(["GET", "POST"])
def objection_by_link(request, token):
    """
    The signed link in a ban's statement of reasons and on the page a banned member sees: the
    member objects to that one decision without logging in. Once sent, the page shows its state.
    """
    member, decision = moderation_services.decision_from_link(token)
    objection = Objection.objects.filter(decision=decision).first()
    form = None if objection else ObjectionForm(request.POST or None)
    if request.method == "POST" and form is None:
        messages.info(request, _("You have already objected to this decision."))
        return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        try:
            moderation_services.objection_file(member=member, decision=decision, text=form.cleaned_data["text"])
        except ValidationError as error:
            if error.code != "already_objected":
                form.add_error("text", error)
            else:
                messages.info(request, error.messages[0])
                return redirect(request.path)
        else:
            messages.success(request, _("Thank you. Another moderator will look at your objection."))
            return redirect(request.path)
    return render(
        request,
        "moderation/objection_by_link.html",
        {"form": form, "decision": decision, "objection": objection},
    )


@login_required
@require_POST
def objection_decide(request, pk):
    objection = get_object_or_404(Objection.objects.select_related("decision", "member"), pk=pk)
    permissions.check_decide_objection(request.standing, objection)
    form = ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("moderation:moderation_queue")
    uphold = form.cleaned_data["decision"] == "uphold"
    if not moderation_services.objection_decide(
        acting_user=request.user, objection=objection, uphold=uphold, note=form.cleaned_data["note"]
    ):
        messages.info(request, _("This objection has already been decided."))
    elif uphold:
        messages.success(request, _("The objection has been upheld."))
    else:
        messages.success(request, _("The objection has been rejected."))
    return redirect("moderation:moderation_queue")
