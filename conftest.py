"""Shared fixtures, named for the states they set up."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from forum import services as forum_services
from forum.tests.factories import (
    AdministratorFactory,
    ModeratorFactory,
    ReplyFactory,
    ThemeFactory,
    ThreadFactory,
    UnverifiedUserFactory,
    UserFactory,
)
from moderation import services as moderation_services

IS_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run when DATABASE_URL points at PostgreSQL and are deselected otherwise."""
    if IS_POSTGRESQL:
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgresql") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached sessions must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def theme(db):
    return ThemeFactory()


@pytest.fixture
def user(db):
    """A member with a verified e-mail address."""
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def unverified_user(db):
    return UnverifiedUserFactory()


@pytest.fixture
def moderator(db):
    return ModeratorFactory()


@pytest.fixture
def administrator(db):
    """A site administrator, with two-factor authentication set up."""
    return AdministratorFactory()


@pytest.fixture
def thread(db, theme, user):
    return ThreadFactory(theme=theme, author=user)


@pytest.fixture
def locked_thread(db, theme, user):
    return ThreadFactory(theme=theme, author=user, is_locked=True)


@pytest.fixture
def hidden_thread(db, theme, user, moderator):
    thread = ThreadFactory(theme=theme, author=user)
    moderation_services.post_hide(acting_user=moderator, post=thread, reason="Vertrouwelijke informatie")
    thread.refresh_from_db()
    return thread


@pytest.fixture
def hide_post(db):
    """
    Hide a thread or reply the way a moderator does (moderation's ``post_hide``), for the tests of
    apps below moderation (notifications), which may not import it themselves.
    """
    return moderation_services.post_hide


@pytest.fixture
def reply(db, thread, other_user):
    return ReplyFactory(thread=thread, author=other_user)


@pytest.fixture
def hidden_reply(db, thread, other_user, moderator):
    reply = ReplyFactory(thread=thread, author=other_user)
    moderation_services.post_hide(acting_user=moderator, post=reply, reason="Spam")
    reply.refresh_from_db()
    return reply


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Write through the forum services and run what they leave for after the commit (the notification tasks)."""

    def reply(author, thread, body="Goed punt."):
        with django_capture_on_commit_callbacks(execute=True):
            return forum_services.reply_create(author=author, thread=thread, body=body)

    def thread(author, theme, body="Wat vinden jullie?"):
        with django_capture_on_commit_callbacks(execute=True):
            return forum_services.thread_create(author=author, theme=theme, title="Open data", body=body)

    reply.thread = thread
    return reply


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
