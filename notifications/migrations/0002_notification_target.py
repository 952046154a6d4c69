# A notification points at what it is about generically (a content type and an id), so that
# notifications need no foreign key into the forum. The old columns are converted by 0003 and
# dropped by 0004: three migrations, each its own transaction, because PostgreSQL does not alter a
# table with rows changed in the same transaction under deferred foreign keys.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0001_notifications_preferences"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="target_type",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="about (kind of content)",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="target_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="about (number)"),
        ),
    ]
