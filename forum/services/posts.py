"""Writing threads and replies: create, edit, import, view counts."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts import permissions as account_permissions
from accounts.standing import Standing, standing_of
from core.models import ModerationAction, ModerationLog
from core.text import render_markdown

from .. import holds, permissions, ratelimits, selectors, tasks
from ..models import Capacity, Page, Reply, Revision, Status, Theme, Thread, ThreadFollow
from . import notices
from . import tags as thread_tags

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from accounts.models import Organisation, User

    from ..viewed import ViewedThreads


def _authorship(*, standing: Standing, capacity: str, as_account: User | None) -> dict:
    """
    Who a post is shown under and in which capacity. Posting as an organisation
    account shows the account and keeps the member as ``written_by``; speaking on
    behalf of an organisation needs its administrators' permission.
    """
    author = standing.user
    if as_account is not None:
        account_permissions.check_post_as(standing, as_account)
        return {
            "author": as_account,
            "written_by": author,
            "capacity": Capacity.ORGANISATION,
            "on_behalf_of": as_account.organisation,
        }
    if capacity not in Capacity.values:
        raise ValueError(f"Unknown capacity {capacity!r}")
    if capacity == Capacity.ORGANISATION:
        account_permissions.check_speak_for_organisation(standing)
        return {"author": author, "written_by": None, "capacity": capacity, "on_behalf_of": author.organisation}
    return {"author": author, "written_by": None, "capacity": capacity, "on_behalf_of": None}


POST_RATE_ACTION = "post"
POST_RATE_WINDOW = 3600


def _check_post_rate(standing: Standing) -> None:
    """Refuse a member who posted ``FORUM_POSTS_PER_HOUR`` threads and replies this hour; moderators have no limit."""
    if permissions.is_moderator(standing):
        return
    if ratelimits.is_limited(standing.user, POST_RATE_ACTION, settings.FORUM_POSTS_PER_HOUR, POST_RATE_WINDOW):
        raise ValidationError(gettext("You are posting very fast. Wait a moment and try again."), code="rate_limited")


def _count_post(standing: Standing) -> None:
    """Count a post that was written, once it is committed: a post rolled back does not count."""
    author = standing.user
    if not permissions.is_moderator(standing):
        transaction.on_commit(
            lambda: ratelimits.hit(author, POST_RATE_ACTION, settings.FORUM_POSTS_PER_HOUR, POST_RATE_WINDOW),
            robust=True,
        )


def _check_slow_mode(standing: Standing, thread: Thread) -> None:
    """
    In slow mode a member waits ``slow_mode_seconds`` between two replies in the
    thread, also when writing for an organisation account; the theme's moderators do not.
    One query: the member's latest reply in the thread.
    """
    author = standing.user
    if not thread.slow_mode_seconds or permissions.can_moderate_theme(standing, thread.theme_id):
        return
    latest = (
        Reply.objects.filter(Q(author=author) | Q(written_by=author), thread=thread)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if latest is None:
        return
    wait = latest + timedelta(seconds=thread.slow_mode_seconds) - timezone.now()
    if wait > timedelta(0):
        raise ValidationError(_slow_mode_wait(int(wait.total_seconds()) + 1), code="slow_mode")


def _slow_mode_wait(seconds: int) -> str:
    """How long a member still waits, as people say it: seconds, else whole minutes, else whole hours (rounded up)."""
    if seconds < 60:
        return ngettext(
            "This discussion is in slow mode. You can reply again in %(seconds)d second.",
            "This discussion is in slow mode. You can reply again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    minutes = -(-seconds // 60)
    if minutes <= 120:
        return ngettext(
            "This discussion is in slow mode. You can reply again in %(minutes)d minute.",
            "This discussion is in slow mode. You can reply again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    hours = -(-seconds // 3600)
    return ngettext(
        "This discussion is in slow mode. You can reply again in %(hours)d hour.",
        "This discussion is in slow mode. You can reply again in %(hours)d hours.",
        hours,
    ) % {"hours": hours}


@transaction.atomic
def thread_create(
    *,
    author: User,
    theme: Theme,
    title: str,
    body: str,
    capacity: str = Capacity.PERSONAL,
    as_account: User | None = None,
    tags: Sequence[str] = (),
) -> Thread:
    """
    Start a thread in ``theme``, in the capacity the author chose, or as an organisation account,
    with the ``tags`` chosen (``services.tags``: new ones only from members who may add them).
    """
    standing = standing_of(author)
    permissions.check_create_thread(standing, theme)
    _check_post_rate(standing)
    if tags:  # checked before the thread counts among the member's published posts
        tags = thread_tags.tag_names_check(standing=standing, names=tags)
    thread = _thread_insert(
        theme=theme,
        title=title,
        body=body,
        hold_writer=author,
        **_authorship(standing=standing, capacity=capacity, as_account=as_account),
    )
    if tags:
        thread_tags.thread_tags_set(standing=standing, thread=thread, names=tags)
    _count_post(standing)
    # Authors follow their own thread; the member who wrote it for an organisation account does.
    ThreadFollow.objects.get_or_create(member=author, thread=thread)
    if not thread.is_held:  # a held thread's notifications go out when it is approved
        transaction.on_commit(lambda: tasks.thread_posted.enqueue(thread.pk), robust=True)
    return thread


def _thread_insert(
    *,
    author: User,
    theme: Theme,
    title: str,
    body: str,
    created_at: datetime | None = None,
    view_count: int = 0,
    hold_writer: User | None = None,
    **authorship: object,
) -> Thread:
    now = created_at or timezone.now()
    thread = Thread(
        author=author,
        theme=theme,
        title=title,
        body=body,
        created_at=now,
        last_activity_at=now,
        view_count=view_count,
        **authorship,
    )
    thread.render()
    hold = None
    if hold_writer is not None:
        hold = holds.hold_for(writer=hold_writer, theme=theme, title=title, body=body, body_html=thread.body_html)
    if hold:
        thread.status, thread.hold_reason, thread.hold_detail = Status.HELD, hold.reason, hold.detail
    thread.save()
    if hold:
        holds.record_hold(thread, hold)
    else:
        selectors.theme_counts_changed()
    return thread


@transaction.atomic
def reply_create(
    *, author: User, thread: Thread, body: str, capacity: str = Capacity.PERSONAL, as_account: User | None = None
) -> Reply:
    """Reply to ``thread``; the thread's counters move in the database, not in Python."""
    standing = standing_of(author)
    permissions.check_reply(standing, thread)
    _check_slow_mode(standing, thread)
    _check_post_rate(standing)
    reply = _reply_insert(
        thread=thread,
        body=body,
        hold_writer=author,
        **_authorship(standing=standing, capacity=capacity, as_account=as_account),
    )
    _count_post(standing)
    if not reply.is_held:  # a held reply's notifications go out when it is approved
        transaction.on_commit(lambda: tasks.reply_posted.enqueue(reply.pk), robust=True)
    return reply


def _reply_insert(
    *,
    author: User,
    thread: Thread,
    body: str,
    created_at: datetime | None = None,
    hold_writer: User | None = None,
    **authorship: object,
) -> Reply:
    now = created_at or timezone.now()
    reply = Reply(thread=thread, author=author, body=body, created_at=now, **authorship)
    reply.render()
    hold = None
    if hold_writer is not None:
        hold = holds.hold_for(writer=hold_writer, theme=thread.theme, title="", body=body, body_html=reply.body_html)
    if hold:
        reply.status, reply.hold_reason, reply.hold_detail = Status.HELD, hold.reason, hold.detail
        reply.save()
        Thread.objects.filter(pk=thread.pk).update(held_reply_count=F("held_reply_count") + 1)
        holds.record_hold(reply, hold)
        return reply
    reply.save()
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1)
    Thread.objects.filter(pk=thread.pk, last_activity_at__lt=now).update(last_activity_at=now)
    return reply


def _new_capacity(*, standing: Standing, post: Thread | Reply, capacity: str | None) -> tuple[str, Organisation | None]:
    """The capacity after an edit. Organisation-account posts keep theirs; only the author changes it."""
    if capacity is None or capacity == post.capacity or post.written_by_id is not None:
        return post.capacity, post.on_behalf_of
    if not permissions.is_own_post(standing, post):
        raise PermissionDenied
    authorship = _authorship(standing=standing, capacity=capacity, as_account=None)
    return authorship["capacity"], authorship["on_behalf_of"]


def _edit(
    *,
    standing: Standing,
    post: Thread | Reply,
    changes: dict[str, object],
    capacity: str | None,
    revision: dict[str, object],
    note: str = "",
) -> bool:
    acting_user = standing.user
    new_capacity, on_behalf_of = _new_capacity(standing=standing, post=post, capacity=capacity)
    if all(getattr(post, field) == value for field, value in changes.items()) and new_capacity == post.capacity:
        return False
    previous_body = post.body
    Revision.objects.create(**revision, body=post.body, capacity=post.capacity, edited_by=acting_user)
    for field, value in changes.items():
        setattr(post, field, value)
    post.capacity, post.on_behalf_of, post.edited_at = new_capacity, on_behalf_of, timezone.now()
    post.render()
    thread = post if isinstance(post, Thread) else post.thread
    # The author's edit meets the same watched words as a new post: refused, or held again.
    hold = holds.hold_after_edit(writer=acting_user, post=post, theme=thread.theme)
    post.save(update_fields=[*changes, "body_html", "capacity", "on_behalf_of", "edited_at"])
    if hold:
        _post_hold_again(post, hold)
    if post.status == Status.PUBLISHED and post.body != previous_body:
        transaction.on_commit(
            lambda: tasks.mentions_added.enqueue(post.content_kind.value, post.pk, previous_body), robust=True
        )
    if not permissions.is_own_post(standing, post):
        ModerationLog.objects.record(actor=acting_user, action=ModerationAction.EDIT, target=post, reason=note)
        _tell_author_of_edit(post, note=note)
    return True


def _post_hold_again(post: Thread | Reply, hold: holds.Hold) -> None:
    """Take a published post back into the approval queue after an edit (the counters follow)."""
    model = type(post)
    if not model.objects.filter(pk=post.pk, status=Status.PUBLISHED).update(
        status=Status.HELD, hold_reason=hold.reason, hold_detail=hold.detail
    ):
        return
    if isinstance(post, Thread):
        selectors.theme_counts_changed()
    post.status, post.hold_reason, post.hold_detail = Status.HELD, hold.reason, hold.detail
    if isinstance(post, Reply):
        Thread.objects.filter(pk=post.thread_id).update(
            reply_count=F("reply_count") - 1, held_reply_count=F("held_reply_count") + 1
        )
    holds.record_hold(post, hold)


def _tell_author_of_edit(post: Thread | Reply, *, note: str) -> None:
    """A moderator changed the member's post: tell them where, and the moderator's note."""

    def compose(thread: Thread) -> str:
        if note:
            return gettext("A moderator edited your post in “%(thread)s”. Note: %(note)s") % {
                "thread": thread.title,
                "note": note,
            }
        return gettext("A moderator edited your post in “%(thread)s”.") % {"thread": thread.title}

    notices.tell_author(post, compose, link=True)


@transaction.atomic
def thread_edit(
    *,
    acting_user: User,
    thread: Thread,
    title: str,
    body: str,
    capacity: str | None = None,
    note: str = "",
    tags: Sequence[str] | None = None,
) -> bool:
    """
    Change a thread's title, text or capacity, keeping the old ones as a revision, and its tags
    when ``tags`` is given. A moderator's ``note`` says why they changed someone else's post: it
    is logged and sent to the author.
    """
    standing = standing_of(acting_user)
    permissions.check_edit_thread(standing, thread)
    tags_changed = tags is not None and thread_tags.thread_tags_set(standing=standing, thread=thread, names=tags)
    edited = _edit(
        standing=standing,
        post=thread,
        changes={"title": title, "body": body},
        capacity=capacity,
        revision={"thread": thread, "title": thread.title},
        note=note,
    )
    return edited or tags_changed


@transaction.atomic
def reply_edit(*, acting_user: User, reply: Reply, body: str, capacity: str | None = None, note: str = "") -> bool:
    """Change a reply's text or capacity, keeping the old ones as a revision (a moderator's ``note`` as above)."""
    standing = standing_of(acting_user)
    permissions.check_edit_reply(standing, reply)
    return _edit(
        standing=standing,
        post=reply,
        changes={"body": body},
        capacity=capacity,
        revision={"reply": reply},
        note=note,
    )


def thread_register_view(*, thread: Thread, viewed: ViewedThreads) -> bool:
    """
    Count a view of ``thread`` once per visitor: ``viewed`` holds the threads this
    visitor was counted for (``forum.viewed.ViewedThreads``, a cookie). The counter
    is incremented in the database, so concurrent views are all counted, and
    ``thread.view_count`` becomes the count the database returned.
    """
    if thread.pk in viewed:
        return False
    views = thread_count_view(thread.pk)
    if views is None:  # deleted meanwhile
        return False
    viewed.add(thread.pk)
    thread.view_count = views
    return True


def thread_count_view(thread_id: int) -> int | None:
    """
    Add one view to thread ``thread_id`` in the database and return its new count;
    ``None`` if no thread matched. One statement: raw SQL, since the ORM's ``update()``
    cannot return the new count (``RETURNING``) nor set ``synchronous_commit`` with it.

    On PostgreSQL, outside a transaction, the statement commits without waiting for
    the disk (``set_config(…, true)`` lasts until its own commit; the connection's
    setting stays as it is): a crash of the database server may lose the views of
    its last fraction of a second, never a post. That wait was the larger part of
    counting a view. Inside a transaction, which the caller's other writes share,
    the transaction keeps its own setting.
    """
    table = connection.ops.quote_name(Thread._meta.db_table)
    params = [thread_id]
    update = f"UPDATE {table} SET view_count = view_count + 1 WHERE id = %s"  # noqa: S608  (our own SQL)
    with connection.cursor() as cursor:
        if not connection.features.can_return_columns_from_insert:  # no UPDATE … RETURNING (SQLite < 3.35)
            cursor.execute(update, params)
            if cursor.rowcount != 1:
                return None
            cursor.execute(f"SELECT view_count FROM {table} WHERE id = %s", [thread_id])  # noqa: S608
        elif connection.vendor == "postgresql" and connection.get_autocommit():
            cursor.execute(f"{update} RETURNING view_count, set_config('synchronous_commit', 'off', true)", params)
        else:
            cursor.execute(f"{update} RETURNING view_count", params)
        row = cursor.fetchone()
    return None if row is None else row[0]


@transaction.atomic
def theme_ensure(*, slug: str, name: str, description: str = "", position: int = 0) -> tuple[Theme, bool]:
    """The theme with ``slug``, created if missing. Returns it and whether it was created."""
    return Theme.objects.get_or_create(
        slug=slug, defaults={"name": name, "description": description, "position": position}
    )


@transaction.atomic
def page_ensure(*, slug: str, title: str, body: str) -> tuple[Page, bool]:
    """The site page with ``slug``, created with this text if missing; an edited page is left alone."""
    page = Page.objects.filter(slug=slug).first()
    if page:
        return page, False
    page = Page(slug=slug, title=title, body=body)
    page.save()
    return page, True


@transaction.atomic
def thread_import(
    *, theme: Theme, author: User, title: str, body: str, created_at: datetime, view_count: int, replies: list[dict]
) -> Thread:
    """
    Carry over a thread from the old network with its replies, dates and view
    count. Not a member action, so no permission applies: only management
    commands call this.
    """
    thread = _thread_insert(
        author=author, theme=theme, title=title, body=body, created_at=created_at, view_count=view_count
    )
    for reply in sorted(replies, key=lambda reply: reply["created_at"]):
        reply_import(thread=thread, **reply)
    thread.refresh_from_db()
    return thread


@transaction.atomic
def reply_import(*, thread: Thread, author: User, body: str, created_at: datetime | None = None) -> Reply:
    """Carry over a reply from the old network; management commands only, no permission applies."""
    return _reply_insert(thread=thread, author=author, body=body, created_at=created_at)


@transaction.atomic
def mentions_of_closing_member(*, member: User) -> int:
    """
    The posts that mention ``member``, whose account is being closed, show "former member" as
    text where the link to their profile was: called while the account still has its name and
    address (the forum's erase part, ``forum.privacy``), so the mentions are found as they were made.
    Not a member action: the closing account's own service calls it. Returns how many posts changed.
    """
    link = f'href="{member.get_absolute_url()}"'
    changed = 0
    for model, fields in ((Thread, ("pk", "body", "body_html")), (Reply, ("pk", "thread_id", "body", "body_html"))):
        for post in model.objects.filter(body_html__contains=link).only(*fields):
            html = render_markdown(post.body, closing_member_ids={member.pk})
            if html != post.body_html:
                post.body_html = html
                post.save(update_fields=["body_html"])  # saved, so what follows saves (search's index) follows
                changed += 1
    return changed
