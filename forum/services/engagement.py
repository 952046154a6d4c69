"""Reading, appreciating and following."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from accounts import permissions as account_permissions
from accounts.standing import standing_of
from notifications.models import Kind
from notifications.services import notify_later

from .. import permissions
from ..models import (
    Reaction,
    Reply,
    Theme,
    ThemeFollow,
    Thread,
    ThreadFollow,
    ThreadVisit,
)

if TYPE_CHECKING:
    from datetime import datetime

    from accounts.models import User


def thread_mark_read(*, member: User, thread: Thread, until: datetime, read_until: datetime | None = None) -> None:
    """
    Record that ``member`` has read ``thread`` up to ``until`` (its ``last_activity_at`` as they
    saw it); for visitors there is nothing to record.

    One ``ThreadVisit`` row per member per thread, and it only moves forward. ``read_until`` is
    the stored position when the caller already has it (the thread page reads it with the thread,
    ``ThreadQuerySet.with_first_unread_reply_for``): when it is not older than ``until`` nothing is
    written, so reading a thread again costs no statement. Otherwise one statement: an INSERT that,
    on the unique constraint, becomes an UPDATE only where the stored position is older. It is
    atomic on its own and safe under concurrent visits, so no transaction is opened.
    """
    standing = standing_of(member)

    if not account_permissions.is_member(standing):
        return
    permissions.check_view_thread(standing, thread)
    if read_until is not None and read_until >= until:
        return
    if connection.vendor in ("sqlite", "postgresql"):
        _visit_upsert(member.pk, thread.pk, until)
        return
    ThreadVisit.objects.bulk_create(
        [ThreadVisit(member=member, thread=thread, last_read_at=until)],
        ignore_conflicts=True,
    )
    ThreadVisit.objects.filter(member=member, thread=thread, last_read_at__lt=until).update(last_read_at=until)


def _visit_upsert(member_id: int, thread_id: int, until: datetime) -> None:
    """INSERT … ON CONFLICT DO UPDATE … WHERE older: one statement on SQLite (3.24+) and PostgreSQL."""
    meta = ThreadVisit._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    member, thread = quote(meta.get_field("member").column), quote(meta.get_field("thread").column)
    read = quote(meta.get_field("last_read_at").column)  # type: ignore[arg-type]  # a concrete field has a column
    value = meta.get_field("last_read_at").get_db_prep_value(until, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({member}, {thread}, {read}) VALUES (%s, %s, %s) "  # noqa: S608 (names only)
            f"ON CONFLICT ({member}, {thread}) DO UPDATE SET {read} = excluded.{read} "
            f"WHERE {table}.{read} < excluded.{read}",
            [member_id, thread_id, value],
        )


def _reaction_target(post: Thread | Reply) -> dict:
    return {"reply": post} if isinstance(post, Reply) else {"thread": post}


@transaction.atomic
def reaction_toggle(*, member: User, post: Thread | Reply, appreciate: bool | None = None) -> bool:
    """
    Appreciate ``post`` ("waarderen") or take the appreciation back; returns
    whether ``member`` now appreciates it. ``appreciate`` asks for a state (the
    one the button offered, so a double click changes nothing); ``None`` toggles.
    The post's ``reaction_count`` moves in the database, in this transaction and
    only when a row really was added or removed, so it stays exact under
    concurrency. The author hears of it after the commit, bundled per post.
    """
    standing = standing_of(member)
    permissions.check_react(standing, post)
    target = _reaction_target(post)
    mine = Reaction.objects.filter(member=member, **target)
    if appreciate is None:
        appreciate = not mine.exists()
    counter = type(post).objects.filter(pk=post.pk)
    if appreciate:
        try:
            with transaction.atomic():
                Reaction.objects.create(member=member, **target)
        except IntegrityError:
            pass  # another request of this member (a double click) added it first
        else:
            counter.update(reaction_count=F("reaction_count") + 1)
            _notify_reaction(member=member, post=post)
    elif mine.delete()[0]:
        counter.update(reaction_count=F("reaction_count") - 1)
    post.refresh_from_db(fields=["reaction_count"])
    return appreciate


def _notify_reaction(*, member: User, post: Thread | Reply) -> None:
    """
    Tell the author, in one unread notification per post. An organisation
    account's post was written by a member: that member hears of it (nobody
    reads an organisation account's notifications).
    """
    notify_later(
        recipient=post.written_by or post.author,
        kind=Kind.REACTION,
        actor=member,
        target=post,
        group_key=f"reaction:{post.content_kind}:{post.pk}",
    )


def _follow_toggle(model: type[ThreadFollow | ThemeFollow], *, follow: bool | None, **fields: Any) -> bool:
    """The row for ``fields`` made to exist or not; ``None`` flips it. Safe against a double click."""
    rows = model.objects.filter(**fields)
    if follow is None:
        follow = not rows.exists()
    if follow:
        model.objects.get_or_create(**fields)
    else:
        rows.delete()
    return follow


@transaction.atomic
def thread_follow_toggle(*, member: User, thread: Thread, follow: bool | None = None) -> bool:
    """Follow ``thread`` or stop following it; returns whether ``member`` now follows it."""
    standing = standing_of(member)
    permissions.check_follow_thread(standing, thread)
    following = _follow_toggle(ThreadFollow, follow=follow, member=member, thread=thread)
    return following


@transaction.atomic
def theme_follow_toggle(*, member: User, theme: Theme, follow: bool | None = None) -> bool:
    """Follow ``theme`` (its new threads and replies) or stop; returns whether ``member`` now follows it."""
    standing = standing_of(member)

    permissions.check_follow_theme(standing, theme)
    return _follow_toggle(ThemeFollow, follow=follow, member=member, theme=theme)
