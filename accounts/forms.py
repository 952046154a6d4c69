from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.cleaning import clean_multiline_text, clean_plain_text, has_visible_text

from . import avatars, services
from .models import ProfileVisibility


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("The name other members see with your posts, for example “Harro Ranter”."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    accept_terms = forms.BooleanField(label=_("I accept the terms and conditions"), required=True)

    field_order = ["display_name", "email", "password1", "password2", "accept_terms"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A link in the help text: its markup in a template (allauth writes help text unescaped).
        self.fields["accept_terms"].help_text = render_to_string("accounts/_accept_terms_help.html")

    def clean_display_name(self):
        return clean_plain_text(self.cleaned_data["display_name"])


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """
    allauth's set-up form (``MFA_FORMS["activate_totp"]``), with a secret that stays the same
    until it is confirmed: allauth makes a new one on every load of the page, so a second load
    (another tab, the back button) made the code from the first refused.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.secret = services.totp_pending_secret(self.user)


class AcceptTermsForm(forms.Form):
    accept = forms.BooleanField(label=_("I accept these terms and conditions"), required=True)


class RefuseMemberForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant receives this reason by e-mail."),
    )


BIO_MAX_LENGTH = 1000


class ProfileForm(forms.Form):
    """What a member tells others about themself. ``profile_update`` stores it."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("The name other members see with your posts, for example “Harro Ranter”."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    job_title = forms.CharField(
        label=_("Job title"),
        max_length=120,
        required=False,
        help_text=_("For example “policy adviser, digital government”. Leave it empty if you prefer."),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        help_text=_("Plain text, at most 1000 characters. Links and formatting are shown as typed."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": BIO_MAX_LENGTH}),
    )
    avatar = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_(
            "A JPEG, PNG, WebP or GIF image of at most 5 MB. It is cut to a square of 256 by 256 pixels; "
            "information stored in the file, such as where the photo was taken, is removed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": avatars.ACCEPT_ATTRIBUTE}),
    )
    profile_visibility = forms.ChoiceField(
        label=_("Who can see your profile?"),
        choices=ProfileVisibility.choices,
        widget=forms.RadioSelect,
        help_text=_("Your name is always shown with your posts. Other members can always see your profile."),
    )

    def __init__(self, *args, member, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "display_name": member.display_name,
                "job_title": member.job_title,
                "bio": member.bio,
                "avatar": member.avatar,
                "profile_visibility": member.profile_visibility,
            },
        )
        super().__init__(*args, **kwargs)

    def clean_display_name(self):
        return clean_plain_text(self.cleaned_data["display_name"])

    def clean_job_title(self):
        value = self.cleaned_data["job_title"]
        if not value.strip():
            return ""
        try:
            return clean_plain_text(value)
        except forms.ValidationError as error:
            if error.code == "required":  # only invisible characters: as good as empty
                return ""
            raise

    def clean_bio(self):
        value = clean_multiline_text(self.cleaned_data["bio"])
        if not has_visible_text(value):
            return ""
        # Counted after line breaks are made single characters, as the browser counts them.
        MaxLengthValidator(BIO_MAX_LENGTH)(value)
        return value

    def clean_avatar(self):
        value = self.cleaned_data["avatar"]
        if isinstance(value, UploadedFile):
            return avatars.prepare_avatar(value)
        return value

    @property
    def new_avatar(self):
        """The prepared new photo, or ``None`` when the member did not upload one."""
        value = self.cleaned_data.get("avatar")
        return value if isinstance(value, avatars.PreparedAvatar) else None

    @property
    def remove_avatar(self) -> bool:
        """Whether the member ticked "clear" to remove their photo."""
        return self.cleaned_data.get("avatar") is False


class CloseAccountForm(forms.Form):
    """
    The member confirms closing their account with their password and, when they
    set up two-factor authentication, a code from their authenticator app.
    """

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        help_text=_("The 6-digit code the app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone"), required=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if self.authenticator is None:
            del self.fields["code"]

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("Enter the 6-digit code from your authenticator app."), code="code_format")
        return code

    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("password")
        if password is not None and not self.user.check_password(password):
            self.add_error("password", forms.ValidationError(_("That is not your password."), code="wrong_password"))
        # A code is checked last, when all else is right: a checked code cannot be used again.
        if (
            self.authenticator is not None
            and not self.errors
            and not self.authenticator.wrap().validate_code(cleaned_data["code"])
        ):
            self.add_error(
                "code", forms.ValidationError(_("That code is not right, or was used before."), code="wrong_code")
            )
        return cleaned_data
