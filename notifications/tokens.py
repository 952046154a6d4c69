"""
One-click unsubscribe tokens for notification e-mails (RFC 8058).

A token is signed with ``django.core.signing`` under a salt of its own, so no
other signed value of the site can pass for one, and it carries the member's
pk and the kinds of notification the e-mail was about. It expires after
``MAX_AGE``; the link needs no login, the signature is the protection.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

from .models import Kind

SALT = "notifications.unsubscribe"
MAX_AGE = timedelta(days=60)


class InvalidToken(Exception):
    """The token was not made by us, was changed, or names nothing we know."""


class ExpiredToken(InvalidToken):
    """The token was made by us, but longer than ``MAX_AGE`` ago."""


@dataclass(frozen=True)
class Unsubscribe:
    member_pk: int
    kinds: tuple[str, ...]


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_unsubscribe_token(*, member, kinds) -> str:
    """A token to stop e-mail about ``kinds`` (one kind, or the kinds of one digest) for ``member``."""
    kinds = [kinds] if isinstance(kinds, str) else sorted(set(kinds))
    return _signer().sign_object({"m": member.pk, "k": kinds})


def read_unsubscribe_token(token: str) -> Unsubscribe:
    """What ``token`` asks for; raises ``ExpiredToken`` or ``InvalidToken``."""
    try:
        data = _signer().unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredToken from error
    except (signing.BadSignature, ValueError) as error:
        raise InvalidToken from error
    if not isinstance(data, dict):
        raise InvalidToken
    member_pk, kinds = data.get("m"), data.get("k")
    if not isinstance(member_pk, int) or not isinstance(kinds, list) or not kinds:
        raise InvalidToken
    if not all(kind in Kind.values for kind in kinds):
        raise InvalidToken
    return Unsubscribe(member_pk=member_pk, kinds=tuple(kinds))
