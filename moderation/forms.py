"""
Moderation's forms: a member's report, a moderator's decisions on reports and posts, the problem
form, measures against a member (warn, suspend, ban, lift) and moderators' notes.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cleaning import clean_multiline_text, has_visible_text, refuse_control_characters
from forum.forms import REASON_MAX_LENGTH

from .models import ReportReason
from .services.posts import SLOW_MODE_MAX_SECONDS

MESSAGE_MAX_LENGTH = 5000
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


class ModerationReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the moderation log."),
    )


class HideForm(ModerationReasonForm):
    reason = forms.CharField(
        label=_("Reason for hiding"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the moderation log and shown to moderators."),
    )


class HeldDecisionForm(ModerationReasonForm):
    """Approving a held post takes an optional note; not approving it needs the reason the author will read."""

    def __init__(self, *args, approve: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not approve:
            self.fields["reason"].label = _("Reason for not approving")
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("Sent to the author and recorded in the moderation log.")


class ProblemReportForm(forms.Form):
    message = forms.CharField(
        label=_("What is the problem?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    page_url = forms.CharField(
        label=_("Page it is about (optional)"),
        max_length=500,
        required=False,
        help_text=_("The address of the page, for example /discussie/1/…"),
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        max_length=254,
        required=False,
        help_text=_("Only if you would like an answer. We use it for nothing else."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_page_url(self):
        value = self.cleaned_data["page_url"].strip()
        if value and not (
            (value.startswith("/") and not value.startswith("//")) or value.startswith(("http://", "https://"))
        ):
            raise ValidationError(
                _("Enter an address starting with / or https://."),
                code="invalid_page_url",
            )
        if any(ord(char) < 32 for char in value):
            raise ValidationError(_("Enter a valid address."), code="invalid_page_url")
        return value


class CloseAtForm(ModerationReasonForm):
    """A closing date for a thread; empty takes it away."""

    closes_at = forms.DateTimeField(
        label=_("Closes for replies on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to keep the discussion open. A moment in the past closes it now."),
        error_messages={"invalid": _("Enter a date and time, such as 2025-06-30 17:00.")},
    )

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value is not None and not 2000 <= value.year <= 9000:
            raise ValidationError(_("Enter a date between the years 2000 and 9000."), code="out_of_range")
        return value


class SlowModeForm(ModerationReasonForm):
    """Slow mode in minutes, as moderators and members think of it; the service keeps seconds."""

    minutes = forms.IntegerField(
        label=_("Minutes between two replies of one member"),
        min_value=0,
        max_value=SLOW_MODE_MAX_SECONDS // 60,
        help_text=_("0 turns slow mode off. At most a week (10080 minutes)."),
    )

    @property
    def seconds(self) -> int:
        return self.cleaned_data["minutes"] * 60


class MemberSanctionForm(forms.Form):
    """A moderator's measure against a member: the reason the member will read and, optionally, the rule."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The member reads this reason."),
    )
    rule = forms.CharField(
        label=_("Rule"), max_length=200, required=False, help_text=_("Which rule of the terms (optional).")
    )

    def clean_reason(self):
        return clean_multiline_text(self.cleaned_data["reason"])

    def clean_rule(self):
        return refuse_control_characters(" ".join(self.cleaned_data["rule"].split()))

    @property
    def until(self):
        return None


class MemberSuspensionForm(MemberSanctionForm):
    """A suspension: like any measure, with an optional last day."""

    until_date = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The suspension ends at the end of this day. Empty: until a moderator lifts it."),
    )

    def clean_until_date(self):
        value = self.cleaned_data["until_date"]
        if value is not None:
            try:
                self._until = self._end_of_day(value)
            except (OverflowError, ValueError):
                raise forms.ValidationError(_("Enter a valid date."), code="invalid") from None
        return value

    @staticmethod
    def _end_of_day(value):
        next_day = value + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))

    @property
    def until(self):
        return getattr(self, "_until", None) if self.cleaned_data.get("until_date") else None


class SanctionLiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for lifting"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_reason(self):
        return clean_multiline_text(self.cleaned_data["reason"])


class ModeratorNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only moderators see these notes on the site; the member also finds them when downloading their data."
        ),
    )

    def clean_text(self):
        return clean_multiline_text(self.cleaned_data["text"])
