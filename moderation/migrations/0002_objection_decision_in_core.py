"""The decision an objection is about is a row of core's moderation log now (core 0001): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_moderation_log"),
        ("moderation", "0001_models_from_forum_and_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="objection",
                    name="decision",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="objection",
                        to="core.moderationlog",
                        verbose_name="decision",
                    ),
                ),
            ],
        ),
    ]
