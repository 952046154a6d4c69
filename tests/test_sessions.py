"""config.sessions: Django's cached_db sessions, with fewer round trips for a new session."""

import pytest
from django.core.cache import cache

from config.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_new_session_is_one_insert_and_is_found_again(django_assert_num_queries):
    session = SessionStore()
    session["next"] = "/discussies/"
    # No look-up of the new key first: the INSERT in its savepoint (SAVEPOINT, INSERT, RELEASE).
    with django_assert_num_queries(3):
        session.save()
    assert SessionStore(session.session_key).load() == {"next": "/discussies/"}  # from the cache
    cache.clear()
    assert SessionStore(session.session_key).load() == {"next": "/discussies/"}  # from the database


def test_a_new_key_that_is_taken_gets_another(monkeypatch):
    taken = SessionStore()
    taken.save()
    keys = iter([taken.session_key, "b" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    session = SessionStore()
    session["x"] = 1
    session.save()
    assert session.session_key == "b" * 32
    assert SessionStore(taken.session_key).load() == {}
