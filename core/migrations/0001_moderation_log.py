"""
The moderation log moves from the forum app to core with every row: the table keeps its name
(``forum_moderationlog``) and its indexes, only Django's record of the model changes app
(``SeparateDatabaseAndState``; forum 0021 forgets it on the forum side, after moderation 0002
repoints the objections). The content type row moves with it, so the permissions given to groups
(the moderators' ``view_moderationlog``) and admin history entries pointing at the log stay valid.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, *, source, destination):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # A row for the destination exists only when Django made it between the two halves of a move
    # back and forth (after a migrate run); nothing refers to it yet but its own permissions.
    ContentType.objects.filter(app_label=destination, model="moderationlog").delete()
    ContentType.objects.filter(app_label=source, model="moderationlog").update(app_label=destination)
    ContentType.objects.clear_cache()


def content_type_to_core(apps, schema_editor):
    _move_content_type(apps, source="forum", destination="core")


def content_type_to_forum(apps, schema_editor):
    _move_content_type(apps, source="core", destination="forum")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # The table is made by the forum's migrations; on a new database they run first.
        ("forum", "0018_former_member_mentions"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ModerationLog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("hide", "hidden"),
                                    ("restore", "restored"),
                                    ("lock", "locked"),
                                    ("unlock", "unlocked"),
                                    ("pin", "pinned"),
                                    ("unpin", "unpinned"),
                                    ("edit", "edited by a moderator"),
                                    ("move", "moved to another theme"),
                                    ("report_close", "problem report closed"),
                                    ("member_approve", "membership approved"),
                                    ("member_refuse", "membership refused"),
                                    ("moderator_grant", "moderator role granted"),
                                    ("moderator_revoke", "moderator role revoked"),
                                    ("account_delete", "account closed by the member"),
                                    ("auto_hide", "hidden after reports, pending review"),
                                    ("report_dismiss", "reports dismissed"),
                                    ("report_uphold", "reports upheld"),
                                    ("warn", "member warned"),
                                    ("suspend", "member suspended"),
                                    ("ban", "member banned"),
                                    ("sanction_lift", "measure lifted"),
                                    ("close_at", "closing date set"),
                                    ("slow_mode", "slow mode set"),
                                    ("objection_uphold", "objection upheld"),
                                    ("objection_reject", "objection rejected"),
                                    ("hold", "held for approval"),
                                    ("approve", "approved"),
                                    ("reject", "not approved"),
                                ],
                                max_length=32,
                                verbose_name="action",
                            ),
                        ),
                        ("target_id", models.PositiveBigIntegerField(verbose_name="item id")),
                        ("target_repr", models.CharField(max_length=250, verbose_name="item")),
                        ("reason", models.TextField(blank=True, verbose_name="reason")),
                        ("data", models.JSONField(blank=True, default=dict, verbose_name="details")),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="time"),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="moderator",
                            ),
                        ),
                        (
                            "target_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="contenttypes.contenttype",
                                verbose_name="kind of item",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "moderation log entry",
                        "verbose_name_plural": "moderation log",
                        "db_table": "forum_moderationlog",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [models.Index(fields=["target_type", "target_id"], name="forum_modlog_target_idx")],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_type_to_core, content_type_to_forum),
    ]
