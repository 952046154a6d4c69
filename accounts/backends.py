"""
The authentication backends: Django's and allauth's, loading the logged-in member
of each request with the answers of their standing (``UserQuerySet.with_standing``) in
the one query that loads them anyway, instead of a query per check on every page;
``accounts.standing.standing_of`` makes the request's ``Standing`` of them.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from .models import User


def load_member(user_id) -> User | None:
    """The member with ``user_id`` and their standing, or ``None``."""
    try:
        user_id = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session holding anything else than an id: nobody
        return None
    return User._default_manager.with_standing().filter(pk=user_id).first()


class StandingMixin:
    def get_user(self, user_id):
        user = load_member(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(StandingMixin, DjangoModelBackend):
    """Django's backend (e-mail and password, ``force_login``)."""


class AuthenticationBackend(StandingMixin, AllauthBackend):
    """allauth's backend (logging in through the account pages)."""
