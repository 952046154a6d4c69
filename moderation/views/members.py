"""Moderators look after one member: their measures (warn, suspend, ban, lift) and private notes."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from accounts.models import User
from core.navigation import next_url

from .. import selectors
from ..forms import MemberSanctionForm, MemberSuspensionForm, ModeratorNoteForm, SanctionLiftForm
from ..models import Sanction
from ..services.sanctions import member_sanction, moderator_note_add, sanction_lift

SANCTION_FORMS = {
    Sanction.Kind.WARNING: MemberSanctionForm,
    Sanction.Kind.SUSPENSION: MemberSuspensionForm,
    Sanction.Kind.BAN: MemberSanctionForm,
}
NOTE_ACTION = "note"


@dataclass(frozen=True)
class MeasureOnPage:
    """A measure in the page's history; one in force comes with its form to lift it."""

    measure: selectors.MeasureRow
    lift_form: SanctionLiftForm | None


def _member_for_moderation(request, handle: str) -> User:
    """
    The member at ``handle``, for a moderator of the whole site only: 403 for anyone else
    (moderators limited to themes too), 404 for no (or a former) member.
    """
    if not permissions.is_site_moderator(request.standing):
        raise PermissionDenied
    member = get_object_or_404(User.objects.select_related("organisation"), handle=handle)
    permissions.check_profile_exists(member)
    return member


def _page_url(member) -> str:
    return reverse("moderation:member_moderation", kwargs={"handle": member.handle})


def _refuse_self(request, member) -> bool:
    """A moderator takes no measure about themself; says so instead of failing."""
    if member.pk == request.user.pk:
        messages.error(request, _("You cannot take or lift measures against yourself; ask another moderator."))
        return True
    return False


def _render(request, member, *, sanction_forms=None, note_form=None, lift_forms=None):
    """The page; bound forms with errors are passed in, the others start empty."""
    forms = {kind: form_class(prefix=kind) for kind, form_class in SANCTION_FORMS.items()}
    forms.update(sanction_forms or {})
    lift_forms = lift_forms or {}
    # Queries: the member (with organisation), their measures with who took and lifted them,
    # the notes with their authors; the current restriction comes from the shared cache.
    measures = [
        MeasureOnPage(
            measure=row,
            lift_form=(lift_forms.get(row.sanction.pk) or SanctionLiftForm(prefix=f"lift-{row.sanction.pk}"))
            if row.in_force
            else None,
        )
        for row in selectors.member_measures(member)
    ]
    return render(
        request,
        "moderation/member_moderation.html",
        {
            "member": member,
            "is_self": member.pk == request.user.pk,
            "state": selectors.sanction_state(member),
            "measures": measures,
            "notes": selectors.member_notes(member),
            "warning_form": forms[Sanction.Kind.WARNING],
            "suspension_form": forms[Sanction.Kind.SUSPENSION],
            "ban_form": forms[Sanction.Kind.BAN],
            "note_form": note_form or ModeratorNoteForm(prefix=NOTE_ACTION),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_moderation(request, handle):
    """The member's details, current restriction, history of measures and private notes, with the forms to act."""
    member = _member_for_moderation(request, handle)
    if request.method != "POST":
        return _render(request, member)
    action = request.POST.get("action", "")
    if action == NOTE_ACTION:
        form = ModeratorNoteForm(request.POST, prefix=NOTE_ACTION)
        if form.is_valid():
            try:
                moderator_note_add(acting_user=request.user, member=member, text=form.cleaned_data["text"])
            except ValidationError as error:
                form.add_error("text", error)
            else:
                messages.success(request, _("Your note has been saved."))
                return redirect(_page_url(member))
        return _render(request, member, note_form=form)
    if action not in SANCTION_FORMS:
        messages.error(request, _("Choose a measure."))
        return redirect(_page_url(member))
    if _refuse_self(request, member):
        return redirect(_page_url(member))
    form = SANCTION_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        try:
            member_sanction(
                acting_user=request.user,
                member=member,
                kind=action,
                reason=form.cleaned_data["reason"],
                rule=form.cleaned_data["rule"],
                until=form.until,
            )
        except ValidationError as error:
            field = "until_date" if error.code == "past_end" and "until_date" in form.fields else "reason"
            form.add_error(field, error)
        else:
            messages.success(
                request,
                {
                    Sanction.Kind.WARNING: _("%(name)s has been warned."),
                    Sanction.Kind.SUSPENSION: _("%(name)s has been suspended."),
                    Sanction.Kind.BAN: _("%(name)s has been banned."),
                }[action]
                % {"name": member.display_name},
            )
            # From the moderation queue, back to it; from the member's page, back there.
            return redirect(next_url(request, _page_url(member)))
    return _render(request, member, sanction_forms={action: form})


@login_required
@require_POST
def member_sanction_lift(request, handle, pk):
    """End a measure in force early, with an optional reason."""
    member = _member_for_moderation(request, handle)
    sanction = get_object_or_404(Sanction.objects.select_related("member"), pk=pk, member=member)
    if _refuse_self(request, member):
        return redirect(_page_url(member))
    form = SanctionLiftForm(request.POST, prefix=f"lift-{sanction.pk}")
    if not form.is_valid():
        return _render(request, member, lift_forms={sanction.pk: form})
    if sanction_lift(acting_user=request.user, sanction=sanction, reason=form.cleaned_data["reason"]):
        messages.success(request, _("The measure has been lifted."))
    else:
        messages.info(request, _("This measure was already lifted."))
    return redirect(_page_url(member))
