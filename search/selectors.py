"""
Reading the search index: the entries a query finds, only those the searcher may read (the
forum's ``visible_to`` querysets decide), filtered and ordered, and what a results page shows of
them (:class:`Hit`). PostgreSQL ranks with ``ts_rank`` over the stored vectors and makes the
passages with ``ts_headline``; SQLite ranks with FTS5's ``bm25`` (the title ten times the text)
and makes the passages itself from the stems (``search.text.passage``). The same
:class:`search.text.Query` drives both.
"""

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, FloatField, Func, OuterRef, Q, QuerySet, TextChoices, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.permissions import can_view_directory
from accounts.standing import Standing, standing_of
from forum.choices import Capacity, Status
from forum.models import CAPACITY_DISPLAY, Reply, Tag, Theme, Thread

from .models import CONFIGURATION, SYNONYMS_CACHE_KEY, Entry, Synonym
from .text import Passage, Query, marked_pieces, parse, passage, stem, synonym_groups

# ts_headline's marks around a match: control characters, which no stored text holds.
START, STOP = "\x02", "\x03"
# bm25 weights of the FTS5 columns (title, body): a title match ranks above a text match.
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
# The order of relevance: the rank ``_matching`` gives, then the newest.
BEST_FIRST = ("-rank", "-created_at", "-pk")
MEMBERS_SHOWN = 10
ORGANISATIONS_SHOWN = 10


class Sort(TextChoices):
    RELEVANCE = "relevance", _("relevance")
    DATE = "date", _("newest first")


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; empty fields narrow nothing."""

    theme: Theme | None = None
    author: User | None = None
    organisation: Organisation | None = None
    capacity: str = ""
    since: date | None = None
    until: date | None = None
    tag: Tag | None = None


@dataclass(frozen=True)
class Hit:
    """One thread or reply found, as the results page shows it."""

    url: str
    is_reply: bool
    thread_title: Passage
    passage: Passage
    theme: Theme
    author: User
    created_at: datetime
    capacity: str
    status: str
    status_label: str = field(default="")

    @property
    def capacity_label(self) -> str:
        return str(CAPACITY_DISPLAY[Capacity(self.capacity)]) if self.capacity in Capacity.values else ""


def synonyms() -> list[frozenset[tuple[str, ...]]]:
    """The jargon's synonym groups (``Synonym`` rows, kept in the cache until one changes)."""
    groups = cache.get(SYNONYMS_CACHE_KEY)
    if groups is None:
        groups = synonym_groups(Synonym.objects.values_list("term", "meaning"))
        cache.set(SYNONYMS_CACHE_KEY, groups, timeout=None)
    return groups


def parse_query(raw: str) -> Query:
    """``raw``, as typed, parsed with the site's synonyms."""
    return parse(raw, synonyms=synonyms())


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _tsquery(query: Query, *, any_clause: bool) -> SearchQuery:
    """PostgreSQL: each word through ``plainto_tsquery`` and each phrase through ``phraseto_tsquery``."""
    clauses = [
        reduce(
            operator.or_,
            (
                SearchQuery(" ".join(words), search_type="phrase" if len(words) > 1 else "plain", config=CONFIGURATION)
                for words in clause.alternatives
            ),
        )
        for clause in query.clauses
    ]
    return reduce(operator.or_ if any_clause else operator.and_, clauses)


def _fts_query(query: Query, *, any_clause: bool) -> str:
    """SQLite: every alternative an FTS5 string of stems in double quotes (a phrase), so none is syntax."""

    def phrase(words: tuple[str, ...]) -> str:
        return '"' + " ".join(stem(word) for word in words).replace('"', '""') + '"'

    clauses = ["(" + " OR ".join(phrase(words) for words in clause.alternatives) + ")" for clause in query.clauses]
    return (" OR " if any_clause else " AND ").join(clauses)


class _BM25(Func):
    function = "bm25"
    output_field = FloatField()


def _matching(query: Query, *, any_clause: bool = False) -> QuerySet[Entry]:
    """The entries that match ``query``, with ``rank`` (higher is better on both databases)."""
    if _is_postgresql():
        tsquery = _tsquery(query, any_clause=any_clause)
        return Entry.objects.filter(vector=tsquery).annotate(rank=SearchRank(F("vector"), tsquery))
    return Entry.objects.filter(fts__everything__match=_fts_query(query, any_clause=any_clause)).annotate(
        # bm25 is lower for a better match.
        rank=-_BM25(F("fts__everything"), Value(TITLE_WEIGHT), Value(BODY_WEIGHT))
    )


def _visible(entries: QuerySet[Entry], standing: Standing) -> QuerySet[Entry]:
    """Only what ``standing``'s member may read: the forum's querysets decide, per found entry."""
    threads = Thread.objects.visible_to(standing).filter(pk=OuterRef("thread_id"))
    replies = Reply.objects.visible_to(standing).filter(pk=OuterRef("reply_id"))
    return entries.filter(Exists(threads)).filter(Q(reply__isnull=True) | Exists(replies))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _filtered(entries: QuerySet[Entry], filters: Filters) -> QuerySet[Entry]:
    if filters.theme is not None:
        entries = entries.filter(thread__theme=filters.theme)
    if filters.author is not None:
        entries = entries.filter(author=filters.author)
    if filters.organisation is not None:
        entries = entries.filter(author__organisation=filters.organisation)
    if filters.capacity in Capacity.values:
        entries = entries.filter(capacity=filters.capacity)
    if filters.since is not None:
        entries = entries.filter(created_at__gte=_day_start(filters.since))
    if filters.until is not None:
        entries = entries.filter(created_at__lt=_day_start(filters.until + timedelta(days=1)))
    if filters.tag is not None:
        entries = entries.filter(thread__tags=filters.tag)  # a reply is found by its thread's tags
    return entries


def search(
    query: Query, standing: Standing, *, filters: Filters | None = None, sort: str = Sort.RELEVANCE
) -> QuerySet[Entry]:
    """
    The threads and replies ``query`` finds that ``standing``'s member may read, narrowed by
    ``filters``, best or newest first, with what a results page shows of them (for :func:`hits`).
    An empty query finds nothing.
    """
    if query.is_empty:
        return Entry.objects.none()
    entries = _filtered(_visible(_matching(query), standing), filters or Filters())
    order = ("-created_at", "-pk") if sort == Sort.DATE else BEST_FIRST
    entries = entries.select_related("thread__theme", "reply", "author").only(
        "thread_id",
        "reply_id",
        "author_id",
        "capacity",
        "created_at",
        "title",
        "thread__title",
        "thread__slug",
        "thread__status",
        "thread__theme__name",
        "thread__theme__slug",
        "reply__status",
        "reply__thread_id",
        "author__display_name",
        "author__is_former_member",
        *(() if _is_postgresql() else ("text",)),
    )
    if _is_postgresql():
        tsquery = _tsquery(query, any_clause=False)
        entries = entries.annotate(
            marked_text=SearchHeadline(
                "text", tsquery, config=CONFIGURATION, start_sel=START, stop_sel=STOP, max_words=35, min_words=15
            ),
            marked_title=SearchHeadline(
                "thread__title", tsquery, config=CONFIGURATION, start_sel=START, stop_sel=STOP, highlight_all=True
            ),
        )
    return entries.order_by(*order)


def hits(entries: Sequence[Entry], query: Query) -> list[Hit]:
    """What the results page shows of ``entries`` (a page of :func:`search`), the passages marked."""
    stems = query.stems()
    result = []
    for entry in entries:
        thread = entry.thread
        if _is_postgresql():
            title = marked_pieces(entry.marked_title, start=START, stop=STOP)  # type: ignore[attr-defined]
            found = marked_pieces(entry.marked_text, start=START, stop=STOP)  # type: ignore[attr-defined]
        else:
            title = passage(thread.title, stems, size=len(thread.title))
            found = passage(entry.text, stems)
        post = entry.reply or thread
        result.append(
            Hit(
                url=reverse("forum:reply", kwargs={"pk": entry.reply_id})
                if entry.reply_id
                else thread.get_absolute_url(),
                is_reply=entry.reply_id is not None,
                thread_title=title,
                passage=found,
                theme=thread.theme,
                author=entry.author,
                created_at=entry.created_at,
                capacity=entry.capacity,
                status=post.status,
                status_label=str(Status(post.status).label) if post.status != Status.PUBLISHED else "",
            )
        )
    return result


def similar_threads(title: str, standing: Standing) -> list[Thread]:
    """
    Up to five threads ``standing``'s member may read that share words with ``title``, the best
    match first: the new-thread form's "similar discussions" (registered with ``forum.similar``).
    """
    query = parse_query(title)
    if query.is_empty:
        return []
    entries = _visible(_matching(query, any_clause=True), standing).filter(reply__isnull=True)
    entries = entries.select_related("thread__theme").order_by(*BEST_FIRST)[:5]
    return [entry.thread for entry in entries]


def members_named(text: str, standing: Standing | User | None) -> list[User]:
    """Members in the directory whose name (or organisation) holds ``text``, for those who may see the directory."""
    text = " ".join(text.replace('"', " ").split())
    if not text or not can_view_directory(standing_of(standing)):
        return []
    return list(User.objects.in_directory().search(text)[:MEMBERS_SHOWN])


def organisations_named(text: str) -> list[Organisation]:
    """Organisations whose name holds ``text``."""
    text = " ".join(text.replace('"', " ").split())
    if not text:
        return []
    return list(Organisation.objects.filter(name__icontains=text).order_by("name")[:ORGANISATIONS_SHOWN])
