"""Keep a member's organisation in step with their verified e-mail address."""

from allauth.account.signals import email_changed, email_confirmed, email_removed
from django.dispatch import receiver

from . import services


@receiver(email_confirmed)
def _on_email_confirmed(sender, request, email_address, **kwargs):
    services.member_sync_organisation(member=email_address.user)


@receiver(email_changed)
def _on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    services.member_sync_organisation(member=user)


@receiver(email_removed)
def _on_email_removed(sender, request, user, email_address, **kwargs):
    services.member_sync_organisation(member=user)
