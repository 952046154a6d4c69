"""
The roles of the community, as Django groups with permissions: who moderates and who
administers is the members' standing, so the roles are accounts'. The permissions a role
carries are named by app label and codename (the forum's among them), never imported. Used by
the services that grant them and the admin; the data migration ``forum/0002_roles`` made them.
"""

from django.contrib.auth.models import Group, Permission

# The one permission that makes a moderator (``accounts.permissions.is_moderator``), through the
# moderators' group or given personally.
MODERATE_PERMISSION = "forum.moderate_forum"

MODERATORS = "Moderatoren"
ADMINISTRATORS = "Beheerders"

MODERATOR_PERMISSIONS = [
    ("forum", "moderate_forum"),
    ("forum", "view_thread"),
    ("forum", "view_reply"),
    ("core", "view_moderationlog"),
    ("moderation", "view_problemreport"),
    ("moderation", "change_problemreport"),
]

# Administrators run the site from the admin: everything of the forum and the
# members, but never deleting what members wrote or the log.
ADMINISTRATOR_APPS = ["core", "forum", "moderation", "accounts", "account"]
ADMINISTRATOR_EXCLUDED = {"delete_thread", "delete_reply", "delete_moderationlog", "change_moderationlog"}


def moderators_group():
    """The moderators' group with its permissions; made again if it went missing."""
    group, created = Group.objects.get_or_create(name=MODERATORS)
    if created:
        group.permissions.add(
            *[
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in MODERATOR_PERMISSIONS
            ]
        )
    return group
