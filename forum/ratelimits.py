"""
Fixed-window rate limits kept in the Django cache.

Each member, action and window has one counter key. Production uses the Redis
cache, so every app server counts in the same place; development and tests use
the local-memory cache. A cache that cannot be reached lets the act through:
a rate limit is a brake, not a lock.
"""

import logging

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)


def _key(member, action: str, window_seconds: int) -> str:
    window = int(timezone.now().timestamp()) // window_seconds
    return f"forum:ratelimit:{action}:{member.pk}:{window_seconds}:{window}"


def is_limited(member, action: str, limit: int, window_seconds: int) -> bool:
    """Whether ``member`` already used ``limit`` acts in the current window. A limit of 0 means no limit."""
    if limit <= 0:
        return False
    try:
        return (cache.get(_key(member, action, window_seconds)) or 0) >= limit
    except Exception:  # noqa: BLE001 - the cache being down must not stop members from posting
        logger.warning("Rate limit cache unavailable", exc_info=True)
        return False


def hit(member, action: str, limit: int, window_seconds: int) -> bool:
    """Count one act; returns whether it stays within ``limit`` for this window. A limit of 0 means no limit."""
    if limit <= 0:
        return True
    key = _key(member, action, window_seconds)
    try:
        # add() only creates the counter when it is missing, incr() is atomic in Redis:
        # two app servers counting at once both count.
        cache.add(key, 0, timeout=window_seconds + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=window_seconds + 60)
            count = 1
    except Exception:  # noqa: BLE001
        logger.warning("Rate limit cache unavailable", exc_info=True)
        return True
    return count <= limit
