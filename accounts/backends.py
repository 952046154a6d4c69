"""
The authentication backends: Django's and allauth's, loading the logged-in member
of each request with their standing (``UserQuerySet.with_standing``) in the one
query that loads them anyway, instead of a query per check on every page.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from . import permissions
from .models import User


class StandingMixin:
    def get_user(self, user_id):
        user = User._default_manager.with_standing().filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        permissions.remember_standing(user)
        return user


class ModelBackend(StandingMixin, DjangoModelBackend):
    """Django's backend (e-mail and password, ``force_login``)."""


class AuthenticationBackend(StandingMixin, AllauthBackend):
    """allauth's backend (logging in through the account pages)."""
