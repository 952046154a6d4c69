# The old foreign keys into the forum go (0003 moved what they said into the target); deleting a
# target finds its notifications through the new index, and a target is whole or absent.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_notification_target_from_thread_and_reply"),
    ]

    operations = [
        migrations.RemoveField(model_name="notification", name="reply"),
        migrations.RemoveField(model_name="notification", name="thread"),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["target_type", "target_id"], name="notif_target_idx"),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(target_type__isnull=True, target_id__isnull=True)
                | models.Q(target_type__isnull=False, target_id__isnull=False),
                name="notif_target_whole",
            ),
        ),
    ]
