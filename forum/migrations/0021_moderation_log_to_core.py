"""
The moderation log lives in core now (core 0001, which keeps its table and rows, and moderation 0002,
whose objections point at core's): the forum forgets the model. Nothing changes in the database.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_moderation_log"),
        ("forum", "0020_remove_page_versions"),
        ("moderation", "0002_objection_decision_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ModerationLog")],
        ),
    ]
