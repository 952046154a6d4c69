# Every notification keeps what it is about: a notification about a reply (which also named the
# reply's thread) points at the reply, one about a thread only at the thread. Backwards, a reply's
# notification names its thread again; one whose target is gone (or of another kind) is kept,
# about nothing. The old foreign keys say which models they point at: this migration names none.

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

# The old foreign keys, the more precise first: a reply's notification also named its thread.
OLD_FIELDS = ["reply", "thread"]


def _content_type(apps, db, model, *, create: bool):
    ContentType = apps.get_model("contenttypes", "ContentType")
    natural_key = {"app_label": model._meta.app_label, "model": model._meta.model_name}
    if create:
        return ContentType.objects.using(db).get_or_create(**natural_key)[0]
    return ContentType.objects.using(db).filter(**natural_key).first()


def to_target(apps, schema_editor):
    db = schema_editor.connection.alias
    Notification = apps.get_model("notifications", "Notification")
    for name in OLD_FIELDS:
        field = Notification._meta.get_field(name)
        rows = Notification.objects.using(db).filter(target_type__isnull=True, **{f"{field.attname}__isnull": False})
        if rows.exists():
            content_type = _content_type(apps, db, field.related_model, create=True)
            rows.update(target_type=content_type, target_id=F(field.attname))


def to_thread_and_reply(apps, schema_editor):
    db = schema_editor.connection.alias
    Notification = apps.get_model("notifications", "Notification")
    for name in OLD_FIELDS:
        field = Notification._meta.get_field(name)
        model = field.related_model
        content_type = _content_type(apps, db, model, create=False)
        if content_type is not None:
            existing = model._base_manager.using(db).values("pk")
            Notification.objects.using(db).filter(target_type=content_type, target_id__in=existing).update(
                **{field.attname: F("target_id")}
            )
    reply = Notification._meta.get_field("reply")
    thread = Notification._meta.get_field("thread")
    of_reply = reply.related_model._base_manager.using(db).filter(pk=OuterRef(reply.attname))
    Notification.objects.using(db).filter(**{f"{reply.attname}__isnull": False}).update(
        **{thread.attname: Subquery(of_reply.values(thread.name)[:1])}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0002_notification_target"),
    ]

    operations = [migrations.RunPython(to_target, to_thread_and_reply, elidable=False)]
