"""
Keep a member's organisation in step with their verified e-mail address; note when they
logged in (``AccountAdapter.is_reauthentication_required``); forget the pending two-factor
secret once it is set up.
"""

import time

from allauth.account.signals import email_changed, email_confirmed, email_removed, user_logged_in
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from . import services
from .adapters import LOGGED_IN_AT_SESSION_KEY


@receiver(email_confirmed)
def _on_email_confirmed(sender, request, email_address, **kwargs):
    services.member_sync_organisation(member=email_address.user)


@receiver(email_changed)
def _on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    services.member_sync_organisation(member=user)


@receiver(email_removed)
def _on_email_removed(sender, request, user, email_address, **kwargs):
    services.member_sync_organisation(member=user)


@receiver(authenticator_added)
def _on_authenticator_added(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.TOTP:
        services.totp_pending_secret_clear(user)


@receiver(user_logged_in)
def _on_user_logged_in(sender, request, user, **kwargs):
    request.session[LOGGED_IN_AT_SESSION_KEY] = time.time()
