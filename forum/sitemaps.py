"""
The sitemap (``django.contrib.sitemaps``): the public themes, tags and discussions, each discussion
with its last activity. Only what a visitor may read (``forum.selectors``: ``visible_to`` an anonymous
user), never hidden, held or members-only content. The framework splits a section into pages of
``limit`` addresses, listed in the index at ``/sitemap.xml``; a section's page is two queries (its
count and its rows), the index one or two per section. Addresses take their scheme from
``SITE_URL``; the host is the request's, which ``ALLOWED_HOSTS`` limits to the site's own.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from . import selectors


class _SiteSitemap(Sitemap):
    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or None


class ThemeSitemap(_SiteSitemap):
    changefreq = "daily"

    def items(self):
        return selectors.public_themes().only("slug").order_by("position", "pk")


class TagSitemap(_SiteSitemap):
    changefreq = "daily"

    def items(self):
        return selectors.public_tags().only("slug").order_by("pk")


class ThreadSitemap(_SiteSitemap):
    def items(self):
        return selectors.public_threads().only("slug", "last_activity_at").order_by("pk")

    def lastmod(self, thread):
        return thread.last_activity_at

    def get_latest_lastmod(self):
        """The latest activity of all public threads in one query, not by loading every thread."""
        return selectors.public_threads().aggregate(latest=Max("last_activity_at"))["latest"]


SITEMAPS = {"themes": ThemeSitemap, "tags": TagSitemap, "threads": ThreadSitemap}
