from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from forum.forms import clean_plain_text


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("The name other members see with your posts, for example “Harro Ranter”."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self):
        return clean_plain_text(self.cleaned_data["display_name"], field_label=_("display name"))
