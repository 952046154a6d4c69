"""
RSS and Atom feeds (Django's syndication framework): the latest discussions of the whole site, of
a theme and with a tag, and the replies of a discussion. Only what a visitor may read (``forum.selectors``:
``visible_to`` an anonymous user), the same for whoever asks; each item's text is the post's
sanitised HTML, shortened (``forum/feeds/post_description.html``), never its Markdown source.
Addresses are the site's own (``SITE_URL``, ``core.links``), not the asking request's host.
Each feed is a fixed number of queries: its object, if any, and its items with their authors.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core.links import absolute_reverse, absolute_url

from . import selectors
from .models import Reply, Tag, Theme, Thread

SITE_NAME = "Ambtenaar 2.0"


class _PostFeed(Feed):
    """What the feeds of threads and of replies share: the items' text, authors, dates and addresses."""

    description_template = "forum/feeds/post_description.html"

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_author_name(self, item):
        return str(item.author.public_name)  # "former member" for a closed account, as on the site

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at


class LatestThreadsFeed(_PostFeed):
    """The newest discussions of the whole site (RSS)."""

    url_name = "forum:feed_rss"

    def title(self):
        return _("%(site)s: latest discussions") % {"site": SITE_NAME}

    def description(self):
        return _("The newest discussions on %(site)s.") % {"site": SITE_NAME}

    def link(self):
        return absolute_reverse("forum:home")

    def feed_url(self):
        return absolute_reverse(self.url_name)

    def items(self):
        return selectors.feed_threads()

    def item_title(self, item):
        return item.title

    def item_categories(self, item):
        return [item.theme.name, *(name for name, _slug in item.tag_list)]


class LatestThreadsAtomFeed(LatestThreadsFeed):
    feed_type = Atom1Feed
    subtitle = LatestThreadsFeed.description
    url_name = "forum:feed_atom"


class ThemeThreadsFeed(LatestThreadsFeed):
    """The newest discussions in one theme (RSS)."""

    url_name = "forum:theme_feed_rss"

    def get_object(self, request, slug):
        return get_object_or_404(selectors.public_themes(), slug=slug)

    def title(self, theme: Theme):
        return _("%(site)s: discussions in %(theme)s") % {"site": SITE_NAME, "theme": theme.name}

    def description(self, theme: Theme):
        return _("The newest discussions in the theme %(theme)s on %(site)s.") % {
            "site": SITE_NAME,
            "theme": theme.name,
        }

    def link(self, theme: Theme):
        return absolute_url(theme.get_absolute_url())

    def feed_url(self, theme: Theme):
        return absolute_reverse(self.url_name, kwargs={"slug": theme.slug})

    def items(self, theme: Theme):
        return selectors.feed_threads(theme=theme)


class ThemeThreadsAtomFeed(ThemeThreadsFeed):
    feed_type = Atom1Feed
    subtitle = ThemeThreadsFeed.description
    url_name = "forum:theme_feed_atom"


class TagThreadsFeed(LatestThreadsFeed):
    """The newest discussions with one tag (RSS)."""

    url_name = "forum:tag_feed_rss"

    def get_object(self, request, slug):
        return get_object_or_404(selectors.public_tags(), slug=slug)

    def title(self, tag: Tag):
        return _("%(site)s: discussions tagged “%(tag)s”") % {"site": SITE_NAME, "tag": tag.name}

    def description(self, tag: Tag):
        return _("The newest discussions tagged “%(tag)s” on %(site)s.") % {"site": SITE_NAME, "tag": tag.name}

    def link(self, tag: Tag):
        return absolute_url(tag.get_absolute_url())

    def feed_url(self, tag: Tag):
        return absolute_reverse(self.url_name, kwargs={"slug": tag.slug})

    def items(self, tag: Tag):
        return selectors.feed_threads(tag=tag)


class TagThreadsAtomFeed(TagThreadsFeed):
    feed_type = Atom1Feed
    subtitle = TagThreadsFeed.description
    url_name = "forum:tag_feed_atom"


class ThreadRepliesFeed(_PostFeed):
    """The newest replies of one discussion (RSS)."""

    url_name = "forum:thread_feed_rss"

    def get_object(self, request, pk):
        return get_object_or_404(selectors.public_threads().only("title", "slug"), pk=pk)

    def title(self, thread: Thread):
        return _("%(site)s: replies to “%(thread)s”") % {"site": SITE_NAME, "thread": thread.title}

    def description(self, thread: Thread):
        return _("The newest replies in the discussion “%(thread)s” on %(site)s.") % {
            "site": SITE_NAME,
            "thread": thread.title,
        }

    def link(self, thread: Thread):
        return absolute_url(thread.get_absolute_url())

    def feed_url(self, thread: Thread):
        return absolute_reverse(self.url_name, kwargs={"pk": thread.pk})

    def items(self, thread: Thread):
        return selectors.feed_replies(thread)

    def item_title(self, item: Reply):
        return _("Reply by %(author)s") % {"author": item.author.public_name}


class ThreadRepliesAtomFeed(ThreadRepliesFeed):
    feed_type = Atom1Feed
    subtitle = ThreadRepliesFeed.description
    url_name = "forum:thread_feed_atom"
