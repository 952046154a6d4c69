"""Measures against members and moderator notes moved to the moderation app, tables and rows kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_terms_english_text"),
        ("moderation", "0001_models_from_forum_and_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Sanction"),
                migrations.DeleteModel(name="ModeratorNote"),
            ],
        ),
    ]
