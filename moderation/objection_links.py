"""
Signed links to object to one decision without logging in.

A banned member cannot log in, and a suspended member may read the notice in their
e-mail on another device: the link in the statement of reasons and on the page a banned
member sees carries the decision and the member, signed with ``django.core.signing``
under a salt of its own, and expires after ``MAX_AGE``. The signature is the protection;
what it allows is one objection to that one decision, by that member.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.urls import reverse

from core.links import absolute_reverse, absolute_url

SALT = "forum.objection-link"  # kept when the module moved: links already sent stay valid
MAX_AGE = timedelta(days=90)


class InvalidLink(Exception):
    """The token was not made by us, was changed, or has expired."""


@dataclass(frozen=True)
class ObjectionLink:
    decision_pk: int
    member_pk: int


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_token(*, decision_pk: int, member_pk: int) -> str:
    return _signer().sign_object({"d": decision_pk, "m": member_pk})


def read_token(token: str) -> ObjectionLink:
    """What ``token`` names; raises ``InvalidLink`` when it is forged, damaged or expired."""
    try:
        data = _signer().unsign_object(token, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError) as error:  # SignatureExpired is a BadSignature
        raise InvalidLink from error
    if not isinstance(data, dict):
        raise InvalidLink
    decision_pk, member_pk = data.get("d"), data.get("m")
    if not isinstance(decision_pk, int) or not isinstance(member_pk, int):
        raise InvalidLink
    return ObjectionLink(decision_pk=decision_pk, member_pk=member_pk)


def path(*, decision_pk: int, member_pk: int) -> str:
    token = make_token(decision_pk=decision_pk, member_pk=member_pk)
    return reverse("moderation:objection_by_link", kwargs={"token": token})


def url(*, decision_pk: int, member_pk: int) -> str:
    """The full address, for notices and e-mail."""
    return absolute_url(path(decision_pk=decision_pk, member_pk=member_pk))


def objection_url() -> str:
    """Where a logged-in member objects to a decision, as a full address for notices and e-mail."""
    return absolute_reverse("moderation:objection_list")
