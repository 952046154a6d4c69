"""
Whether a new or edited post waits for a moderator's approval is moderation's
decision, a layer above the forum. The forum asks through this one registration
point, which the moderation app fills from its ``AppConfig.ready()`` (the way
``admin.site`` is filled); with nothing registered, nothing is held.

The forum keeps the post's own state (``Status.HELD``, ``hold_reason``,
``hold_detail``, the thread's counters) and changes it; the policy decides,
logs and tells the author.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Hold:
    """Why a post is held, and the word or link that held it."""

    reason: str
    detail: str = ""


class HoldPolicy(Protocol):
    def hold_for(self, *, writer, theme, title: str, body: str, body_html: str) -> Hold | None:
        """Whether a new post is held (or refused, with a ``ValidationError``)."""

    def hold_after_edit(self, *, writer, post, theme) -> Hold | None:
        """Whether the author's edit holds the post again (or is refused)."""

    def record_hold(self, post, hold: Hold) -> None:
        """A post was held: log it and tell its author."""


_policy: HoldPolicy | None = None


def register(policy: HoldPolicy) -> None:
    """Moderation registers its policy once, at start-up."""
    global _policy
    _policy = policy


def hold_for(*, writer, theme, title: str, body: str, body_html: str) -> Hold | None:
    if _policy is None:
        return None
    return _policy.hold_for(writer=writer, theme=theme, title=title, body=body, body_html=body_html)


def hold_after_edit(*, writer, post, theme) -> Hold | None:
    return _policy.hold_after_edit(writer=writer, post=post, theme=theme) if _policy is not None else None


def record_hold(post, hold: Hold) -> None:
    if _policy is not None:
        _policy.record_hold(post, hold)
