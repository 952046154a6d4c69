"""
Writing the search index, in one place: every save and delete of a thread or a reply passes
the receivers below (the forum's services save what they write: creating, editing, the text of a
closing member's mentions), and ``search_reindex`` builds the whole index afresh. What the forum
changes with an ``UPDATE`` (status, theme, counters) is not copied here: searches read it from
the thread and reply rows (``search.models``).
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.postgres.search import SearchVector
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.expressions import CombinedExpression
from django.db.models.signals import post_delete, post_save

from forum.models import Reply, Thread

from .models import CONFIGURATION, FTS_TABLE, SYNONYMS_CACHE_KEY, Entry, FtsEntry, Synonym
from .text import index_tokens, plain_text

# The fields of a thread or a reply that the index copies.
_POST_FIELDS = ("body_html", "author_id", "capacity", "created_at")
_THREAD_FIELDS = (*_POST_FIELDS, "title")
BATCH_SIZE = 500


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _entry_values(post: Thread | Reply) -> dict[str, object]:
    return {
        "author_id": post.author_id,
        "capacity": post.capacity,
        "created_at": post.created_at,
        "title": post.title if isinstance(post, Thread) else "",
        "text": plain_text(post.body_html),
    }


def _vector() -> CombinedExpression:
    return SearchVector("title", weight="A", config=Value(CONFIGURATION)) + SearchVector(
        "text", weight="B", config=Value(CONFIGURATION)
    )


def _fts_write(entries: Iterable[Entry]) -> None:
    """SQLite: the entries' stems into the FTS5 table, replacing what it held for them."""
    rows = [(entry.pk, index_tokens(entry.title), index_tokens(entry.text)) for entry in entries]
    if not rows:
        return
    FtsEntry.objects.filter(pk__in=[row[0] for row in rows]).delete()
    with connection.cursor() as cursor:
        # Plain SQL: an ORM insert would write FTS5's hidden column too, which takes commands.
        for row in rows:
            cursor.execute(
                f'INSERT INTO "{FTS_TABLE}" ("rowid", "title", "body") VALUES (%s, %s, %s)',  # noqa: S608 (a constant)
                row,
            )


def index_post(post: Thread | Reply) -> Entry:
    """The entry of ``post`` made or brought up to date from the saved row."""
    fields = _THREAD_FIELDS if isinstance(post, Thread) else _POST_FIELDS
    if set(fields) & post.get_deferred_fields():  # saved with only some fields loaded: read the row
        post = type(post).objects.only(*fields, *(() if isinstance(post, Thread) else ("thread_id",))).get(pk=post.pk)
    if isinstance(post, Thread):
        entry, _created = Entry.objects.update_or_create(thread_id=post.pk, reply=None, defaults=_entry_values(post))
    else:
        entry, _created = Entry.objects.update_or_create(
            reply_id=post.pk, defaults={"thread_id": post.thread_id, **_entry_values(post)}
        )
    if _is_postgresql():
        Entry.objects.filter(pk=entry.pk).update(vector=_vector())
    elif _is_sqlite():
        _fts_write([entry])
    return entry


def _post_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # fixtures load rows as they are; search_reindex indexes them
        index_post(instance)


def _entry_deleted(sender, instance, **kwargs):
    if _is_sqlite():
        FtsEntry.objects.filter(pk=instance.pk).delete()


def _drop_synonyms() -> None:
    cache.delete(SYNONYMS_CACHE_KEY)


def _synonyms_changed(sender, **kwargs):
    # Now, and again once the change commits (a search in between may have kept the old groups).
    _drop_synonyms()
    transaction.on_commit(_drop_synonyms, robust=True)


def connect_signals() -> None:
    """Receivers of the forum's saves (deleting a thread or a reply deletes its entries by cascade)."""
    for model in (Thread, Reply):
        post_save.connect(_post_saved, sender=model, dispatch_uid=f"search-{model.__name__}-save")
    post_delete.connect(_entry_deleted, sender=Entry, dispatch_uid="search-entry-delete")
    post_save.connect(_synonyms_changed, sender=Synonym, dispatch_uid="search-synonym-save")
    post_delete.connect(_synonyms_changed, sender=Synonym, dispatch_uid="search-synonym-delete")


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@transaction.atomic
def reindex_all() -> int:
    """The whole index made afresh from the threads and replies; returns the number of entries."""
    # Plain SQL: the ORM would load every entry to send its post_delete (millions on a large site).
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Entry._meta.db_table)}")  # noqa: S608 (the model's table)
        if _is_sqlite():
            cursor.execute(f'DELETE FROM "{FTS_TABLE}"')  # noqa: S608 (a constant)
    count = 0
    posts = (
        Thread.objects.order_by("pk").only(*_THREAD_FIELDS).iterator(chunk_size=BATCH_SIZE),
        Reply.objects.order_by("pk").only("thread_id", *_POST_FIELDS).iterator(chunk_size=BATCH_SIZE),
    )
    for kind in posts:
        for batch in _batches(kind, BATCH_SIZE):
            entries = Entry.objects.bulk_create(
                Entry(
                    thread_id=post.pk if isinstance(post, Thread) else post.thread_id,
                    reply_id=None if isinstance(post, Thread) else post.pk,
                    **_entry_values(post),
                )
                for post in batch
            )
            if _is_sqlite():
                _fts_write(entries)
            count += len(entries)
    if _is_postgresql():
        Entry.objects.update(vector=_vector())
    return count
