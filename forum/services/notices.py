"""
Moderation notices to the member who wrote a post, in their own language.

The forum's own edit service tells the author when a moderator changed their post;
moderation's services (``moderation.services``, a layer above) tell them of every other
decision about it through the same function. What names moderation's pages (the address
to object at) is moderation's: ``moderation.objection_links.objection_url``.
"""

from collections.abc import Callable

from django.utils import translation

from notifications.models import Kind
from notifications.services import notify_later

from ..models import Reply, Thread


def tell_author(post: Thread | Reply, compose: Callable[[Thread], str], *, link: bool) -> None:
    """
    Send the member who wrote ``post`` (the writer behind an organisation account) a moderation
    notice. ``compose(thread)`` returns the text and runs with the member's language active. With
    ``link`` the notice leads to the post; without it (a hidden post) it carries the text only.
    Sent also to suspended members: a decision about them always reaches them.
    """
    author = post.written_by or post.author
    thread = post.thread if isinstance(post, Reply) else post
    with translation.override(author.language):
        message = compose(thread)
    notify_later(
        recipient=author,
        kind=Kind.MODERATION,
        message=message,
        target=post if link else None,
        include_restricted=True,
    )
