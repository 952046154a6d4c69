"""
PostgreSQL with Django's own backend and ``CONN_HEALTH_CHECKS``: a kept connection the server
ended (a restart, a terminated backend) is replaced before a request uses it, and the request goes on.
"""

import psycopg
import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.urls import reverse

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_backend_is_djangos_with_health_checks():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]


def test_a_connection_the_server_ended_is_replaced_and_the_request_goes_on(client):
    connection.close_at = None  # kept between requests, as with CONN_MAX_AGE in production
    pid = backend_pid()
    with psycopg.connect(**{**connection.get_connection_params(), "autocommit": True}) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    close_old_connections()  # what Django does when a request starts
    response = client.get(reverse("forum:home"))
    assert response.status_code == 200
    assert backend_pid() != pid  # a new connection was made, without an error for the visitor
