from django.contrib.auth.management import create_permissions
from django.db import migrations


# Frozen copies of forum.roles as it was when this migration was written.
MODERATORS = "Moderatoren"
ADMINISTRATORS = "Beheerders"
MODERATOR_PERMISSIONS = [
    ("forum", "moderate_forum"),
    ("forum", "view_thread"),
    ("forum", "view_reply"),
    ("forum", "view_moderationlog"),
    ("forum", "view_problemreport"),
    ("forum", "change_problemreport"),
]
ADMINISTRATOR_APPS = ["forum", "accounts", "account"]
ADMINISTRATOR_EXCLUDED = {"delete_thread", "delete_reply", "delete_moderationlog", "change_moderationlog"}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    for app_label, codename in MODERATOR_PERMISSIONS:
        moderators.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    administrators.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS).exclude(
            codename__in=ADMINISTRATOR_EXCLUDED
        )
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[MODERATORS, ADMINISTRATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_themes_threads_replies_moderation"),
        ("accounts", "0001_user"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
