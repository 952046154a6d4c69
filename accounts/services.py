"""Writes for members. Views, the admin, commands and tests call these."""

from django.db import transaction
from django.utils.text import slugify

from .models import User


def unique_handle(name: str) -> str:
    """A profile handle made from ``name`` that no other member has yet."""
    base = slugify(name)[:70] or "lid"
    handle = base
    suffix = 2
    while User.objects.filter(handle=handle).exists():
        handle = f"{base}-{suffix}"
        suffix += 1
    return handle


@transaction.atomic
def member_create_without_login(*, display_name: str) -> User:
    """
    A member who cannot log in: no e-mail address, no usable password. Used for
    the authors of content carried over from the old network.
    """
    user = User(display_name=display_name, email=None)
    user.set_unusable_password()
    user.save()
    return user
