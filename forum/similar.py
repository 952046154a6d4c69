"""
Discussions like the one a member is about to start, shown on the new-thread form so the
conversation continues where it already is. Finding them is search's work, a layer above the
forum: it registers its finder here from its ``AppConfig.ready()`` (as moderation fills
``forum.holds``); with nothing registered the form shows none.
"""

from collections.abc import Callable, Sequence

from accounts.standing import Standing

from .models import Thread

Finder = Callable[[str, Standing], Sequence[Thread]]
LIMIT = 5

_finder: Finder | None = None


def register(finder: Finder) -> None:
    """Search registers its finder once, at start-up."""
    global _finder
    _finder = finder


def similar_threads(title: str, standing: Standing) -> Sequence[Thread]:
    """Up to ``LIMIT`` threads ``standing``'s member may read that match ``title``, best first."""
    if _finder is None or not title.strip():
        return []
    return list(_finder(title, standing))[:LIMIT]
