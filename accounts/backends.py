"""
The authentication backends: Django's and allauth's, loading the logged-in member
of each request with the answers of their standing (``UserQuerySet.with_standing``) in
the one query that loads them anyway, instead of a query per check on every page;
``accounts.standing.standing_of`` makes the request's ``Standing`` of them.

That query is the same on every request but for the member's id, and building it
(six subqueries) cost more than running it: the ORM compiles it once per process
and each request runs the compiled SQL with its own id (``Manager.raw``).
"""

from functools import lru_cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections

from .models import User

_MEMBER_ID = -271828  # stands in for the member's id while the query is compiled


@lru_cache(maxsize=4)
def _standing_query(vendor: str) -> tuple[str, tuple, int]:
    """The SQL and parameters of ``with_standing().filter(pk=…)``, and where the id goes in them."""
    query = User._default_manager.with_standing().filter(pk=_MEMBER_ID).order_by().query
    sql, params = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
    return sql, tuple(params), params.index(_MEMBER_ID)


def load_member(user_id):
    """The member with ``user_id`` and their standing, or ``None``."""
    try:
        user_id = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session holding anything else than an id: nobody
        return None
    sql, params, position = _standing_query(connections[DEFAULT_DB_ALIAS].vendor)
    params = list(params)
    params[position] = user_id
    return next(iter(User._default_manager.raw(sql, params)), None)


class StandingMixin:
    def get_user(self, user_id):
        user = load_member(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(StandingMixin, DjangoModelBackend):
    """Django's backend (e-mail and password, ``force_login``)."""


class AuthenticationBackend(StandingMixin, AllauthBackend):
    """allauth's backend (logging in through the account pages)."""
