"""Reports, objections, watched words and problem reports moved to the moderation app, tables and rows kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0018_former_member_mentions"),
        ("moderation", "0001_models_from_forum_and_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Report"),
                migrations.DeleteModel(name="Objection"),
                migrations.DeleteModel(name="WatchedWord"),
                migrations.DeleteModel(name="ProblemReport"),
            ],
        ),
    ]
