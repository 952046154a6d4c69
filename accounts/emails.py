"""E-mails to members, rendered from templates in the site's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def _send(*, to: str, template: str, context: dict, language: str | None = None) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_message.txt", context)
        html = render_to_string(f"{template}_message.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_membership_decision(member) -> None:
    """Tell an applicant whether a moderator approved or refused their membership."""
    if not member.email:
        return
    _send(
        to=member.email,
        template="accounts/email/membership_decision",
        context={"member": member, "site_url": settings.SITE_URL},
    )
