from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Frequency, Kind

KIND_FIELD_PREFIX = "kind_"


class PreferencesForm(forms.Form):
    """One choice per kind of notification (at once, daily, weekly, never), and the language of the e-mails."""

    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=settings.LANGUAGES,
        help_text=_("Choosing a language at the top of a page sets this too."),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        current = selectors.frequencies_for(member)
        kind_fields = {
            f"{KIND_FIELD_PREFIX}{kind}": forms.ChoiceField(
                label=capfirst(label),
                choices=Frequency.choices,
                initial=current[kind],
                widget=forms.RadioSelect,
            )
            for kind, label in Kind.choices
        }
        self.fields = {**kind_fields, "language": self.fields["language"]}
        self.fields["language"].initial = member.language

    def frequencies(self) -> dict[str, str]:
        return {
            name.removeprefix(KIND_FIELD_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(KIND_FIELD_PREFIX)
        }
