"""E-mails to members, rendered from templates in the member's own language."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from config.links import absolute_url


def _send(*, to: str, template: str, context: dict, language: str) -> None:
    with translation.override(language):
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
        context={"member": member, "site_url": absolute_url("/")},
        language=member.language,
    )
