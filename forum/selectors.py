"""
Reads that combine several models for one page block. Each runs a fixed number
of small queries, whatever the size of the forum.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import ProfileVisibility, User
from accounts.permissions import can_see_real_author, is_member, is_moderator
from accounts.standing import standing_of

from . import permissions, versions
from .choices import ThreadList
from .managers import ThreadQuerySet, sees_members_only
from .models import Capacity, Reaction, Reply, Revision, Status, Tag, Theme, Thread

ACTIVITY_LIMIT = 10
# "Latest activity" counts the replies of this many days as new.
ACTIVITY_NEW_DAYS = 7


@dataclass(frozen=True)
class ActivityItem:
    """
    One line of "Latest activity": what happened (``kind``), when, and what it links to. A
    discussion has one line however many replies it had: ``THREAD`` when it has none yet (``name``
    started it), ``REPLIES`` when it has (``new_replies`` of them in the last ``ACTIVITY_NEW_DAYS``,
    the latest by ``name``, linked to).
    """

    THREAD = "thread"
    REPLIES = "replies"
    MEMBER = "member"

    kind: str
    at: datetime
    url: str
    name: str
    title: str = ""
    new_replies: int = 0

    @property
    def is_recent(self) -> bool:
        """Within the last day: shown as "2 hours ago" rather than as a date."""
        return timezone.now() - self.at < timedelta(days=1)


THEME_COUNTS_CACHE_KEY = "forum:thread-counts"


def _thread_counts() -> dict:
    """
    Published threads per theme, and those the home page lists (not pinned). Counting 100,000
    threads costs tens of milliseconds, so the counts are kept in the shared cache; the services
    that publish, hide, move, pin or approve a thread drop them (``theme_counts_changed``), and
    they expire after an hour whatever happens.
    """
    counts = cache.get(THEME_COUNTS_CACHE_KEY)
    if counts is None:
        # One query: per theme its published threads, those of them not pinned, and whether a
        # visitor sees the theme (``ThemeQuerySet.visible_to``, the one rule) for the visitors' count.
        public = Theme.objects.visible_to(AnonymousUser()).filter(pk=OuterRef("pk"))
        rows = (
            Theme.objects.with_thread_counts()
            .annotate(
                listed=Count("threads", filter=Q(threads__status=Status.PUBLISHED, threads__is_pinned=False)),
                public=Exists(public),
            )
            .values_list("pk", "published_thread_count", "listed", "public")
        )
        counts = {"themes": {}, "listed": 0, "listed_public": 0}
        for pk, published, listed, is_public in rows:
            counts["themes"][pk] = published
            counts["listed"] += listed
            counts["listed_public"] += listed if is_public else 0
        cache.set(THEME_COUNTS_CACHE_KEY, counts, timeout=3600)
    return counts


@dataclass(frozen=True)
class ThemeCount:
    """A theme and how many published threads it holds, for the home page's list of themes."""

    theme: Theme
    thread_count: int


def themes_with_thread_counts(user) -> list[ThemeCount]:
    """
    The themes ``user`` may see in their order, each with its number of published threads (kept
    counts), kept in the cache under the lists' version (forum/versions.py: saving a theme or a
    thread replaces it) for a few seconds, one copy for members and one for visitors (members-only
    themes): no query on most home pages.
    """
    audience = "members" if sees_members_only(user) else "public"
    return _kept_for_lists(f"forum:themes:{audience}", partial(read_themes_with_thread_counts, standing_of(user)))


def read_themes_with_thread_counts(user) -> list[ThemeCount]:
    """
    The themes ``user`` may see (``ThemeQuerySet.visible_to``) in their order, each with its number
    of published threads (kept counts, one query).
    """
    counts = _thread_counts()["themes"]
    return [ThemeCount(theme=theme, thread_count=counts.get(theme.pk, 0)) for theme in Theme.objects.visible_to(user)]


def _kept_for_lists(name: str, read: Callable[[], list]) -> list:
    """What ``read`` returns, kept ``LISTS_TIMEOUT`` at most under the lists' and the site's versions."""
    if not versions.enabled():
        return read()
    listing, site = versions.current(versions.LISTING, versions.SITE)
    key = f"{name}:{listing}:{site}:{translation.get_language()}"
    found = cache.get(key)
    if found is None:
        found = read()
        cache.set(key, found, timeout=LISTS_TIMEOUT)
    return found


def listed_thread_count(user) -> int:
    """
    How many published threads that are not pinned ``user`` may see (``sees_members_only``): the
    home page's list, for its pages.
    """
    return _thread_counts()["listed" if sees_members_only(user) else "listed_public"]


def theme_counts_changed() -> None:
    """Forget the cached thread counts per theme (after the commit too, so no reader caches the old ones)."""
    cache.delete(THEME_COUNTS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(THEME_COUNTS_CACHE_KEY))


# "Most active" counts the published replies of this many days.
ACTIVE_DAYS = 30


def thread_list(user, kind: ThreadList, *, theme: Theme | None = None, capacity: str = "") -> QuerySet[Thread]:
    """
    The discussions of the list ``kind`` that ``user`` (a member or a standing) may see, site-wide or
    in ``theme``, written in ``capacity`` when it is one (``Thread.with_capacity``), with the
    member's unread markers and the threads' tags. Latest: pinned first, then by latest activity (the theme page's own
    order); most active: the most published replies in the last ``ACTIVE_DAYS`` days; most viewed;
    unanswered: no published reply yet, the newest first. A page of any of them is one query for
    its rows and one for its count, on an index in the list's order (``Thread.Meta.indexes``).
    """
    threads = Thread.objects.visible_to(user).for_lists().with_capacity(capacity)
    if theme is not None:
        threads = threads.filter(theme=theme)
    if kind == ThreadList.ACTIVE:
        threads = threads.most_active(since=timezone.now() - timedelta(days=ACTIVE_DAYS))
    elif kind == ThreadList.VIEWED:
        threads = threads.most_viewed()
    elif kind == ThreadList.UNANSWERED:
        threads = threads.unanswered()
    else:
        threads = threads.for_listing()
    return threads.with_unread_for(user).with_tag_list()


def held_replies_for(user, thread) -> list:
    """
    The replies of ``user`` in ``thread`` that wait for approval, oldest first, for the
    block only they see. No query unless the thread has held replies; moderators
    see held replies in the list itself.
    """
    standing = standing_of(user)
    user = standing.user
    if not thread.held_reply_count or not is_member(standing) or is_moderator(standing):
        return []
    replies = list(
        Reply.objects.filter(thread=thread, status=Status.HELD)
        .filter(Q(author=user) | Q(written_by=user))
        .with_author()
        .order_by("created_at", "pk")
    )
    for reply in replies:
        reply.thread = thread
    return replies


# The latest activity and the themes are kept this long at most: what changes without a new
# version (a member admitted, the days counted as new) shows this much later.
LISTS_TIMEOUT = 10


def latest_activity(user, *, limit: int = ACTIVITY_LIMIT) -> list[ActivityItem]:
    """
    :func:`read_latest_activity`, kept in the cache for a few seconds under the lists' and the
    site's versions (forum/versions.py), one copy for members and one for everyone else: the
    same for every viewer of either kind, and the costliest read of the home page.
    """
    standing = standing_of(user)
    audience = "members" if sees_members_only(standing) else "public"
    return _kept_for_lists(f"forum:activity:{audience}:{limit}", partial(read_latest_activity, standing, limit=limit))


def read_latest_activity(user, *, limit: int = ACTIVITY_LIMIT) -> list[ActivityItem]:
    """
    The discussions that moved last, each once with what happened in it, and new members, newest
    first, as ``user`` may see them.

    Three queries of at most ``limit`` rows each, merged here: the discussions by their latest
    activity (the listed ones and the pinned ones, each on its own index), each with its latest
    published reply and how many replies it had in the last ``ACTIVITY_NEW_DAYS``
    (``Thread.objects.with_activity_summary``), and the new members. Only published threads
    and published replies are counted, for moderators too: this is a public summary, not a
    moderation queue. New members are listed when they are in the directory (admitted, not a
    former member), log in themselves (not an organisation account, not carried over from the
    old network), and their profile is one ``user`` may open: public profiles for visitors and
    for whoever waits for approval, every profile for admitted members.
    """
    standing = standing_of(user)
    user = standing.user
    since = timezone.now() - timedelta(days=ACTIVITY_NEW_DAYS)
    discussions = Thread.objects.activity().in_themes_visible_to(standing).with_activity_summary(since=since)
    threads = [
        *discussions.filter(is_pinned=False)[:limit],
        *discussions.filter(is_pinned=True)[:limit],
    ]
    members = User.objects.in_directory().filter(is_organisation_account=False, email__isnull=False)
    # The members-only profiles with the members-only themes: one audience for what is kept (above).
    if not sees_members_only(standing):
        members = members.filter(profile_visibility=ProfileVisibility.PUBLIC)
    members = (
        members.select_related(None)
        .only("handle", "display_name", "date_joined")
        .order_by("-date_joined", "-pk")[:limit]
    )
    items = [
        *(_discussion_item(thread) for thread in threads),
        *(
            ActivityItem(
                kind=ActivityItem.MEMBER, at=member.date_joined, url=member.get_absolute_url(), name=member.display_name
            )
            for member in members
        ),
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


def _discussion_item(thread) -> ActivityItem:
    if thread.last_reply_id is None:
        return ActivityItem(
            kind=ActivityItem.THREAD,
            at=thread.last_activity_at,
            url=thread.get_absolute_url(),
            name=thread.author.public_name,
            title=thread.title,
        )
    return ActivityItem(
        kind=ActivityItem.REPLIES,
        at=thread.last_activity_at,
        url=reverse("forum:reply", kwargs={"pk": thread.last_reply_id}),
        name=gettext("former member") if thread.last_reply_by_former_member else thread.last_reply_by,
        title=thread.title,
        new_replies=thread.new_reply_count,
    )


@dataclass(frozen=True)
class RevisionEntry:
    """An earlier version of a post, and the speaking capacity the edit that replaced it changed, if it did."""

    revision: Revision
    capacity_before: str = ""  # the capacities' labels, "" when the edit kept it
    capacity_after: str = ""


def revision_history(post: Thread | Reply) -> list[RevisionEntry]:
    """
    The earlier versions of ``post``, newest first, each with the change of speaking capacity made
    by the edit that replaced it: the newest was replaced by the post as it is now, every other one
    by the version after it. One query.
    """
    revisions = list(post.revisions.select_related("edited_by"))
    entries = []
    capacity_after = post.capacity
    for revision in revisions:
        before = revision.capacity
        changed = before and capacity_after and before != capacity_after
        entries.append(
            RevisionEntry(
                revision=revision,
                capacity_before=str(Capacity(before).label) if changed else "",
                capacity_after=str(Capacity(capacity_after).label) if changed else "",
            )
        )
        capacity_after = before  # unknown ("") for a revision stored before capacities were kept
    return entries


PROFILE_ITEMS = 10


def member_posts_for_profile(request, member) -> dict:
    """
    A member's latest discussions and replies that the viewer may see, for the forum's section of
    the profile page (``accounts.profile_sections``): two queries, run by the template.
    """
    viewer = request.standing
    threads = Thread.objects.visible_to(viewer).with_related().filter(author=member).order_by("-created_at")
    replies = (
        Reply.objects.visible_to(viewer)
        .in_threads_visible_to(viewer)
        .filter(author=member)
        .select_related("thread")
        .order_by("-created_at")
    )
    return {"threads": threads[:PROFILE_ITEMS], "replies": replies[:PROFILE_ITEMS]}


TAG_CHOICES = 40
THEME_TAGS = 20


def tag_choices(user, *, limit: int = TAG_CHOICES) -> list[Tag]:
    """The tags to choose from on the thread form: those ``user`` may see, most used first, with ``thread_count``."""
    return list(Tag.objects.with_thread_counts(user)[:limit])


def theme_tags(user, theme: Theme, *, limit: int = THEME_TAGS) -> list[Tag]:
    """
    :func:`read_theme_tags`, kept in the cache for a few seconds under the lists' and the site's
    versions (the tag services replace the lists' version too), one copy per audience: what
    visitors, members and moderators see of the threads differs. No query on most theme pages.
    """
    standing = standing_of(user)
    audience = "moderators" if is_moderator(standing) else "members" if sees_members_only(standing) else "public"
    return _kept_for_lists(
        f"forum:theme-tags:{theme.pk}:{audience}:{limit}", partial(read_theme_tags, standing, theme, limit=limit)
    )


def read_theme_tags(user, theme: Theme, *, limit: int = THEME_TAGS) -> list[Tag]:
    """The tags on ``theme``'s threads that ``user`` may see, most used there first, with ``thread_count``."""
    return list(Tag.objects.with_thread_counts(user, theme=theme)[:limit])


def tags_for_moderators():
    """Every tag, by name, with ``thread_count``: how many threads carry it, whatever their state. One query."""
    return Tag.objects.annotate(thread_count=Count("thread_tags")).order_by("name")


def tag_threads(user, tag: Tag):
    """
    The threads carrying ``tag`` that ``user`` may see, as the theme pages list them (pinned
    first, then latest activity), with unread markers and their tags: one query a page.
    """
    return (
        Thread.objects.visible_to(user).filter(thread_tags__tag=tag).for_listing().with_unread_for(user).with_tag_list()
    )


def theme_moderator_listing(member):
    """
    The themes ``member`` (an id, or an ``OuterRef`` to one) is listed on as a moderator, for the
    moderator's scope (``accounts.standing``, registered from ``ForumConfig.ready()``).
    """
    return Theme.moderators.through.objects.filter(user_id=member).values_list("theme_id")


# The thread page's cards --------------------------------------------------------------------------


@dataclass(frozen=True)
class PostCard:
    """
    A thread or reply on the thread page as one viewer sees it: the post and what this viewer may
    do with it or see of it, asked once here so the templates (``forum/_reply_card.html``,
    ``forum/_reaction.html``) only read it. Nothing of it is kept on the post itself.
    """

    post: Thread | Reply
    real_author_visible: bool = False
    can_edit: bool = False
    can_react: bool = False
    appreciated_by_me: bool = False
    can_report: bool = False
    can_view_revisions: bool = False
    can_moderate: bool = False

    @property
    def is_reply(self) -> bool:
        return isinstance(self.post, Reply)

    @property
    def reaction_id(self) -> str:
        """The id of the post's appreciation block: what htmx swaps, and where the page returns to."""
        return f"reaction-{'reply' if self.is_reply else 'thread'}-{self.post.pk}"

    @property
    def reaction_button_id(self) -> str:
        return f"reaction-button-{'reply' if self.is_reply else 'thread'}-{self.post.pk}"


def post_cards(user, thread: Thread, replies) -> tuple[PostCard, list[PostCard]]:
    """
    The cards of ``thread`` and of ``replies`` (replies of that thread, ``reply.thread`` set to it)
    for ``user`` (a member or a standing). The member's own appreciations come with the posts'
    queries (``with_appreciation_by``); posts read without them cost one query for the page, and a
    visitor's none.
    """
    standing = standing_of(user)
    replies = list(replies)
    posts: list[Thread | Reply] = [thread, *replies]
    may_appreciate = permissions.can_post(standing)
    mine: set[tuple[int | None, int | None]] = set()
    annotated = all(hasattr(post, "appreciated_by_viewer") for post in posts)
    if may_appreciate and not annotated:
        mine = set(
            Reaction.objects.filter(member=standing.user)
            .filter(Q(thread=thread) | Q(reply__in=[reply.pk for reply in replies]))
            .values_list("thread_id", "reply_id")
        )

    def appreciated(post: Thread | Reply) -> bool:
        if not may_appreciate:
            return False
        if annotated:
            return bool(post.appreciated_by_viewer)  # type: ignore[union-attr]  # with_appreciation_by
        return ((None, post.pk) if isinstance(post, Reply) else (post.pk, None)) in mine

    thread_card = PostCard(
        post=thread,
        real_author_visible=can_see_real_author(standing, thread),
        can_edit=permissions.can_edit_thread(standing, thread),
        can_react=permissions.can_react(standing, thread),
        appreciated_by_me=appreciated(thread),
        can_report=permissions.can_report(standing, thread),
        can_view_revisions=permissions.can_view_revisions(standing, thread),
        can_moderate=permissions.can_moderate_post(standing, thread),
    )
    reply_cards = [
        PostCard(
            post=reply,
            real_author_visible=can_see_real_author(standing, reply),
            can_edit=permissions.can_edit_reply(standing, reply),
            can_react=permissions.can_react(standing, reply),
            appreciated_by_me=appreciated(reply),
            can_report=permissions.can_report(standing, reply),
            can_view_revisions=permissions.can_view_revisions(standing, reply),
            can_moderate=permissions.can_moderate_post(standing, reply),
        )
        for reply in replies
    ]
    return thread_card, reply_cards


def held_reply_cards(user, thread: Thread) -> list[PostCard]:
    """The block of the member's own replies waiting for approval (``held_replies_for``), as cards."""
    standing = standing_of(user)
    return [
        PostCard(post=reply, can_edit=permissions.can_edit_reply(standing, reply))
        for reply in held_replies_for(standing, thread)
    ]


# How many threads or replies a feed carries, newest first.
FEED_ITEMS = 30

# What a feed or the sitemap shows of a post and its author: the stored HTML, not the Markdown
# source; the author's name, or "former member", not their account.
_FEED_THREAD_FIELDS = (
    "title", "slug", "body_html", "created_at", "edited_at", "last_activity_at", "theme__name", "theme__slug",
    "author__display_name", "author__is_former_member",
)  # fmt: skip


def public_threads() -> ThreadQuerySet:
    """
    The threads a visitor may read (``visible_to`` an anonymous user: never hidden or held ones,
    nor what only members may see), whoever asks: feeds and the sitemap are the same for everyone.
    """
    return Thread.objects.visible_to(AnonymousUser())


def public_themes() -> models.QuerySet:
    """The themes a visitor may open (``visible_to`` an anonymous user: not the members-only ones)."""
    return Theme.objects.visible_to(AnonymousUser())


def public_tags() -> models.QuerySet:
    """The tags a visitor may open (``visible_to`` an anonymous user): on at least one public thread."""
    return Tag.objects.visible_to(AnonymousUser())


def feed_threads(*, theme: Theme | None = None, tag: Tag | None = None, limit: int = FEED_ITEMS) -> list[Thread]:
    """
    The newest public threads (in ``theme``, with ``tag``) with what a feed item shows, their tags
    among it (``with_tag_list``): one query.
    """
    threads = public_threads()
    if theme is not None:
        threads = threads.filter(theme=theme)
    if tag is not None:
        threads = threads.filter(thread_tags__tag=tag)
    threads = threads.with_tag_list().select_related("theme", "author").only(*_FEED_THREAD_FIELDS)
    return list(threads.order_by("-created_at", "-pk")[:limit])


def feed_replies(thread: Thread, *, limit: int = FEED_ITEMS) -> list[Reply]:
    """
    The newest published replies of a public ``thread`` with their authors' names: one query.
    """
    replies = (
        Reply.objects.visible_to(AnonymousUser())
        .filter(thread=thread)
        .select_related("author")
        .only("thread_id", "body_html", "created_at", "edited_at", "author__display_name", "author__is_former_member")
        .in_order(newest_first=True)
    )
    return list(replies[:limit])
