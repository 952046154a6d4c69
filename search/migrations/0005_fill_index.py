"""
The index of the threads and replies a site already has (a new site starts empty and the forum's
saves fill it). ``manage.py search_reindex`` does the same at any time.
"""

from django.db import migrations

from search.text import index_tokens, plain_text

BATCH_SIZE = 500
VECTOR = (
    "UPDATE search_entry SET vector ="
    " setweight(to_tsvector('ambtenaar_dutch', title), 'A') || setweight(to_tsvector('ambtenaar_dutch', text), 'B')"
)


def forward(apps, schema_editor):
    Thread = apps.get_model("forum", "Thread")
    Reply = apps.get_model("forum", "Reply")
    Entry = apps.get_model("search", "Entry")
    vendor = schema_editor.connection.vendor
    for model in (Thread, Reply):
        posts = model.objects.order_by("pk").values(
            "pk", "body_html", "author_id", "capacity", "created_at", "thread_id" if model is Reply else "title"
        )
        batch = []
        for post in posts.iterator(chunk_size=BATCH_SIZE):
            batch.append(
                Entry(
                    thread_id=post["thread_id"] if model is Reply else post["pk"],
                    reply_id=post["pk"] if model is Reply else None,
                    author_id=post["author_id"],
                    capacity=post["capacity"],
                    created_at=post["created_at"],
                    title=post.get("title", ""),
                    text=plain_text(post["body_html"]),
                )
            )
            if len(batch) == BATCH_SIZE:
                _insert(Entry, batch, schema_editor, vendor)
                batch = []
        _insert(Entry, batch, schema_editor, vendor)
    if vendor == "postgresql":
        schema_editor.execute(VECTOR)


def _insert(Entry, batch, schema_editor, vendor):
    entries = Entry.objects.bulk_create(batch)
    if vendor == "sqlite" and entries:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                'INSERT INTO "search_fts" ("rowid", "title", "body") VALUES (%s, %s, %s)',
                [(entry.pk, index_tokens(entry.title), index_tokens(entry.text)) for entry in entries],
            )


def backward(apps, schema_editor):
    apps.get_model("search", "Entry").objects.all().delete()
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute('DELETE FROM "search_fts"')


class Migration(migrations.Migration):
    dependencies = [("search", "0004_jargon_synonyms"), ("forum", "0021_moderation_log_to_core")]

    operations = [migrations.RunPython(forward, backward)]
