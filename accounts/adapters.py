import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.utils import translation

from core.links import absolute_reverse
from outbox import services as outbox

from . import selectors, services
from .models import User

# When the member of this session logged in (accounts.signals), for ``is_reauthentication_required``.
LOGGED_IN_AT_SESSION_KEY = "accounts.logged_in_at"


class AccountAdapter(DefaultAccountAdapter):
    """
    Fills in what our sign-up form asks beyond allauth's own: name, terms, approval; sends allauth's
    mails through the outbox. The adapter the site uses is moderation's subclass of this one
    (``moderation.adapters``), which also refuses a banned member's login.
    """

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data["display_name"]
        # E-mails and notices come in the language the member signed up in.
        if translation.get_language() in dict(settings.LANGUAGES):
            user.language = translation.get_language()
        user.approval = services.member_initial_approval(user)
        if commit:
            user.save()
            terms = selectors.terms_current()
            if terms is not None and form.cleaned_data.get("accept_terms"):
                services.terms_accept(member=user, terms=terms)
        return user

    def send_mail(self, template_prefix, email, context):
        """
        allauth's e-mails, made by the site's one renderer (outbox) like every other mail: to a member
        in their own language (to an unknown address in the page's), with links to the site's own
        address (core.links), queued and sent by a task after the commit, so a mail server that is
        down does not fail the sign-up or the password reset.
        """
        context = {"email": email, **context}
        if "signup_url" in context:
            context["signup_url"] = absolute_reverse("account_signup")
        member = User.objects.filter(email__iexact=email).only("language").first()
        outbox.send_mail(
            template_prefix,
            context,
            to=email,
            language=member.language if member else translation.get_language(),
            subject_prefix=self.format_email_subject(""),
        )

    def get_email_confirmation_url(self, request, emailconfirmation):
        return absolute_reverse("account_confirm_email", args=[emailconfirmation.key])

    def get_reset_password_from_key_url(self, key):
        uidb36, _dash, token = key.partition("-")
        return absolute_reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": token})

    def send_account_already_exists_mail(self, email):
        context = {
            "signup_url": absolute_reverse("account_signup"),
            "password_reset_url": absolute_reverse("account_reset_password"),
        }
        self.send_mail("account/email/account_already_exists", email, context)

    def confirm_email(self, request, email_address):
        """
        Refuse to confirm an address another member already has as their login
        (allauth lets anyone add an unconfirmed address; our addresses are unique).
        """
        taken = User.objects.filter(email__iexact=email_address.email).exclude(pk=email_address.user_id).exists()
        if taken:
            if request is not None:
                self.add_message(request, 40, "account/messages/email_confirmation_failed.txt")
            return False
        return super().confirm_email(request, email_address)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """
        A member who logged in within allauth's reauthentication time (ACCOUNT_REAUTHENTICATION_TIMEOUT,
        five minutes) is not asked for their password again: a new moderator sent to set up
        two-step verification right after logging in goes straight to it. Later, allauth asks as usual.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        session = getattr(self.request, "session", None)
        logged_in_at = session.get(LOGGED_IN_AT_SESSION_KEY) if session is not None else None
        return logged_in_at is None or time.time() - logged_in_at >= account_settings.REAUTHENTICATION_TIMEOUT
