"""
The forum's part of a member's data download (see ``accounts.privacy``).

Registered from ``ForumConfig.ready()``: the themes the member moderates, their own
posts and their earlier versions, appreciations, follows and read positions. Reports,
objections, problem reports, decisions and moderators' acts (also the ``hidden_by`` of
a post) are moderation's part, ``moderation/privacy.py``, which uses the addresses below.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.privacy import iso, registry
from core.links import absolute_reverse

from . import services
from .models import Reaction, Reply, Revision, Theme, ThemeFollow, Thread, ThreadFollow, ThreadVisit


def thread_url(pk: int, slug: str | None = None) -> str:
    if slug:
        return absolute_reverse("forum:thread", kwargs={"pk": pk, "slug": slug})
    return absolute_reverse("forum:thread_short", kwargs={"pk": pk})


def reply_url(pk: int) -> str:
    return absolute_reverse("forum:reply", kwargs={"pk": pk})


def post_url(thread_id: int | None, reply_id: int | None, thread_slug: str | None = None) -> str | None:
    if thread_id:
        return thread_url(thread_id, thread_slug)
    return reply_url(reply_id) if reply_id else None


def own_posts(model, member: User):
    """The ids of the threads or replies ``member`` wrote, also for an organisation account, as a subquery."""
    return model.objects.filter(Q(author=member) | Q(written_by=member)).values("pk")


def moderated_themes(member: User) -> list[dict]:
    return [
        {"name": row["name"], "url": absolute_reverse("forum:theme", kwargs={"slug": row["slug"]})}
        for row in Theme.objects.filter(moderators=member).order_by("position", "name").values("name", "slug")
    ]


def threads(member: User) -> list[dict]:
    """Threads under the member's own name or written for an organisation account."""
    return [
        {
            "title": row["title"],
            "body": row["body"],
            "capacity": row["capacity"],
            "posted_as": None if row["author_id"] == member.pk else row["author__display_name"],
            "created_at": iso(row["created_at"]),
            "edited_at": iso(row["edited_at"]),
            "status": row["status"],
            "url": thread_url(row["pk"], row["slug"]),
        }
        for row in Thread.objects.filter(Q(author=member) | Q(written_by=member))
        .order_by("created_at", "pk")
        .values(
            "pk",
            "slug",
            "title",
            "body",
            "capacity",
            "author_id",
            "author__display_name",
            "created_at",
            "edited_at",
            "status",
        )
    ]


def replies(member: User) -> list[dict]:
    """Replies, with the title of their thread."""
    return [
        {
            "thread": row["thread__title"],
            "body": row["body"],
            "capacity": row["capacity"],
            "posted_as": None if row["author_id"] == member.pk else row["author__display_name"],
            "created_at": iso(row["created_at"]),
            "edited_at": iso(row["edited_at"]),
            "status": row["status"],
            "url": reply_url(row["pk"]),
        }
        for row in Reply.objects.filter(Q(author=member) | Q(written_by=member))
        .order_by("created_at", "pk")
        .values(
            "pk",
            "thread__title",
            "body",
            "capacity",
            "author_id",
            "author__display_name",
            "created_at",
            "edited_at",
            "status",
        )
    ]


def revisions(member: User) -> list[dict]:
    """
    Earlier versions of the member's threads and replies, whoever edited them. A
    moderator's edit of someone else's post is in their moderation acts instead;
    the words replaced are the other member's.
    """
    return [
        {
            "title": row["title"],
            "body": row["body"],
            "created_at": iso(row["created_at"]),
            "of": post_url(row["thread_id"], row["reply_id"], row["thread__slug"]),
        }
        for row in Revision.objects.filter(
            Q(thread__in=own_posts(Thread, member)) | Q(reply__in=own_posts(Reply, member))
        )
        .order_by("created_at", "pk")
        .values("title", "body", "created_at", "thread_id", "thread__slug", "reply_id")
    ]


def appreciations(member: User) -> list[dict]:
    return [
        {"of": post_url(row["thread_id"], row["reply_id"], row["thread__slug"]), "created_at": iso(row["created_at"])}
        for row in Reaction.objects.filter(member=member)
        .order_by("created_at", "pk")
        .values("thread_id", "thread__slug", "reply_id", "created_at")
    ]


def followed_threads(member: User) -> list[dict]:
    return [
        {
            "title": row["thread__title"],
            "url": thread_url(row["thread_id"], row["thread__slug"]),
            "since": iso(row["created_at"]),
        }
        for row in ThreadFollow.objects.filter(member=member)
        .order_by("created_at", "pk")
        .values("thread_id", "thread__title", "thread__slug", "created_at")
    ]


def followed_themes(member: User) -> list[dict]:
    return [
        {
            "name": row["theme__name"],
            "url": absolute_reverse("forum:theme", kwargs={"slug": row["theme__slug"]}),
            "since": iso(row["created_at"]),
        }
        for row in ThemeFollow.objects.filter(member=member)
        .order_by("created_at", "pk")
        .values("theme__name", "theme__slug", "created_at")
    ]


def read_positions(member: User) -> list[dict]:
    return [
        {
            "title": row["thread__title"],
            "url": thread_url(row["thread_id"], row["thread__slug"]),
            "read_until": iso(row["last_read_at"]),
        }
        for row in ThreadVisit.objects.filter(member=member)
        .order_by("last_read_at", "pk")
        .values("thread_id", "thread__title", "thread__slug", "last_read_at")
    ]


# What closing an account does to the forum's rows ----------------------------------------


def erase_mentions(member: User) -> None:
    """Posts that mention the closing account show "former member" as text, not a link that would lead nowhere."""
    services.mentions_of_closing_member(member=member)


def erase_moderated_themes(member: User) -> None:
    member.moderated_themes.clear()


def erase_followed_threads(member: User) -> None:
    ThreadFollow.objects.filter(member=member).delete()


def erase_followed_themes(member: User) -> None:
    ThemeFollow.objects.filter(member=member).delete()


def erase_read_positions(member: User) -> None:
    ThreadVisit.objects.filter(member=member).delete()


POSTS_STAY = (
    'A closed account\'s words stay where others answered them, under "former member"; '
    "the account no longer has a name."
)

registry.register(
    "moderated_themes",
    label=_("The themes you moderate"),
    export=moderated_themes,
    refers_by=["forum.Theme.moderators"],
    erase=erase_moderated_themes,
)
registry.register(
    "threads",
    label=_("Your discussions"),
    export=threads,
    refers_by=["forum.Thread.author", "forum.Thread.written_by"],
    erase=erase_mentions,
    keeps=POSTS_STAY,
)
registry.register(
    "replies",
    label=_("Your replies"),
    export=replies,
    refers_by=["forum.Reply.author", "forum.Reply.written_by"],
    keeps=POSTS_STAY,
)
registry.register(
    "revisions",
    label=_("Earlier versions of your discussions and replies"),
    export=revisions,
    refers_by=["forum.Revision.edited_by"],
    keeps=POSTS_STAY,
)
registry.register(
    "appreciations",
    label=_("The posts you appreciated"),
    export=appreciations,
    refers_by=["forum.Reaction.member"],
    keeps="An appreciation is counted on the post and names nobody once the account has no name.",
)
registry.register(
    "followed_threads",
    label=_("The discussions you follow"),
    export=followed_threads,
    refers_by=["forum.ThreadFollow.member"],
    erase=erase_followed_threads,
)
registry.register(
    "followed_themes",
    label=_("The themes you follow"),
    export=followed_themes,
    refers_by=["forum.ThemeFollow.member"],
    erase=erase_followed_themes,
)
registry.register(
    "read_positions",
    label=_("How far you read each discussion"),
    export=read_positions,
    refers_by=["forum.ThreadVisit.member"],
    erase=erase_read_positions,
)
# django-taggit's own tagged items: the forum tags threads with its own models (Tag, ThreadTag),
# so taggit's generic table stays empty; nothing in it is about a member.
for reference in ("taggit.TaggedItem.content_object", "taggit.TaggedItem.content_type"):
    registry.omit(
        reference,
        reason="The forum's tags are on threads (forum.ThreadTag); django-taggit's generic table is not used.",
        keeps="The forum's tags are on threads (forum.ThreadTag); django-taggit's generic table is not used.",
    )
