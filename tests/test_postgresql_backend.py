"""config.postgresql: the health check of a kept connection, without a round trip when it is idle and healthy."""

import time

import psycopg
import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

from config.postgresql.base import _has_input

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def round_trips(monkeypatch):
    """The times Django's own check (its SELECT 1) was asked."""
    asked = []
    original = DjangoWrapper.is_usable

    def counted(self):
        asked.append(self.alias)
        return original(self)

    monkeypatch.setattr(DjangoWrapper, "is_usable", counted)
    return asked


def a_new_request():
    """What Django does between requests for a kept connection with CONN_HEALTH_CHECKS."""
    connection.health_check_enabled = True
    connection.health_check_done = False


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_backend_is_ours():
    assert connections["default"].__class__.__module__ == "config.postgresql.base"


def test_a_healthy_idle_connection_is_reused_without_a_round_trip(round_trips):
    pid = backend_pid()
    a_new_request()
    assert backend_pid() == pid  # the same connection, checked before the query
    assert connection.health_check_done
    assert round_trips == []


def test_a_connection_the_server_ended_is_replaced_and_the_request_goes_on(round_trips):
    pid = backend_pid()
    settings = connection.get_connection_params()
    with psycopg.connect(**{**settings, "autocommit": True}) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    deadline = time.monotonic() + 5
    while not _has_input(connection.connection.pgconn.socket) and time.monotonic() < deadline:
        time.sleep(0.02)
    a_new_request()
    assert backend_pid() != pid  # no error: a new connection was made
    assert round_trips == ["default"]  # the goodbye waiting to be read sent the check to Django's own


def test_a_connection_in_a_transaction_is_checked_the_usual_way(round_trips):
    connection.set_autocommit(False)
    try:
        backend_pid()  # a transaction is open now
        assert connection.is_usable()
        assert round_trips == ["default"]
    finally:
        connection.rollback()
        connection.set_autocommit(True)
