"""
Every change to the forum goes through these functions: views, admin actions,
management commands and tests alike. Each checks permission first, runs in one
transaction, and writes a moderation log row for moderation acts.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import permissions as account_permissions
from notifications import tasks as notification_tasks

from . import permissions
from .models import (
    Capacity,
    ModerationAction,
    ModerationLog,
    Page,
    ProblemReport,
    Reply,
    Revision,
    Status,
    Theme,
    Thread,
    ThreadFollow,
)


def _log(*, actor, action: str, target, reason: str = "", data: dict | None = None) -> ModerationLog:
    return ModerationLog.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_repr=str(target)[:250],
        reason=reason,
        data=data or {},
    )


def _authorship(*, author, capacity: str, as_account) -> dict:
    """
    Who a post is shown under and in which capacity. Posting as an organisation
    account shows the account and keeps the member as ``written_by``; speaking on
    behalf of an organisation needs its administrators' permission.
    """
    if as_account is not None:
        account_permissions.check_post_as(author, as_account)
        return {
            "author": as_account,
            "written_by": author,
            "capacity": Capacity.ORGANISATION,
            "on_behalf_of": as_account.organisation,
        }
    if capacity not in Capacity.values:
        raise ValueError(f"Unknown capacity {capacity!r}")
    if capacity == Capacity.ORGANISATION:
        account_permissions.check_speak_for_organisation(author)
        return {"author": author, "written_by": None, "capacity": capacity, "on_behalf_of": author.organisation}
    return {"author": author, "written_by": None, "capacity": capacity, "on_behalf_of": None}


@transaction.atomic
def thread_create(
    *, author, theme: Theme, title: str, body: str, capacity: str = Capacity.PERSONAL, as_account=None
) -> Thread:
    """Start a thread in ``theme``, in the capacity the author chose, or as an organisation account."""
    permissions.check_create_thread(author, theme)
    thread = _thread_insert(
        theme=theme, title=title, body=body, **_authorship(author=author, capacity=capacity, as_account=as_account)
    )
    # Authors follow their own thread; the member who wrote it for an organisation account does.
    ThreadFollow.objects.get_or_create(member=author, thread=thread)
    transaction.on_commit(lambda: notification_tasks.thread_posted.enqueue(thread.pk), robust=True)
    return thread


def _thread_insert(*, author, theme, title, body, created_at=None, view_count=0, **authorship) -> Thread:
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
    thread.save()
    return thread


@transaction.atomic
def reply_create(*, author, thread: Thread, body: str, capacity: str = Capacity.PERSONAL, as_account=None) -> Reply:
    """Reply to ``thread``; the thread's counters move in the database, not in Python."""
    permissions.check_reply(author, thread)
    reply = _reply_insert(
        thread=thread, body=body, **_authorship(author=author, capacity=capacity, as_account=as_account)
    )
    transaction.on_commit(lambda: notification_tasks.reply_posted.enqueue(reply.pk), robust=True)
    return reply


def _reply_insert(*, author, thread, body, created_at=None, **authorship) -> Reply:
    now = created_at or timezone.now()
    reply = Reply(thread=thread, author=author, body=body, created_at=now, **authorship)
    reply.render()
    reply.save()
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1)
    Thread.objects.filter(pk=thread.pk, last_activity_at__lt=now).update(last_activity_at=now)
    return reply


def _new_capacity(*, acting_user, post, capacity):
    """The capacity after an edit. Organisation-account posts keep theirs; only the author changes it."""
    if capacity is None or capacity == post.capacity or post.written_by_id is not None:
        return post.capacity, post.on_behalf_of
    if not permissions.is_own_post(acting_user, post):
        raise PermissionDenied
    authorship = _authorship(author=acting_user, capacity=capacity, as_account=None)
    return authorship["capacity"], authorship["on_behalf_of"]


def _edit(*, acting_user, post, changes: dict, capacity, revision: dict) -> bool:
    new_capacity, on_behalf_of = _new_capacity(acting_user=acting_user, post=post, capacity=capacity)
    if all(getattr(post, field) == value for field, value in changes.items()) and new_capacity == post.capacity:
        return False
    Revision.objects.create(**revision, body=post.body, capacity=post.capacity, edited_by=acting_user)
    for field, value in changes.items():
        setattr(post, field, value)
    post.capacity, post.on_behalf_of, post.edited_at = new_capacity, on_behalf_of, timezone.now()
    post.render()
    post.save(update_fields=[*changes, "body_html", "capacity", "on_behalf_of", "edited_at"])
    if not permissions.is_own_post(acting_user, post):
        _log(actor=acting_user, action=ModerationAction.EDIT, target=post)
    return True


@transaction.atomic
def thread_edit(*, acting_user, thread: Thread, title: str, body: str, capacity: str | None = None) -> bool:
    """Change a thread's title, text or capacity, keeping the old ones as a revision."""
    permissions.check_edit_thread(acting_user, thread)
    return _edit(
        acting_user=acting_user,
        post=thread,
        changes={"title": title, "body": body},
        capacity=capacity,
        revision={"thread": thread, "title": thread.title},
    )


@transaction.atomic
def reply_edit(*, acting_user, reply: Reply, body: str, capacity: str | None = None) -> bool:
    """Change a reply's text or capacity, keeping the old ones as a revision."""
    permissions.check_edit_reply(acting_user, reply)
    return _edit(
        acting_user=acting_user, post=reply, changes={"body": body}, capacity=capacity, revision={"reply": reply}
    )


@transaction.atomic
def thread_move(*, acting_user, thread: Thread, theme: Theme, reason: str = "") -> bool:
    """Move a thread to another theme. Returns whether it moved."""
    permissions.check_moderate(acting_user)
    old_theme_id = thread.theme_id
    if not Thread.objects.filter(pk=thread.pk).exclude(theme=theme).update(theme=theme):
        return False
    thread.theme = theme
    _log(
        actor=acting_user,
        action=ModerationAction.MOVE,
        target=thread,
        reason=reason,
        data={"from_theme": old_theme_id, "to_theme": theme.pk},
    )
    return True


def _set_hidden(*, acting_user, post, hidden: bool, reason: str) -> bool:
    permissions.check_moderate(acting_user)
    model = type(post)
    wanted, current = (Status.HIDDEN, Status.PUBLISHED) if hidden else (Status.PUBLISHED, Status.HIDDEN)
    changes = {"status": wanted}
    if hidden:
        changes.update(hidden_at=timezone.now(), hidden_by=acting_user, hidden_reason=reason)
    # The state moves in one conditional UPDATE: two moderators acting at once
    # change it once, and log it once.
    if not model.objects.filter(pk=post.pk, status=current).update(**changes):
        return False
    if isinstance(post, Reply):
        delta = -1 if hidden else 1
        Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") + delta)
    post.refresh_from_db()
    _log(
        actor=acting_user,
        action=ModerationAction.HIDE if hidden else ModerationAction.RESTORE,
        target=post,
        reason=reason,
    )
    return True


@transaction.atomic
def post_hide(*, acting_user, post: Thread | Reply, reason: str) -> bool:
    """Hide a thread or reply from everyone but moderators. Returns whether it changed."""
    return _set_hidden(acting_user=acting_user, post=post, hidden=True, reason=reason)


@transaction.atomic
def post_restore(*, acting_user, post: Thread | Reply, reason: str = "") -> bool:
    """Show a hidden thread or reply again. Returns whether it changed."""
    return _set_hidden(acting_user=acting_user, post=post, hidden=False, reason=reason)


def _set_flag(*, acting_user, thread: Thread, field: str, value: bool, action: str, reason: str) -> bool:
    permissions.check_moderate(acting_user)
    if not Thread.objects.filter(pk=thread.pk).exclude(**{field: value}).update(**{field: value}):
        return False
    setattr(thread, field, value)
    _log(actor=acting_user, action=action, target=thread, reason=reason)
    return True


@transaction.atomic
def thread_lock(*, acting_user, thread: Thread, reason: str = "") -> bool:
    return _set_flag(
        acting_user=acting_user,
        thread=thread,
        field="is_locked",
        value=True,
        action=ModerationAction.LOCK,
        reason=reason,
    )


@transaction.atomic
def thread_unlock(*, acting_user, thread: Thread, reason: str = "") -> bool:
    return _set_flag(
        acting_user=acting_user,
        thread=thread,
        field="is_locked",
        value=False,
        action=ModerationAction.UNLOCK,
        reason=reason,
    )


@transaction.atomic
def thread_pin(*, acting_user, thread: Thread, reason: str = "") -> bool:
    return _set_flag(
        acting_user=acting_user,
        thread=thread,
        field="is_pinned",
        value=True,
        action=ModerationAction.PIN,
        reason=reason,
    )


@transaction.atomic
def thread_unpin(*, acting_user, thread: Thread, reason: str = "") -> bool:
    return _set_flag(
        acting_user=acting_user,
        thread=thread,
        field="is_pinned",
        value=False,
        action=ModerationAction.UNPIN,
        reason=reason,
    )


def thread_register_view(*, thread: Thread, session) -> bool:
    """
    Count a view of ``thread`` once per visitor session. The counter is
    incremented in the database (``F()``), so concurrent views are all counted.
    """
    key = "forum_viewed_threads"
    seen = session.get(key, [])
    if thread.pk in seen:
        return False
    Thread.objects.filter(pk=thread.pk).update(view_count=F("view_count") + 1)
    # Keep the list bounded: the oldest entries fall off after 500 threads.
    session[key] = [*seen[-499:], thread.pk]
    thread.view_count += 1
    return True


@transaction.atomic
def problem_report_file(*, reporter, message: str, page_url: str = "", contact_email: str = "") -> ProblemReport:
    """Store a report from the footer form; visitors may file one too."""
    return ProblemReport.objects.create(
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        message=message,
        page_url=page_url,
        contact_email=contact_email,
    )


@transaction.atomic
def problem_report_close(*, acting_user, report: ProblemReport, reason: str = "") -> bool:
    permissions.check_moderate(acting_user)
    if not ProblemReport.objects.filter(pk=report.pk, state=ProblemReport.State.OPEN).update(
        state=ProblemReport.State.CLOSED
    ):
        return False
    report.state = ProblemReport.State.CLOSED
    _log(actor=acting_user, action=ModerationAction.REPORT_CLOSE, target=report, reason=reason)
    return True


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
    *, theme: Theme, author, title: str, body: str, created_at, view_count: int, replies: list[dict]
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
def reply_import(*, thread: Thread, author, body: str, created_at=None) -> Reply:
    """Carry over a reply from the old network; management commands only, no permission applies."""
    return _reply_insert(thread=thread, author=author, body=body, created_at=created_at)


def thread_mark_read(*, member, thread: Thread, until) -> None:
    """
    Record that ``member`` has read ``thread`` up to ``until`` (its ``last_activity_at`` as they
    saw it); for visitors there is nothing to record.

    One ``ThreadVisit`` row per member per thread, and it only moves forward. Always the same
    two statements, so the thread page costs the same whatever was read: an INSERT that yields
    to an existing row (the unique constraint), then an UPDATE only where the row is older.
    Each statement is atomic on its own and their order makes concurrent visits safe, so no
    transaction is opened: this runs on every page a member reads.
    """
    from .models import ThreadVisit

    if not account_permissions.is_member(member):
        return
    permissions.check_view_thread(member, thread)
    ThreadVisit.objects.bulk_create(
        [ThreadVisit(member=member, thread=thread, last_read_at=until)],
        ignore_conflicts=True,
    )
    ThreadVisit.objects.filter(member=member, thread=thread, last_read_at__lt=until).update(last_read_at=until)


def _reaction_target(post) -> dict:
    return {"reply": post} if isinstance(post, Reply) else {"thread": post}


@transaction.atomic
def reaction_toggle(*, member, post: Thread | Reply, appreciate: bool | None = None) -> bool:
    """
    Appreciate ``post`` ("waarderen") or take the appreciation back; returns
    whether ``member`` now appreciates it. ``appreciate`` asks for a state (the
    one the button offered, so a double click changes nothing); ``None`` toggles.
    The post's ``reaction_count`` moves in the database, in this transaction and
    only when a row really was added or removed, so it stays exact under
    concurrency. The author hears of it after the commit, bundled per post.
    """
    from django.db import IntegrityError

    from .models import Reaction

    permissions.check_react(member, post)
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
            transaction.on_commit(lambda: _notify_reaction(member=member, post=post), robust=True)
    elif mine.delete()[0]:
        counter.update(reaction_count=F("reaction_count") - 1)
    post.refresh_from_db(fields=["reaction_count"])
    return appreciate


def _notify_reaction(*, member, post) -> None:
    """
    Tell the author, in one unread notification per post. An organisation
    account's post was written by a member: that member hears of it (nobody
    reads an organisation account's notifications).
    """
    from notifications.models import Kind
    from notifications.services import notify

    is_reply = isinstance(post, Reply)
    notify(
        recipient=post.written_by or post.author,
        kind=Kind.REACTION,
        actor=member,
        thread=post.thread if is_reply else post,
        reply=post if is_reply else None,
        group_key=f"reaction:{'reply' if is_reply else 'thread'}:{post.pk}",
    )


def _follow_toggle(model, *, follow: bool | None, **fields) -> bool:
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
def thread_follow_toggle(*, member, thread: Thread, follow: bool | None = None) -> bool:
    """Follow ``thread`` or stop following it; returns whether ``member`` now follows it."""
    permissions.check_follow_thread(member, thread)
    return _follow_toggle(ThreadFollow, follow=follow, member=member, thread=thread)


@transaction.atomic
def theme_follow_toggle(*, member, theme: Theme, follow: bool | None = None) -> bool:
    """Follow ``theme`` (its new threads and replies) or stop; returns whether ``member`` now follows it."""
    from .models import ThemeFollow

    permissions.check_follow_theme(member, theme)
    return _follow_toggle(ThemeFollow, follow=follow, member=member, theme=theme)
