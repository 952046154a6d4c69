"""
Moving models between apps keeps every row: the moderation app took six models from forum and
accounts, core took the moderation log from forum.

A database is migrated back to where it stood before the move, filled through the models as they
were then (reports, objections, watched words, problem reports, measures, moderator notes, and
the thread, reply, log rows and notification around them), migrated forward, and every row is
found again through today's models with the same id and values (a notification's thread and reply
as its generic target, the reply). The content types moved with the
models: the moderators' group keeps its permissions on problem reports (same ids), the admin's
history and the moderation log's rows about a measure still point at the moved model; the same
holds for the log itself (the moderators' right to read it, the admin's history of it). Runs on
SQLite and, in the PostgreSQL suite, on PostgreSQL.

A further move adds its app to ``BEFORE`` (``None``: it did not exist yet), its models to ``MOVED``
and, for a model not made below yet, a row in ``fill``.
"""

import datetime

import pytest
from django.apps import apps as current_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.roles import MODERATORS

pytestmark = pytest.mark.django_db(transaction=True)

# Each project app's last migration before the move; None: the app had none.
BEFORE = {
    "core": None,
    "moderation": None,
    "accounts": "0010_terms_english_text",
    "forum": "0018_former_member_mentions",
    "notifications": "0001_notifications_preferences",
    "search": None,
}

# (app label, model) then -> (app label, model) now.
MOVED = {
    ("forum", "moderationlog"): ("core", "moderationlog"),
    ("forum", "report"): ("moderation", "report"),
    ("forum", "objection"): ("moderation", "objection"),
    ("forum", "watchedword"): ("moderation", "watchedword"),
    ("forum", "problemreport"): ("moderation", "problemreport"),
    ("accounts", "sanction"): ("moderation", "sanction"),
    ("accounts", "moderatornote"): ("moderation", "moderatornote"),
}

WHEN = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _migrate_to_before():
    """Migrate the project's apps back to BEFORE; returns the models of that moment."""
    executor = _executor()
    executor.migrate(list(BEFORE.items()))
    executor = _executor()
    nodes = [(app, name) for app, name in BEFORE.items() if name]
    nodes += [node for node in executor.loader.graph.leaf_nodes() if node[0] not in BEFORE]
    return executor.loader.project_state(nodes, at_end=True).apps


def _migrate_to_latest():
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _type(apps, app_label, model):
    return apps.get_model("contenttypes", "ContentType").objects.get_or_create(app_label=app_label, model=model)[0]


def fill(apps) -> list:
    """One row of every kind that moves or refers to what moves, written through the models of then."""
    model = apps.get_model
    User = model("accounts", "User")
    member = User.objects.create(email="lid@example.nl", display_name="Lid", handle="lid", password="!")
    moderator = User.objects.create(email="mod@example.nl", display_name="Mod", handle="mod", password="!")
    theme = model("forum", "Theme").objects.create(name="Wonen", slug="wonen", created_at=WHEN)
    thread = model("forum", "Thread").objects.create(
        theme=theme,
        title="Huurtoeslag",
        slug="huurtoeslag",
        author=member,
        body="Vraag",
        body_html="<p>Vraag</p>",
        created_at=WHEN,
        last_activity_at=WHEN,
    )
    reply = model("forum", "Reply").objects.create(
        thread=thread, author=member, body="Antwoord", body_html="<p>Antwoord</p>", created_at=WHEN
    )
    sanction = model("accounts", "Sanction").objects.create(
        member=member, kind="suspension", reason="Toon", rule="Regel 2", created_by=moderator, starts_at=WHEN
    )
    ModerationLog = model("forum", "ModerationLog")
    hide = ModerationLog.objects.create(
        actor=moderator,
        action="hide",
        target_type=_type(apps, "forum", "reply"),
        target_id=reply.pk,
        target_repr="Antwoord",
        reason="Persoonlijke gegevens",
        created_at=WHEN,
    )
    suspend = ModerationLog.objects.create(
        actor=moderator,
        action="suspend",
        target_type=_type(apps, "accounts", "sanction"),
        target_id=sanction.pk,
        target_repr="Schorsing: Lid",
        reason="Toon",
        data={"sanction": sanction.pk},
        created_at=WHEN,
    )
    return [
        member,
        moderator,
        thread,
        reply,
        sanction,
        hide,
        suspend,
        model("forum", "Report").objects.create(reporter=member, reply=reply, reason="spam", created_at=WHEN),
        model("forum", "Report").objects.create(reporter=moderator, member=member, reason="other", note="Nep"),
        model("forum", "Objection").objects.create(decision=hide, member=member, text="Onterecht", created_at=WHEN),
        model("forum", "Objection").objects.create(decision=suspend, member=member, text="Te streng"),
        model("forum", "ProblemReport").objects.create(reporter=member, page_url="/", message="Knop", created_at=WHEN),
        model("forum", "WatchedWord").objects.create(phrase="casino", action="refuse", created_at=WHEN),
        model("accounts", "ModeratorNote").objects.create(member=member, author=moderator, text="Let op"),
        model("notifications", "Notification").objects.create(
            recipient=member, kind="moderation", thread=thread, reply=reply, created_at=WHEN, updated_at=WHEN
        ),
        model("admin", "LogEntry").objects.create(
            user=moderator,
            content_type=_type(apps, "accounts", "sanction"),
            object_id=str(sanction.pk),
            object_repr="Schorsing",
            action_flag=2,
            action_time=WHEN,
        ),
        model("admin", "LogEntry").objects.create(
            user=moderator,
            content_type=_type(apps, "forum", "moderationlog"),
            object_id=str(hide.pk),
            object_repr="Logregel",
            action_flag=2,
            action_time=WHEN,
        ),
    ]


def _label(row) -> tuple[str, str]:
    return row._meta.app_label, row._meta.model_name


def _values(row) -> dict:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def _expected(row, old_apps) -> dict:
    """
    The row's values as today's model has them: a notification's thread and reply became its
    generic target, the reply (notifications/0003; ``notifications/tests/test_migrations_keep_targets.py``).
    """
    values = _values(row)
    if _label(row) == ("notifications", "notification"):
        del values["thread_id"]
        values |= {"target_type_id": _type(old_apps, "forum", "reply").pk, "target_id": values.pop("reply_id")}
    return values


def test_moving_the_moderation_models_keeps_every_row():
    old_apps = _migrate_to_before()
    rows = fill(old_apps)
    # The moderators' rights on problem reports and the log, as the forum's roles migration gave them then.
    problem_type = _type(old_apps, "forum", "problemreport")
    Permission_ = old_apps.get_model("auth", "Permission")
    given = [
        Permission_.objects.get_or_create(content_type=problem_type, codename=codename, defaults={"name": codename})[0]
        for codename in ["view_problemreport", "change_problemreport"]
    ]
    read_log = Permission_.objects.get_or_create(
        content_type=_type(old_apps, "forum", "moderationlog"),
        codename="view_moderationlog",
        defaults={"name": "view_moderationlog"},
    )[0]
    old_apps.get_model("auth", "Group").objects.get_or_create(name=MODERATORS)[0].permissions.add(*given, read_log)
    before = [(MOVED.get(_label(row), _label(row)), row.pk, _expected(row, old_apps)) for row in rows]
    assert {label for label, _, _ in before} >= set(MOVED.values())

    _migrate_to_latest()

    for (app_label, model_name), pk, values in before:
        now = current_apps.get_model(app_label, model_name).objects.get(pk=pk)
        assert _values(now) == values, f"{app_label}.{model_name} {pk}"

    # No content type is left behind in the old apps; the permissions are the same rows, now moderation's.
    for old_app, name in MOVED:
        assert not ContentType.objects.filter(app_label=old_app, model=name).exists(), name
    problem_type = ContentType.objects.get_for_model(current_apps.get_model("moderation", "ProblemReport"))
    assert problem_type.pk == given[0].content_type_id
    moderators = Group.objects.get(name=MODERATORS)
    for permission in given:
        assert Permission.objects.get(pk=permission.pk).content_type == problem_type
        assert moderators.permissions.filter(pk=permission.pk).exists()
    assert {f"{p.content_type.app_label}.{p.codename}" for p in moderators.permissions.all()} >= {
        "moderation.view_problemreport",
        "moderation.change_problemreport",
        "core.view_moderationlog",
    }
    ModerationLog = current_apps.get_model("core", "ModerationLog")
    log_type = ContentType.objects.get_for_model(ModerationLog)
    assert Permission.objects.get(pk=read_log.pk).content_type == log_type
    log_entry = current_apps.get_model("admin", "LogEntry").objects.get(object_repr="Logregel")
    assert log_entry.content_type == log_type
    assert log_entry.get_edited_object() == ModerationLog.objects.get(action="hide")

    # The admin's history and the log's row about the measure point at the moved model.
    Sanction = current_apps.get_model("moderation", "Sanction")
    sanction_type = ContentType.objects.get_for_model(Sanction)
    entry = current_apps.get_model("admin", "LogEntry").objects.get(object_repr="Schorsing")
    assert entry.content_type == sanction_type
    assert entry.get_edited_object() == Sanction.objects.get()
    suspend = ModerationLog.objects.get(action="suspend")
    assert suspend.target_type == sanction_type
    # Objections still reach their decisions, and the decision its objection.
    assert suspend.objection.text == "Te streng"
    assert Sanction.objects.get().member.objections.count() == 2
