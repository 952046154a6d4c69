"""
The search index, kept in one place: one :class:`Entry` per thread and per reply, with what is
ranked (the thread's title, the text as readers read it, without markup) and what a search filters
on that only a save changes (author, capacity, date). What moderation and moves change with an
``UPDATE`` (status, theme) is read from the thread and reply rows themselves, through the forum's
``visible_to`` querysets, so whatever the forum decides a searcher may read is what is found.

On PostgreSQL each entry carries its ``tsvector`` (title weight A, text weight B, the
``ambtenaar_dutch`` configuration: Dutch stems and ``unaccent``), with a GIN index
(migration 0002). On SQLite the stems of the same text are in an FTS5 table (migration 0003),
:class:`FtsEntry`, one row per entry under the entry's id.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from forum.choices import Capacity
from forum.models import TITLE_MAX_LENGTH, Reply, Thread

# PostgreSQL's text search configuration for the site: "dutch" with accents folded (migration 0002).
CONFIGURATION = "ambtenaar_dutch"
# SQLite: the FTS5 table of stems (migration 0003).
FTS_TABLE = "search_fts"
# The synonym groups are kept in the cache until a Synonym changes (search.services drops them).
SYNONYMS_CACHE_KEY = "search:synonyms"


class Entry(models.Model):
    """What search knows of one thread (``reply`` empty) or one reply."""

    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="+")
    reply = models.OneToOneField(
        Reply, verbose_name=_("reply"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="+"
    )
    capacity = models.CharField(_("speaking capacity"), max_length=16, choices=Capacity.choices)
    created_at = models.DateTimeField(_("created"))
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True)
    text = models.TextField(_("text"), blank=True)
    # PostgreSQL only (SQLite leaves it empty and keeps its stems in FtsEntry).
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        constraints = [
            models.UniqueConstraint(
                fields=["thread"], condition=models.Q(reply__isnull=True), name="search_entry_thread_once"
            )
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="search_entry_recent_idx"),
            models.Index(fields=["author", "-created_at"], name="search_entry_author_idx"),
        ]

    def __str__(self):
        return self.title or str(self.reply_id)


class FtsMatch(models.Lookup):
    """``MATCH`` of an FTS5 table: ``fts__everything__match=query`` (the query built by ``search.selectors``)."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class FtsTableColumn(models.TextField):
    """FTS5's hidden column named after its table: the whole row, for MATCH and bm25()."""


FtsTableColumn.register_lookup(FtsMatch)


class FtsEntry(models.Model):
    """SQLite only: an entry's stems in the FTS5 table (created by migration 0003, not by Django)."""

    entry = models.OneToOneField(
        Entry, on_delete=models.DO_NOTHING, primary_key=True, db_column="rowid", db_constraint=False, related_name="fts"
    )
    title = models.TextField()
    body = models.TextField()
    # Read only: written by services with plain SQL, as an insert must leave this column out.
    everything = FtsTableColumn(db_column=FTS_TABLE, editable=False)

    class Meta:
        managed = False
        db_table = FTS_TABLE

    def __str__(self):
        return str(self.pk)


class Synonym(models.Model):
    """Jargon: a term and what it stands for, found by either ("Woo" and "Wet open overheid")."""

    term = models.CharField(_("term"), max_length=100, help_text=_("Such as an abbreviation: “Woo”."))
    meaning = models.CharField(
        _("meaning"), max_length=200, help_text=_("What the term stands for: “Wet open overheid”.")
    )

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["term", "meaning"], name="search_synonym_once")]

    def __str__(self):
        return f"{self.term} = {self.meaning}"
