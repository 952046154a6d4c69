"""A mail server that is down, for the tests of failed e-mail (settings.EMAIL_BACKEND points here)."""

from smtplib import SMTPException

from django.core.mail.backends.base import BaseEmailBackend

FAILING_BACKEND = "notifications.tests.mail.FailingEmailBackend"


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("421 Service not available")
