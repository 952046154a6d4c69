"""
The permission matrix for every moderation act.

Each act is tried through its real URL with the CSRF-enforcing client, and through its
service, by a visitor (sent to the login page), a plain member and a moderator limited to
another theme (refused), by a moderator of the post's theme (acts on posts only) and by a
moderator of the whole site. A refusal changes nothing, logs nothing and tells nobody; a
success changes the item and writes the act's log rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts import services as account_services
from accounts.models import Approval, SiteSettings, User
from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum import permissions, services
from forum.models import ContentKind, Reply, Revision, Status, Theme, Thread
from moderation import services as moderation_services
from moderation.models import ModeratorNote, Objection, ProblemReport, Report, ReportReason, Sanction
from moderation.services import sanctions
from notifications.models import Notification

from .factories import ModeratorFactory, ReplyFactory, ThemeFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
# The CSRF cookie holds a secret; a form may send the same 32 characters back unmasked.
CSRF_SECRET = ("permissionmatrix" * 2)[:32]

VISITOR, MEMBER, OTHER_THEME_MODERATOR, THEME_MODERATOR, SITE_MODERATOR = (
    "visitor",
    "member",
    "moderator of another theme",
    "moderator of the theme",
    "moderator of the whole site",
)
ROLES = [VISITOR, MEMBER, OTHER_THEME_MODERATOR, THEME_MODERATOR, SITE_MODERATOR]
THEME, SITE = "theme", "site"  # who may act: the post's theme's moderators, or only moderators of the whole site


@dataclass
class World:
    """A theme with a member's thread and a reply, another theme, and a moderator who took earlier decisions."""

    theme: Theme
    other_theme: Theme
    author: User
    reporter: User
    decider: User
    thread: Thread
    reply: Reply
    items: dict = field(default_factory=dict)


@pytest.fixture
def world(db):
    theme, other_theme = ThemeFactory(), ThemeFactory()
    author, reporter = UserFactory(), UserFactory()
    thread = ThreadFactory(theme=theme, author=author)
    reply = ReplyFactory(thread=thread, author=UserFactory())
    return World(theme, other_theme, author, reporter, ModeratorFactory(), thread, reply)


def _actor(role, world):
    if role == VISITOR:
        return AnonymousUser()
    if role == MEMBER:
        return UserFactory()
    moderator = ModeratorFactory()
    if role == OTHER_THEME_MODERATOR:
        world.other_theme.moderators.add(moderator)
    elif role == THEME_MODERATOR:
        world.theme.moderators.add(moderator)
    return moderator


def _expected(scope, role):
    if role == VISITOR:
        return "login"
    if role == SITE_MODERATOR or (role == THEME_MODERATOR and scope == THEME):
        return "ok"
    return "refused"


def _snapshot():
    """Everything a refused act must leave alone."""
    return (
        list(
            Thread.objects.order_by("pk").values_list(
                "pk",
                "theme_id",
                "title",
                "body",
                "status",
                "is_locked",
                "is_pinned",
                "closes_at",
                "slow_mode_seconds",
                "reply_count",
                "edited_at",
            )
        ),
        list(Reply.objects.order_by("pk").values_list("pk", "body", "status", "edited_at")),
        list(Report.objects.order_by("pk").values_list("pk", "state")),
        list(Objection.objects.order_by("pk").values_list("pk", "state")),
        list(Sanction.objects.order_by("pk").values_list("pk", "kind", "lifted_at")),
        list(User.objects.order_by("pk").values_list("pk", "approval")),
        list(ProblemReport.objects.order_by("pk").values_list("pk", "state")),
        ModeratorNote.objects.count(),
        Revision.objects.count(),
    )


# --- setting up the item each act works on ------------------------------------------------------


def _thread(world):
    return {"target": world.thread}


def _reply(world):
    return {"target": world.reply}


def _hidden(post_of):
    def setup(world):
        post = post_of(world)
        moderation_services.post_hide(acting_user=world.decider, post=post, reason="Spam")
        return {"target": type(post).objects.get(pk=post.pk)}

    return setup


def _flagged(service):
    def setup(world):
        service(acting_user=world.decider, thread=world.thread)
        return {"target": Thread.objects.get(pk=world.thread.pk)}

    return setup


def _reported(target_of):
    def setup(world):
        target = target_of(world)
        moderation_services.report_file(reporter=world.reporter, target=target, reason=ReportReason.INSULTING)
        return {"target": type(target).objects.get(pk=target.pk)}

    return setup


def _hide_objection(world):
    moderation_services.post_hide(acting_user=world.decider, post=world.thread, reason="Vertrouwelijk")
    decision = ModerationLog.objects.get(action=ModerationAction.HIDE, target_id=world.thread.pk)
    objection = moderation_services.objection_file(
        member=world.author, decision=decision, text="Er stond niets geheims in."
    )
    return {"target": objection}


def _measure_objection(world):
    sanctions.member_sanction(acting_user=world.decider, member=world.author, kind="suspension", reason="Beledigend")
    decision = ModerationLog.objects.get(action=ModerationAction.SUSPEND, target_id=world.author.pk)
    objection = moderation_services.objection_file(member=world.author, decision=decision, text="Ik was het niet.")
    return {"target": objection}


def _member(world):
    return {"target": world.author}


def _suspended(world):
    sanction = sanctions.member_sanction(
        acting_user=world.decider, member=world.author, kind="suspension", reason="Afkoelen"
    )
    return {"target": world.author, "sanction": sanction}


def _applicant(world):
    return {"target": UserFactory(approval=Approval.PENDING)}


def _held_thread(world):
    Theme.objects.filter(pk=world.theme.pk).update(is_premoderated=True)
    world.theme.refresh_from_db()
    thread = services.thread_create(author=world.author, theme=world.theme, title="Wachtend", body="Mag dit?")
    assert thread.status == Status.HELD
    return {"target": thread}


def _held_reply(world):
    Theme.objects.filter(pk=world.theme.pk).update(is_premoderated=True)
    thread = Thread.objects.select_related("theme").get(pk=world.thread.pk)
    reply = services.reply_create(author=world.author, thread=thread, body="Wacht op goedkeuring.")
    assert reply.status == Status.HELD
    return {"target": Reply.objects.select_related("thread").get(pk=reply.pk)}


# --- what each act changes, read back from the database -----------------------------------------


def _status(ctx):
    ctx["target"].refresh_from_db()
    return ctx["target"].status


def _thread_fields(*names):
    def observe(ctx):
        ctx["target"].refresh_from_db()
        return tuple(getattr(ctx["target"], name) for name in names)

    return observe


def _post_text(ctx):
    ctx["target"].refresh_from_db()
    return (getattr(ctx["target"], "title", ""), ctx["target"].body)


def _reports_and_status(ctx):
    target = ctx["target"]
    reports = list(Report.objects.filter(**{_report_field(target): target}).values_list("state", flat=True))
    target.refresh_from_db()
    return (reports, getattr(target, "status", None))


def _report_field(target):
    return {Thread: "thread", Reply: "reply", User: "member"}[type(target)]


def _objection_state(ctx):
    ctx["target"].refresh_from_db()
    return ctx["target"].state


def _measures(ctx):
    return list(Sanction.objects.filter(member=ctx["target"]).values_list("kind", "lifted_at"))


def _notes(ctx):
    return ModeratorNote.objects.filter(member=ctx["target"]).count()


def _approval(ctx):
    ctx["target"].refresh_from_db()
    return ctx["target"].approval


# --- the acts -----------------------------------------------------------------------------------


def _kind(target):
    return {Thread: ContentKind.THREAD, Reply: ContentKind.REPLY, User: ContentKind.MEMBER}[type(target)]


@dataclass(frozen=True)
class Act:
    name: str
    scope: str
    setup: Callable
    url: Callable
    data: Callable
    observe: Callable
    logged: tuple
    service: Callable

    def __str__(self):
        return self.name


def _thread_act(name, action, setup, observe, logged, service, data=None):
    return Act(
        name,
        THEME,
        setup,
        lambda ctx: reverse("moderation:thread_moderate", args=[ctx["target"].pk, action]),
        lambda ctx: data or {"reason": "Zo beter"},
        observe,
        logged,
        service,
    )


def _reply_act(name, action, setup, logged, service):
    return Act(
        name,
        THEME,
        setup,
        lambda ctx: reverse("moderation:reply_moderate", args=[ctx["target"].pk, action]),
        lambda ctx: {"reason": "Zo beter"},
        _status,
        logged,
        service,
    )


def _report_act(name, scope, setup, decision, logged):
    uphold = decision == "uphold"
    return Act(
        name,
        scope,
        setup,
        lambda ctx: reverse("moderation:report_decide", args=[_kind(ctx["target"]), ctx["target"].pk, decision]),
        lambda ctx: {"note": "Bekeken"},
        _reports_and_status,
        logged,
        lambda actor, ctx: moderation_services.reports_resolve(
            acting_user=actor, target=ctx["target"], uphold=uphold, note="Bekeken"
        ),
    )


def _measure_act(name, kind, logged, extra=None):
    return Act(
        name,
        SITE,
        _member,
        lambda ctx: reverse("moderation:member_moderation", kwargs={"handle": ctx["target"].handle}),
        lambda ctx: {"action": kind, f"{kind}-reason": "Herhaaldelijk beledigend", f"{kind}-rule": "", **(extra or {})},
        _measures,
        logged,
        lambda actor, ctx: sanctions.member_sanction(
            acting_user=actor, member=ctx["target"], kind=kind, reason="Herhaaldelijk beledigend"
        ),
    )


def _objection_act(name, scope, setup, decision, logged):
    note = "Terecht besloten" if decision == "reject" else "U hebt gelijk"
    return Act(
        name,
        scope,
        setup,
        lambda ctx: reverse("moderation:objection_decide", args=[ctx["target"].pk]),
        lambda ctx: {"decision": decision, "note": note},
        _objection_state,
        logged,
        lambda actor, ctx: moderation_services.objection_decide(
            acting_user=actor, objection=ctx["target"], uphold=decision == "uphold", note=note
        ),
    )


def _held_act(name, setup, decision, logged):
    reason = "Past niet bij dit thema" if decision == "reject" else ""

    def service(actor, ctx):
        if decision == "approve":
            return moderation_services.post_approve(acting_user=actor, post=ctx["target"], reason=reason)
        return moderation_services.post_reject(acting_user=actor, post=ctx["target"], reason=reason)

    return Act(
        name,
        THEME,
        setup,
        lambda ctx: reverse("moderation:held_decide", args=[_kind(ctx["target"]), ctx["target"].pk, decision]),
        lambda ctx: {"reason": reason},
        _status,
        logged,
        service,
    )


A = ModerationAction
ACTS = [
    _thread_act(
        "hide thread",
        "hide",
        _thread,
        _status,
        (A.HIDE,),
        lambda actor, ctx: moderation_services.post_hide(acting_user=actor, post=ctx["target"], reason="Spam"),
    ),
    _thread_act(
        "restore thread",
        "restore",
        _hidden(lambda world: world.thread),
        _status,
        (A.RESTORE,),
        lambda actor, ctx: moderation_services.post_restore(acting_user=actor, post=ctx["target"]),
    ),
    _reply_act(
        "hide reply",
        "hide",
        _reply,
        (A.HIDE,),
        lambda actor, ctx: moderation_services.post_hide(acting_user=actor, post=ctx["target"], reason="Spam"),
    ),
    _reply_act(
        "restore reply",
        "restore",
        _hidden(lambda world: world.reply),
        (A.RESTORE,),
        lambda actor, ctx: moderation_services.post_restore(acting_user=actor, post=ctx["target"]),
    ),
    _thread_act(
        "lock",
        "lock",
        _thread,
        _thread_fields("is_locked"),
        (A.LOCK,),
        lambda actor, ctx: moderation_services.thread_lock(acting_user=actor, thread=ctx["target"]),
    ),
    _thread_act(
        "unlock",
        "unlock",
        _flagged(moderation_services.thread_lock),
        _thread_fields("is_locked"),
        (A.UNLOCK,),
        lambda actor, ctx: moderation_services.thread_unlock(acting_user=actor, thread=ctx["target"]),
    ),
    _thread_act(
        "pin",
        "pin",
        _thread,
        _thread_fields("is_pinned"),
        (A.PIN,),
        lambda actor, ctx: moderation_services.thread_pin(acting_user=actor, thread=ctx["target"]),
    ),
    _thread_act(
        "unpin",
        "unpin",
        _flagged(moderation_services.thread_pin),
        _thread_fields("is_pinned"),
        (A.UNPIN,),
        lambda actor, ctx: moderation_services.thread_unpin(acting_user=actor, thread=ctx["target"]),
    ),
    _thread_act(
        "closing date",
        "close-at",
        _thread,
        _thread_fields("closes_at"),
        (A.CLOSE_AT,),
        lambda actor, ctx: moderation_services.thread_close_at(
            acting_user=actor, thread=ctx["target"], closes_at=timezone.now() + timedelta(days=3), reason=""
        ),
        data={"closes_at": "2030-01-01T12:00", "reason": "Afgerond"},
    ),
    _thread_act(
        "slow mode",
        "slow-mode",
        _thread,
        _thread_fields("slow_mode_seconds"),
        (A.SLOW_MODE,),
        lambda actor, ctx: moderation_services.thread_slow_mode(
            acting_user=actor, thread=ctx["target"], seconds=120, reason=""
        ),
        data={"minutes": "2", "reason": "Rustig aan"},
    ),
    Act(
        "moderator edits thread",
        THEME,
        _thread,
        lambda ctx: reverse("forum:thread_edit", args=[ctx["target"].pk]),
        lambda ctx: {"title": "Aangepaste titel", "body": "Zonder persoonsgegevens.", "note": "Naam weggehaald"},
        _post_text,
        (A.EDIT,),
        lambda actor, ctx: services.thread_edit(
            acting_user=actor, thread=ctx["target"], title="Aangepaste titel", body="Zonder persoonsgegevens."
        ),
    ),
    Act(
        "moderator edits reply",
        THEME,
        _reply,
        lambda ctx: reverse("forum:reply_edit", args=[ctx["target"].pk]),
        lambda ctx: {"body": "Zonder persoonsgegevens.", "note": "Naam weggehaald"},
        _post_text,
        (A.EDIT,),
        lambda actor, ctx: services.reply_edit(acting_user=actor, reply=ctx["target"], body="Zonder persoonsgegevens."),
    ),
    _report_act("uphold reports on thread", THEME, _reported(lambda w: w.thread), "uphold", (A.HIDE, A.REPORT_UPHOLD)),
    _report_act("dismiss reports on thread", THEME, _reported(lambda w: w.thread), "dismiss", (A.REPORT_DISMISS,)),
    _report_act("uphold reports on reply", THEME, _reported(lambda w: w.reply), "uphold", (A.HIDE, A.REPORT_UPHOLD)),
    _report_act("dismiss reports on reply", THEME, _reported(lambda w: w.reply), "dismiss", (A.REPORT_DISMISS,)),
    _report_act("uphold reports on member", SITE, _reported(lambda w: w.author), "uphold", (A.REPORT_UPHOLD,)),
    _report_act("dismiss reports on member", SITE, _reported(lambda w: w.author), "dismiss", (A.REPORT_DISMISS,)),
    _measure_act("warn", Sanction.Kind.WARNING, (A.WARN,)),
    _measure_act("suspend", Sanction.Kind.SUSPENSION, (A.SUSPEND,), {"suspension-until_date": ""}),
    _measure_act("ban", Sanction.Kind.BAN, (A.BAN,)),
    Act(
        "lift a measure",
        SITE,
        _suspended,
        lambda ctx: reverse(
            "moderation:member_sanction_lift", kwargs={"handle": ctx["target"].handle, "pk": ctx["sanction"].pk}
        ),
        lambda ctx: {f"lift-{ctx['sanction'].pk}-reason": "Vergissing"},
        _measures,
        (A.SANCTION_LIFT,),
        lambda actor, ctx: sanctions.sanction_lift(acting_user=actor, sanction=ctx["sanction"], reason="Vergissing"),
    ),
    # A private note is no decision: it is kept with the member, not in the moderation log.
    Act(
        "moderator note",
        SITE,
        _member,
        lambda ctx: reverse("moderation:member_moderation", kwargs={"handle": ctx["target"].handle}),
        lambda ctx: {"action": "note", "note-text": "Eerder gewaarschuwd via e-mail."},
        _notes,
        (),
        lambda actor, ctx: sanctions.moderator_note_add(acting_user=actor, member=ctx["target"], text="Let op."),
    ),
    _objection_act("reject objection to hiding", THEME, _hide_objection, "reject", (A.OBJECTION_REJECT,)),
    _objection_act("uphold objection to hiding", THEME, _hide_objection, "uphold", (A.RESTORE, A.OBJECTION_UPHOLD)),
    _objection_act("reject objection to a measure", SITE, _measure_objection, "reject", (A.OBJECTION_REJECT,)),
    _objection_act(
        "uphold objection to a measure", SITE, _measure_objection, "uphold", (A.SANCTION_LIFT, A.OBJECTION_UPHOLD)
    ),
    Act(
        "approve application",
        SITE,
        _applicant,
        lambda ctx: reverse("accounts:application_decide", kwargs={"pk": ctx["target"].pk, "decision": "goedkeuren"}),
        lambda ctx: {},
        _approval,
        (A.MEMBER_APPROVE,),
        lambda actor, ctx: account_services.member_approve(acting_user=actor, member=ctx["target"]),
    ),
    Act(
        "refuse application",
        SITE,
        _applicant,
        lambda ctx: reverse("accounts:application_decide", kwargs={"pk": ctx["target"].pk, "decision": "afwijzen"}),
        lambda ctx: {"reason": "Geen ambtenaar"},
        _approval,
        (A.MEMBER_REFUSE,),
        lambda actor, ctx: account_services.member_refuse(
            acting_user=actor, member=ctx["target"], reason="Geen ambtenaar"
        ),
    ),
    _held_act("approve held thread", _held_thread, "approve", (A.APPROVE,)),
    _held_act("reject held thread", _held_thread, "reject", (A.REJECT,)),
    _held_act("approve held reply", _held_reply, "approve", (A.APPROVE,)),
    _held_act("reject held reply", _held_reply, "reject", (A.REJECT,)),
]


def _cases():
    return [pytest.param(act, role, id=f"{act}-{role}") for act in ACTS for role in ROLES]


def _csrf_client(actor):
    """A client that enforces CSRF like a browser session would meet it, with a valid token."""
    client = Client(enforce_csrf_checks=True)
    if actor.is_authenticated:
        client.force_login(actor)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


def _new_log_actions(logs_before):
    return sorted(ModerationLog.objects.filter(pk__gt=logs_before).values_list("action", flat=True))


def _last_log_pk():
    return ModerationLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize(("act", "role"), _cases())
def test_act_through_its_url(world, act, role, django_capture_on_commit_callbacks):
    """The real URL and form: refused (nothing changes, nothing logged, nobody told) or done and logged."""
    ctx = act.setup(world)
    actor = _actor(role, world)
    client = _csrf_client(actor)
    before, observed, last_log = _snapshot(), act.observe(ctx), _last_log_pk()
    notifications = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(act.url(ctx), {**act.data(ctx), "csrfmiddlewaretoken": CSRF_SECRET})

    expected = _expected(act.scope, role)
    if expected == "ok":
        assert response.status_code == HTTPStatus.FOUND
        assert not response.url.startswith(LOGIN_URL)
        assert act.observe(ctx) != observed
        assert _new_log_actions(last_log) == sorted(act.logged)
        assert set(ModerationLog.objects.filter(pk__gt=last_log).values_list("actor", flat=True)) <= {actor.pk}
        errors = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        assert errors == []
        return
    if expected == "login":
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(LOGIN_URL)
    else:
        assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    assert act.observe(ctx) == observed
    assert _snapshot() == before
    assert _last_log_pk() == last_log
    assert Notification.objects.count() == notifications


@pytest.mark.parametrize(("act", "role"), _cases())
def test_act_through_its_service(world, act, role, django_capture_on_commit_callbacks):
    """The service decides the same on its own, whoever calls it (views, admin, commands)."""
    ctx = act.setup(world)
    actor = _actor(role, world)
    before, observed, last_log = _snapshot(), act.observe(ctx), _last_log_pk()
    notifications = Notification.objects.count()

    if _expected(act.scope, role) == "ok":
        with django_capture_on_commit_callbacks(execute=True):
            assert act.service(actor, ctx)
        assert act.observe(ctx) != observed
        assert _new_log_actions(last_log) == sorted(act.logged)
        return
    with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
        act.service(actor, ctx)
    assert act.observe(ctx) == observed
    assert _snapshot() == before
    assert _last_log_pk() == last_log
    assert Notification.objects.count() == notifications


def test_every_moderation_act_is_in_the_matrix():
    """A new kind of moderator decision on posts or members needs a row above (or a reason it has none here)."""
    covered = {action for act in ACTS for action in act.logged}
    # Moved in the tests below (the admin is its only form); automatic or administrators' acts have no moderator.
    # Renaming and merging tags act on neither posts nor members: forum/tests/test_tags.py tries them for
    # members, theme moderators and moderators of the whole site, through the services and the page.
    elsewhere = {A.MOVE, A.REPORT_CLOSE, A.TAG_RENAME, A.TAG_MERGE}
    automatic_or_administrative = {
        "auto_hide",
        "hold",
        "watched_word_refuse",
        "moderator_grant",
        "moderator_revoke",
        "account_delete",
    }
    assert set(A.values) - covered - elsewhere - automatic_or_administrative == set()


def test_a_valid_act_without_the_csrf_token_is_refused(world):
    """The successes above carry the token: without it the same request by a site moderator is 403."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(ModeratorFactory())
    before = _snapshot()
    response = client.post(reverse("moderation:thread_moderate", args=[world.thread.pk, "lock"]), {"reason": ""})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _snapshot() == before


# --- moving a thread: both themes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("listed_on", "allowed"),
    [
        ((), True),  # the whole site
        (("from", "to"), True),
        (("from",), False),
        (("to",), False),
        (("third",), False),
    ],
    ids=["site-wide", "both themes", "only the current theme", "only the destination", "another theme"],
)
def test_moving_needs_both_the_current_and_the_destination_theme(world, listed_on, allowed):
    """A moderator limited to themes moves a thread only from one of their themes to another."""
    moderator = ModeratorFactory()
    themes = {"from": world.theme, "to": world.other_theme, "third": ThemeFactory()}
    for name in listed_on:
        themes[name].moderators.add(moderator)
    before, last_log = _snapshot(), _last_log_pk()
    if not allowed:
        with pytest.raises(PermissionDenied):
            moderation_services.thread_move(acting_user=moderator, thread=world.thread, theme=world.other_theme)
        assert _snapshot() == before and _last_log_pk() == last_log
        return
    assert moderation_services.thread_move(acting_user=moderator, thread=world.thread, theme=world.other_theme)
    world.thread.refresh_from_db()
    assert world.thread.theme == world.other_theme
    assert _new_log_actions(last_log) == [A.MOVE]


@pytest.mark.parametrize("role", [VISITOR, MEMBER])
def test_members_cannot_move_a_thread(world, role):
    actor, before = _actor(role, world), _snapshot()
    with pytest.raises(PermissionDenied):
        moderation_services.thread_move(acting_user=actor, thread=world.thread, theme=world.other_theme)
    assert _snapshot() == before


def _admin_change_data(thread, **changes):
    return {
        "theme": thread.theme_id,
        "title": thread.title,
        "body": thread.body,
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
        **changes,
    }


@pytest.fixture
def staff_theme_moderator(world):
    """A moderator of the thread's theme who also works in the admin (may change threads and problem reports)."""
    moderator = ModeratorFactory(is_staff=True)
    moderator.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="forum", codename__in=["view_thread", "change_thread"])
    )
    world.theme.moderators.add(moderator)
    return moderator


def test_moving_through_the_admin_to_a_theme_not_moderated_is_refused(client, world, staff_theme_moderator):
    """The admin's change form moves through the service: to a theme the moderator does not moderate, 403."""
    client.force_login(staff_theme_moderator)
    before, last_log = _snapshot(), _last_log_pk()
    response = client.post(
        reverse("admin:forum_thread_change", args=[world.thread.pk]),
        _admin_change_data(world.thread, theme=world.other_theme.pk),
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _snapshot() == before and _last_log_pk() == last_log


def test_moving_through_the_admin_between_own_themes(client, world, staff_theme_moderator):
    world.other_theme.moderators.add(staff_theme_moderator)
    client.force_login(staff_theme_moderator)
    last_log = _last_log_pk()
    response = client.post(
        reverse("admin:forum_thread_change", args=[world.thread.pk]),
        _admin_change_data(world.thread, theme=world.other_theme.pk),
    )
    assert response.status_code == HTTPStatus.FOUND
    world.thread.refresh_from_db()
    assert world.thread.theme == world.other_theme
    assert _new_log_actions(last_log) == [A.MOVE]


# --- problem reports: the site's own problems, for moderators of the whole site ------------------


@pytest.mark.parametrize("role", ROLES)
def test_closing_a_problem_report(world, role):
    """Closing a problem report (an admin action; there is no page for it) is for moderators of the whole site."""
    report = moderation_services.problem_report_file(reporter=None, message="De zoekfunctie werkt niet.")
    actor = _actor(role, world)
    before, last_log = _snapshot(), _last_log_pk()
    if _expected(SITE, role) == "ok":
        assert moderation_services.problem_report_close(acting_user=actor, report=report)
        assert _new_log_actions(last_log) == [A.REPORT_CLOSE]
        return
    with pytest.raises(PermissionDenied):
        moderation_services.problem_report_close(acting_user=actor, report=report)
    report.refresh_from_db()
    assert report.state == ProblemReport.State.OPEN
    assert _snapshot() == before and _last_log_pk() == last_log


# --- what a moderator limited to themes is shown ------------------------------------------------


@pytest.fixture
def reports_everywhere(world):
    """Open reports on the thread (the theme), on a thread in another theme, and on a member."""
    elsewhere = ThreadFactory(theme=world.other_theme, author=UserFactory(), title="Elders gemeld")
    for target in (world.thread, elsewhere, world.author):
        moderation_services.report_file(reporter=world.reporter, target=target, reason=ReportReason.SPAM)
    return elsewhere


def _queue(client):
    response = client.get(reverse("moderation:moderation_queue"))
    assert response.status_code == HTTPStatus.OK
    return response


def test_queue_shows_a_theme_moderator_only_their_themes(client, world, reports_everywhere):
    """Reports in other themes and on members are not in a theme moderator's queue, nor in the waiting count."""
    moderator = _actor(THEME_MODERATOR, world)
    client.force_login(moderator)
    response = _queue(client)
    assert [item.target for item in response.context["items"]] == [world.thread]
    assert [theme.pk for theme in response.context["themes"]] == [world.theme.pk]
    assert response.context["moderation_item_count"]() == 1


def test_queue_shows_a_site_moderator_everything(client, world, reports_everywhere):
    client.force_login(_actor(SITE_MODERATOR, world))
    response = _queue(client)
    assert {item.target for item in response.context["items"]} == {world.thread, reports_everywhere, world.author}
    assert response.context["moderation_item_count"]() == 3


def test_queue_filter_on_another_theme_shows_nothing_more(client, world, reports_everywhere):
    """Asking the queue for a theme one does not moderate falls back to one's own themes."""
    client.force_login(_actor(THEME_MODERATOR, world))
    response = client.get(reverse("moderation:moderation_queue"), {"theme": world.other_theme.slug})
    assert [item.target for item in response.context["items"]] == [world.thread]


def test_queue_objections_only_those_the_moderator_may_decide(client, world):
    """Objections to decisions in other themes and to measures are not offered to a theme moderator."""
    in_theme = _hide_objection(world)["target"]
    elsewhere = ThreadFactory(theme=world.other_theme, author=world.author)
    moderation_services.post_hide(acting_user=world.decider, post=elsewhere, reason="Spam")
    decision = ModerationLog.objects.get(action=A.HIDE, target_id=elsewhere.pk, target_type__model="thread")
    moderation_services.objection_file(member=world.author, decision=decision, text="Niet terecht.")
    _measure_objection(world)

    client.force_login(_actor(THEME_MODERATOR, world))
    assert [objection.pk for objection in _queue(client).context["objections"]] == [in_theme.pk]
    client.force_login(_actor(SITE_MODERATOR, world))
    assert len(_queue(client).context["objections"]) == 3


@pytest.mark.parametrize(
    ("url_name", "kwargs_of"),
    [
        ("moderation:member_moderation", lambda world: {"handle": world.author.handle}),
        ("accounts:applications", lambda world: {}),
    ],
    ids=["member page", "applications"],
)
def test_member_pages_are_for_site_moderators(client, world, url_name, kwargs_of):
    """Pages about members answer 403 to a moderator limited to themes."""
    url = reverse(url_name, kwargs=kwargs_of(world))
    client.force_login(_actor(THEME_MODERATOR, world))
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    client.force_login(_actor(SITE_MODERATOR, world))
    assert client.get(url).status_code == HTTPStatus.OK


def test_profile_offers_moderating_the_member_only_to_site_moderators(client, world):
    url = reverse("moderation:member_moderation", kwargs={"handle": world.author.handle})
    client.force_login(_actor(THEME_MODERATOR, world))
    assert url not in client.get(world.author.get_absolute_url()).content.decode()
    client.force_login(_actor(SITE_MODERATOR, world))
    assert url in client.get(world.author.get_absolute_url()).content.decode()


def test_theme_moderator_replies_to_locked_threads_only_in_their_themes(world):
    """Replying in a locked thread is a moderator's power, in the themes they moderate."""
    moderation_services.thread_lock(acting_user=world.decider, thread=world.thread)
    world.thread.refresh_from_db()
    elsewhere = ThreadFactory(theme=world.other_theme, author=world.author, is_locked=True)
    moderator = _actor(THEME_MODERATOR, world)
    assert permissions.can_reply(standing_of(moderator), world.thread)
    assert not permissions.can_reply(standing_of(moderator), elsewhere)


# --- the permission functions themselves --------------------------------------------------------


def test_role_and_themes_cost_one_query_per_request(world, django_assert_num_queries):
    """
    The role comes with the member's standing (one query); the themes of a theme moderator one
    more, the first time; both are kept in the standing for the rest of the request.
    """
    moderator = _actor(THEME_MODERATOR, world)
    fresh = User.objects.get(pk=moderator.pk)
    SiteSettings.current()  # the site's settings, from the cache as on every page
    with django_assert_num_queries(2):
        standing = standing_of(fresh)
        assert account_permissions.holds_moderator_role(standing)
        assert permissions.moderated_theme_ids(standing) == {world.theme.pk}
    with django_assert_num_queries(0):
        assert permissions.moderated_theme_ids(standing) == {world.theme.pk}
        assert permissions.can_moderate_theme(standing, world.theme)


def test_can_moderate_theme_takes_a_theme_or_its_id(world):
    moderator = _actor(THEME_MODERATOR, world)
    assert permissions.can_moderate_theme(standing_of(moderator), world.theme)
    assert permissions.can_moderate_theme(standing_of(moderator), world.theme.pk)
    assert not permissions.can_moderate_theme(standing_of(moderator), world.other_theme)
    assert not permissions.can_moderate_theme(standing_of(moderator), world.other_theme.pk)
    assert not permissions.is_site_moderator(standing_of(moderator))


def test_a_site_moderator_moderates_every_theme(world):
    moderator = _actor(SITE_MODERATOR, world)
    assert permissions.is_site_moderator(standing_of(moderator))
    assert permissions.can_moderate_theme(standing_of(moderator), world.other_theme)
    assert permissions.can_moderate_post(standing_of(moderator), world.reply)


def test_being_listed_on_a_theme_without_the_role_gives_no_powers(world):
    member = UserFactory()
    world.theme.moderators.add(member)
    assert not permissions.can_moderate_theme(standing_of(member), world.theme)
    assert not permissions.can_moderate_post(standing_of(member), world.thread)
    assert not permissions.is_site_moderator(standing_of(member))


def test_a_theme_moderator_without_two_factor_has_no_powers(world):
    """Like every moderator, one limited to themes acts only with two-factor authentication."""
    moderator = ModeratorFactory(role=False)
    world.theme.moderators.add(moderator)
    assert not permissions.can_moderate_theme(standing_of(moderator), world.theme)


def test_thread_page_offers_moderation_tools_only_in_moderated_themes(client, world):
    """A moderator of another theme reads the thread but is not offered tools the server would refuse."""
    lock_url = reverse("moderation:thread_moderate", args=[world.thread.pk, "lock"])
    hide_reply_url = reverse("moderation:reply_moderate", args=[world.reply.pk, "hide"])
    client.force_login(_actor(OTHER_THEME_MODERATOR, world))
    content = client.get(world.thread.get_absolute_url()).content.decode()
    assert world.thread.title in content
    assert lock_url not in content and hide_reply_url not in content
    client.force_login(_actor(THEME_MODERATOR, world))
    content = client.get(world.thread.get_absolute_url()).content.decode()
    assert lock_url in content and hide_reply_url in content


def test_administrator_lists_a_theme_moderator_in_the_admin(client, world, administrator):
    """The theme's admin page offers moderators (not other members) and limits the one listed to the theme."""
    moderator, member = ModeratorFactory(), UserFactory()
    client.force_login(administrator)
    url = reverse("admin:forum_theme_change", args=[world.theme.pk])
    field = client.get(url).context["adminform"].form.fields["moderators"]
    assert moderator in field.queryset and member not in field.queryset
    data = {
        "name": world.theme.name,
        "slug": world.theme.slug,
        "description": world.theme.description,
        "position": world.theme.position,
        "is_premoderated": "on",
        "moderators": [moderator.pk],
    }
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    world.theme.refresh_from_db()
    assert world.theme.is_premoderated
    fresh = User.objects.get(pk=moderator.pk)
    assert permissions.can_moderate_theme(standing_of(fresh), world.theme)
    assert not permissions.can_moderate_theme(standing_of(fresh), world.other_theme)
    # A member without the role cannot be listed: the form comes back with an error.
    assert client.post(url, {**data, "moderators": [member.pk]}).status_code == HTTPStatus.OK
