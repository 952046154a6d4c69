"""
The authentication backends: Django's and allauth's, loading the logged-in member
of each request with the answers of their standing (``UserQuerySet.with_standing``) in
the one query that loads them anyway, instead of a query per check on every page;
``accounts.standing.standing_of`` makes the request's ``Standing`` of them.
"""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from .models import User


@cache
def members_with_standing():
    """
    Every member with their standing's answers, as a queryset built once per process (by the first
    request, when every app has registered its parts) and narrowed to one member per request with
    ``filter``, which leaves it as it is. Building its subqueries anew took three quarters of the
    time of loading the member; the query is still compiled and run on each request. Never
    evaluated itself: only its filtered copies are.
    """
    return User._default_manager.with_standing()


def load_member(user_id) -> User | None:
    """The member with ``user_id`` and their standing, or ``None``."""
    try:
        user_id = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session holding anything else than an id: nobody
        return None
    return members_with_standing().filter(pk=user_id).first()


class StandingMixin:
    def get_user(self, user_id):
        user = load_member(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(StandingMixin, DjangoModelBackend):
    """Django's backend (e-mail and password, ``force_login``)."""


class AuthenticationBackend(StandingMixin, AllauthBackend):
    """allauth's backend (logging in through the account pages)."""
