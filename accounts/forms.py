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

    accept_terms = forms.BooleanField(
        label=_("I accept the terms and conditions"),
        required=True,
        help_text=_("Read them first: the link is above this form."),
    )

    field_order = ["display_name", "email", "password1", "password2", "accept_terms"]

    def clean_display_name(self):
        return clean_plain_text(self.cleaned_data["display_name"])


class AcceptTermsForm(forms.Form):
    accept = forms.BooleanField(label=_("I accept these terms and conditions"), required=True)


class RefuseMemberForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant receives this reason by e-mail."),
    )
