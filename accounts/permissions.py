"""
Who a member is, for permission checks anywhere in the project.

Roles are Django groups carrying permissions: a moderator holds
``forum.moderate_forum``; an administrator is staff with the admin's permissions.
"""

from allauth.account.models import EmailAddress

MODERATE_PERMISSION = "forum.moderate_forum"


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_moderator(user) -> bool:
    return is_member(user) and user.has_perm(MODERATE_PERMISSION)


def has_verified_email(user) -> bool:
    """
    Whether the member's primary address is verified; posting requires it.
    The answer is kept on the user object, so a page asks the database once.
    """
    if not is_member(user):
        return False
    cached = getattr(user, "_has_verified_email", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True, email__iexact=user.email).exists()
        user._has_verified_email = cached
    return cached
