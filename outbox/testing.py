"""For tests: run what a block leaves for after the commit; a mail server that is down."""

from django.core.mail.backends.base import BaseEmailBackend
from django.test import TestCase


def after_commit():
    """
    A context manager that runs the block's on-commit callbacks when it ends, as the live site does
    when the request's transaction commits (the tests' own transaction never does).
    """
    return TestCase.captureOnCommitCallbacks(execute=True)


class MailServerDown(BaseEmailBackend):
    """An e-mail backend whose server refuses the connection (``settings.EMAIL_BACKEND = MAIL_SERVER_DOWN``)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


MAIL_SERVER_DOWN = "outbox.testing.MailServerDown"
