"""
The roles of the community, as Django groups with permissions. Used by the
data migration that creates them and by the command that grants them.
"""

MODERATORS = "Moderatoren"
ADMINISTRATORS = "Beheerders"

MODERATOR_PERMISSIONS = [
    ("forum", "moderate_forum"),
    ("forum", "view_thread"),
    ("forum", "view_reply"),
    ("forum", "view_moderationlog"),
    ("moderation", "view_problemreport"),
    ("moderation", "change_problemreport"),
]

# Administrators run the site from the admin: everything of the forum and the
# members, but never deleting what members wrote or the log.
ADMINISTRATOR_APPS = ["forum", "moderation", "accounts", "account"]
ADMINISTRATOR_EXCLUDED = {"delete_thread", "delete_reply", "delete_moderationlog", "change_moderationlog"}


def moderators_group():
    """The moderators' group with its permissions; made again if it went missing."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=MODERATORS)
    if created:
        group.permissions.add(
            *[
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in MODERATOR_PERMISSIONS
            ]
        )
    return group
