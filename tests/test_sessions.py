"""Sessions (Django's ``cached_db``): a member stays logged in whether the cache has their session or not."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from forum.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sessions_are_djangos_cached_db():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_logged_in_member_stays_logged_in_when_the_cache_is_emptied(client):
    """The database keeps the session: a cache restarted (or another app server's) loses no one's login."""
    member = UserFactory()
    client.force_login(member)
    assert client.get(reverse("notifications:list")).status_code == 200
    cache.clear()
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.wsgi_request.user == member
