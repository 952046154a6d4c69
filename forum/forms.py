import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH

MESSAGE_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 2000


def has_visible_text(value: str) -> bool:
    """Whether ``value`` shows anything: not only spaces or invisible characters (zero-width and the like)."""
    return any(not char.isspace() and unicodedata.category(char) not in {"Cf", "Cc", "Zs"} for char in value)


def clean_plain_text(value: str, *, field_label) -> str:
    """One line of plain text: inner whitespace collapsed, control characters refused."""
    value = " ".join(value.split())
    if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in value):
        raise ValidationError(
            _("The %(field)s contains characters that cannot be shown."),
            code="control_characters",
            params={"field": field_label},
        )
    if not has_visible_text(value):
        raise ValidationError(_("This field is required."), code="required")
    return value


class BodyField(forms.CharField):
    """Markdown text written by a member."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Text"))
        kwargs.setdefault("max_length", BODY_MAX_LENGTH)
        kwargs.setdefault(
            "help_text",
            _("You can use Markdown: *italic*, **bold**, [link](https://…), lists with - and quotes with >."),
        )
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 10}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not has_visible_text(value):
            raise ValidationError(self.error_messages["required"], code="required")


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = BodyField()

    def clean_title(self):
        return clean_plain_text(self.cleaned_data["title"], field_label=_("title"))


class ReplyForm(forms.Form):
    body = BodyField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 6}))


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
