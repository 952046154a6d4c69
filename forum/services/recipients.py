"""
Who hears of a new thread, a new reply or a new mention: the forum's rule. The members it finds
are passed to ``notifications.services.notify``, which tells each one who may see the post.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.text import mentioned_members
from notifications.models import Kind, Notification
from notifications.services import notify

from ..models import Reply, ThemeFollow, Thread, ThreadFollow

if TYPE_CHECKING:
    from accounts.models import User


def reply_posted(reply: Reply) -> list[Notification]:
    """
    Tell who should know of a new reply, once each: members mentioned in it,
    the thread's author, and the followers of the thread and its theme.
    """
    thread = reply.thread
    actor = reply.written_by or reply.author
    told, sent = {actor.pk}, []

    def tell(member: User, kind: str) -> None:
        if member.pk in told:
            return
        told.add(member.pk)
        notification = notify(recipient=member, kind=kind, actor=reply.author, target=reply)
        if notification is not None:
            sent.append(notification)

    for member in mentioned_members(reply.body):
        tell(member, Kind.MENTION)
    tell(thread.author, Kind.REPLY_TO_THREAD)
    followers = ThreadFollow.objects.filter(thread=thread).select_related("member")
    theme_followers = ThemeFollow.objects.filter(theme_id=thread.theme_id).select_related("member")
    for member in [*(follow.member for follow in followers), *(follow.member for follow in theme_followers)]:
        tell(member, Kind.REPLY_IN_FOLLOWED)
    return sent


def thread_posted(thread: Thread) -> list[Notification]:
    """Tell members mentioned in a new thread, and the followers of its theme."""
    actor = thread.written_by or thread.author
    told, sent = {actor.pk}, []
    for member in mentioned_members(thread.body):
        if member.pk not in told:
            told.add(member.pk)
            if notification := notify(recipient=member, kind=Kind.MENTION, actor=thread.author, target=thread):
                sent.append(notification)
    for follow in ThemeFollow.objects.filter(theme_id=thread.theme_id).select_related("member"):
        if follow.member_id not in told:
            told.add(follow.member_id)
            if notification := notify(
                recipient=follow.member, kind=Kind.REPLY_IN_FOLLOWED, actor=thread.author, target=thread
            ):
                sent.append(notification)
    return sent


def mentions_added(post: Thread | Reply, previous_body: str) -> list[Notification]:
    """
    Tell the members an edit of ``post`` mentions for the first time; those mentioned in
    ``previous_body`` were told when it was posted (mentions in quotations are not told, as ever).
    """
    actor = post.written_by or post.author
    told = {member.pk for member in mentioned_members(previous_body)} | {actor.pk}
    sent = []
    for member in mentioned_members(post.body):
        if member.pk in told:
            continue
        told.add(member.pk)
        notification = notify(
            recipient=member,
            kind=Kind.MENTION,
            actor=post.author,
            target=post,
        )
        if notification is not None:
            sent.append(notification)
    return sent
