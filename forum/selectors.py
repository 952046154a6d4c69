"""
Reads that combine several models for one page block. Each runs a fixed number
of small queries, whatever the size of the forum.
"""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import ProfileVisibility, User
from accounts.permissions import is_member

from .models import Reply, Thread

ACTIVITY_LIMIT = 10


@dataclass(frozen=True)
class ActivityItem:
    """One line of "Latest activity": what happened (``kind``), when, and what it links to."""

    THREAD = "thread"
    REPLY = "reply"
    MEMBER = "member"

    kind: str
    at: datetime
    url: str
    name: str
    title: str = ""


def latest_activity(user, *, limit: int = ACTIVITY_LIMIT) -> list[ActivityItem]:
    """
    New threads, new replies and new members, newest first, as ``user`` may see them.

    Three queries of at most ``limit`` rows each, merged here. Only published threads
    and published replies in published threads are listed, for moderators too: this is
    a public summary, not a moderation queue. New members are listed when they are in
    the directory (admitted, not a former member), log in themselves (not an organisation
    account, not carried over from the old network), and their profile is one ``user``
    may open: public profiles for visitors, every profile for members.
    """
    threads = Thread.objects.activity()[:limit]
    replies = Reply.objects.activity()[:limit]
    members = User.objects.in_directory().filter(is_organisation_account=False, email__isnull=False)
    if not is_member(user):
        members = members.filter(profile_visibility=ProfileVisibility.PUBLIC)
    members = (
        members.select_related(None)
        .only("handle", "display_name", "date_joined")
        .order_by("-date_joined", "-pk")[:limit]
    )
    items = [
        *(
            ActivityItem(
                kind=ActivityItem.THREAD,
                at=thread.created_at,
                url=thread.get_absolute_url(),
                name=thread.author.public_name,
                title=thread.title,
            )
            for thread in threads
        ),
        *(
            ActivityItem(
                kind=ActivityItem.REPLY,
                at=reply.created_at,
                url=reply.get_absolute_url(),
                name=reply.author.public_name,
                title=reply.thread.title,
            )
            for reply in replies
        ),
        *(
            ActivityItem(
                kind=ActivityItem.MEMBER, at=member.date_joined, url=member.get_absolute_url(), name=member.display_name
            )
            for member in members
        ),
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
