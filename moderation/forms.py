"""Moderation's forms: a member's report and a moderator's decision on reports."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.cleaning import has_visible_text
from forum.forms import REASON_MAX_LENGTH

from .models import ReportReason

REPORT_NOTE_MAX_LENGTH = 2000


class ReportForm(forms.Form):
    """A member's report of a thread, a reply or a member: a reason and, for "something else", an explanation."""

    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=REPORT_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you choose “something else”. Only moderators read it."),
    )

    def clean(self):
        cleaned_data = super().clean()
        note = cleaned_data.get("note", "")
        if cleaned_data.get("reason") == ReportReason.OTHER and not has_visible_text(note):
            self.add_error("note", ValidationError(_("Explain what is wrong."), code="note_required"))
        return cleaned_data


class ReportDecisionForm(forms.Form):
    """A moderator's decision on the open reports of one item; upholding needs a reason."""

    note = forms.CharField(
        label=_("Note"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the moderation log."),
    )

    def __init__(self, *args, uphold: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.uphold = uphold
        if uphold:
            self.fields["note"].label = _("Reason for hiding")
            self.fields["note"].required = True

    def clean_note(self):
        note = self.cleaned_data["note"]
        if self.uphold and not has_visible_text(note):
            raise ValidationError(self.fields["note"].error_messages["required"], code="required")
        return note
