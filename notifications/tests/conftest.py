"""Fixtures for the notification tests, named for the states they set up."""

import pytest

from forum.tests.factories import UserFactory
from notifications import services
from notifications.models import Kind


@pytest.fixture
def member(db):
    """A member who writes in Dutch and reads their e-mail in Dutch (the default)."""
    return UserFactory(display_name="Fatou van den Hoff")


@pytest.fixture
def english_member(db):
    return UserFactory(display_name="Harro Ranter", language="en")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def notification(member, other_user, thread):
    """An unread notification for ``member``: a mention in ``thread`` by ``other_user``."""
    return services.notify(recipient=member, kind=Kind.MENTION, actor=other_user, target=thread)


SITE_URL = "https://ambtenaar20.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    """Links in e-mails are absolute, to the site's own address."""
    settings.SITE_URL = SITE_URL
