"""
Every e-mail the site sends is made and queued here.

``render`` is the one renderer: subject, text and HTML from a template set, in the recipient's
language, with the site's address and, where a mail can be stopped, the one-click unsubscribe
headers (RFC 8058). ``send_mail`` renders and queues: the mail is stored in the caller's transaction
and a task sends it after the commit, so a mail server that is down never fails a request (the mail
waits and ``retry_mails`` sends it when the server is back).
"""

from functools import partial

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from core.links import absolute_url

from . import tasks
from .models import Mail


def render(
    template: str,
    context: dict,
    *,
    to: str,
    language: str,
    subject_prefix: str = "",
    unsubscribe_url: str = "",
) -> EmailMultiAlternatives:
    """
    The e-mail to ``to`` from ``{template}_subject.txt``, ``_message.txt`` and (when there is one)
    ``_message.html``, rendered in ``language``. The templates get ``site_url`` (the site's own
    address), ``LANGUAGE_CODE`` and, with an ``unsubscribe_url``, that link too.
    """
    context = {**context, "site_url": absolute_url("/"), "LANGUAGE_CODE": language}
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_url:
        context["unsubscribe_url"] = unsubscribe_url
        headers |= {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    with translation.override(language):
        subject = subject_prefix + " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_message.txt", context).strip()
        try:
            html = render_to_string(f"{template}_message.html", context).strip()
        except TemplateDoesNotExist:
            html = ""
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return message


def send(message: EmailMultiAlternatives) -> list[Mail]:
    """Queue ``message``: stored now, in the caller's transaction, and sent by a task after the commit."""
    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html" and isinstance(content, str)),
        "",
    )
    mails = [
        Mail.objects.create(
            to=address,
            from_email=message.from_email,
            subject=str(message.subject),
            body=str(message.body),
            html=html,
            headers=message.extra_headers,
        )
        for address in message.to
    ]
    for mail in mails:
        transaction.on_commit(partial(tasks.send_mail.enqueue, mail.pk), robust=True)
    return mails


def send_mail(template: str, context: dict, *, to: str, language: str, **options: str) -> list[Mail]:
    """Render the mail (``render``'s arguments) and queue it (``send``)."""
    return send(render(template, context, to=to, language=language, **options))
