"""Reads for accounts that the checks and the services share."""

from django.core.cache import cache
from django.utils import timezone

from .models import CURRENT_TERMS_CACHE_KEY, TermsVersion


def terms_current() -> TermsVersion | None:
    """The newest published terms, from the cache when possible."""
    found = cache.get(CURRENT_TERMS_CACHE_KEY)
    if found is None:
        found = TermsVersion.objects.filter(published_at__lte=timezone.now()).order_by("-version").first() or 0
        # Cache briefly: a version scheduled for later must become current on time.
        cache.set(CURRENT_TERMS_CACHE_KEY, found, timeout=60)
    return found or None
