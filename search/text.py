"""
What search does with text, the same on every database: the plain text of a post, words folded
(lower case, accents off: "financiën" is "financien"), Dutch Snowball stems ("ambtenaren" and
"ambtenaar" are "ambten"), the query as typed parsed into clauses (words, "phrases in quotes",
jargon synonyms), and the matching passage of a text as pieces of plain text, each marked as a
match or not, for a template to show (it escapes them and adds ``<mark>``).

Nothing here touches the database: PostgreSQL builds its ``tsquery`` and SQLite its FTS5 query from
the same :class:`Query` (``search.selectors``).
"""

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

import snowballstemmer

from core.cleaning import without_control_characters

# A word: letters and digits (any script), no underscore; everything else separates words, so
# the operators of tsquery and FTS5 (& | ! : * ( ) < - > " ^ NEAR...) never reach a database as such.
WORD = re.compile(r"[^\W_]+")
# The query as typed: longer input is cut (and the page says so).
MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 10

# PostgreSQL's Dutch stop words (tsearch_data/dutch.stop, Snowball's list): dropped from a
# query's loose words on both databases, so a search of only these words says so.
STOP_WORDS = frozenset(
    [
        "de",
        "en",
        "van",
        "ik",
        "te",
        "dat",
        "die",
        "in",
        "een",
        "hij",
        "het",
        "niet",
        "zijn",
        "is",
        "was",
        "op",
        "aan",
        "met",
        "als",
        "voor",
        "had",
        "er",
        "maar",
        "om",
        "hem",
        "dan",
        "zou",
        "of",
        "wat",
        "mijn",
        "men",
        "dit",
        "zo",
        "door",
        "over",
        "ze",
        "zich",
        "bij",
        "ook",
        "tot",
        "je",
        "mij",
        "uit",
        "der",
        "daar",
        "haar",
        "naar",
        "heb",
        "hoe",
        "heeft",
        "hebben",
        "deze",
        "u",
        "want",
        "nog",
        "zal",
        "me",
        "zij",
        "nu",
        "ge",
        "geen",
        "omdat",
        "iets",
        "worden",
        "toch",
        "al",
        "waren",
        "veel",
        "meer",
        "doen",
        "toen",
        "moet",
        "ben",
        "zonder",
        "kan",
        "hun",
        "dus",
        "alles",
        "onder",
        "ja",
        "eens",
        "hier",
        "wie",
        "werd",
        "altijd",
        "doch",
        "wordt",
        "wezen",
        "kunnen",
        "ons",
        "zelf",
        "tegen",
        "na",
        "reeds",
        "wil",
        "kon",
        "niets",
        "uw",
        "iemand",
        "geweest",
        "andere",
    ]
)


def fold(text: str) -> str:
    """``text`` in lower case without accents ("Financiën" is "financien")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return WORD.findall(fold(text))


_local = threading.local()


def stem(word: str) -> str:
    """The Dutch Snowball stem of a folded word (a stemmer per thread: they keep state)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("dutch")
    return stemmer.stemWord(word)


def index_tokens(text: str) -> str:
    """The stems of every word of ``text``, stop words too (so a phrase matches as written), by spaces."""
    return " ".join(stem(word) for word in words(text))


class _TextCollector(HTMLParser):
    """The text of sanitised HTML, a space where a block or a line break separates words."""

    BLOCKS = frozenset(
        [
            "p",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "table",
            "tr",
            "td",
            "th",
            "div",
            "hr",
            "dt",
            "dd",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html: str) -> str:
    """What a reader reads of a post's rendered text (``body_html``): its words, without markup."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join("".join(collector.parts).split())


# The query ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """One thing the searcher asks for: any of its alternatives, each a phrase of folded words."""

    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Query:
    """The query as typed, parsed: every clause must match (or any, for similar discussions)."""

    text: str  # as typed, cleaned and cut to MAX_QUERY_LENGTH
    clauses: tuple[Clause, ...]
    was_cut: bool = False
    only_common_words: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def stems(self) -> frozenset[str]:
        """The stems to highlight: every word of every alternative but the stop words."""
        return frozenset(
            stem(word)
            for clause in self.clauses
            for alternative in clause.alternatives
            for word in alternative
            if word not in STOP_WORDS
        )


def synonym_groups(pairs: Iterable[tuple[str, str]]) -> list[frozenset[tuple[str, ...]]]:
    """Groups of forms that mean the same, from pairs (a term and its meaning); pairs sharing a form join."""
    groups: list[set[tuple[str, ...]]] = []
    for first, second in pairs:
        forms = {tuple(words(first)), tuple(words(second))} - {()}
        joined = [group for group in groups if group & forms]
        for group in joined:
            forms |= group
            groups.remove(group)
        groups.append(forms)
    return [frozenset(group) for group in groups if len(group) > 1]


def parse(raw: str, *, synonyms: Sequence[frozenset[tuple[str, ...]]] = ()) -> Query:
    """
    The clauses of ``raw``: "text in quotes" is a phrase, other words each a clause of their own
    (stop words left out); a word or phrase that is a form of a synonym group becomes a clause of
    every form of the group. Control characters are dropped, the text is cut to
    ``MAX_QUERY_LENGTH`` characters and ``MAX_CLAUSES`` clauses. Nothing of the input's syntax
    is kept but the quotes: words are letters and digits.
    """
    text = " ".join(without_control_characters(raw).split())
    was_cut = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    forms = {form: group for group in synonyms for form in group}
    longest = max((len(form) for form in forms), default=0)
    clauses: list[Clause] = []
    seen_words = False
    for number, segment in enumerate(text.split('"')):
        segment_words = words(segment)
        seen_words = seen_words or bool(segment_words)
        if number % 2:  # inside quotes (an unclosed quote runs to the end)
            phrase = tuple(segment_words)
            if phrase and not all(word in STOP_WORDS for word in phrase):
                clauses.append(Clause(tuple(sorted(forms.get(phrase, {phrase})))))
            continue
        position = 0
        while position < len(segment_words):
            for size in range(min(longest, len(segment_words) - position), 0, -1):
                group = forms.get(tuple(segment_words[position : position + size]))
                if group:
                    clauses.append(Clause(tuple(sorted(group))))
                    position += size
                    break
            else:
                word = segment_words[position]
                if word not in STOP_WORDS:
                    clauses.append(Clause(((word,),)))
                position += 1
    unique = tuple(dict.fromkeys(clauses))
    return Query(
        text=text,
        clauses=unique[:MAX_CLAUSES],
        was_cut=was_cut or len(unique) > MAX_CLAUSES,
        only_common_words=seen_words and not unique,
    )


# The matching passage -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """A part of a text as pieces of plain text, each a match of the query or not (templates mark them)."""

    pieces: tuple[tuple[str, bool], ...]
    starts_inside: bool = False  # the text goes on before the passage
    ends_inside: bool = False  # ... and after it


def passage(text: str, stems: frozenset[str], *, size: int = 30) -> Passage:
    """
    The ``size`` words of ``text`` with the most words whose stem is in ``stems`` (the first such
    window), as pieces; the whole text when it is short. For SQLite, whose FTS5 keeps only stems;
    PostgreSQL makes its passage with ``ts_headline``.
    """
    found = list(WORD.finditer(text))
    if not found:
        return Passage(((text, False),) if text else ())
    is_match = [stem(fold(match.group())) in stems for match in found]
    first = 0
    if len(found) > size:
        best = count = sum(is_match[:size])
        for start in range(1, len(found) - size + 1):
            count += is_match[start + size - 1] - is_match[start - 1]
            if count > best:
                best, first = count, start
    last = min(len(found), first + size) - 1
    begin = 0 if first == 0 else found[first].start()
    end = len(text) if last == len(found) - 1 else found[last].end()
    pieces: list[tuple[str, bool]] = []
    position = begin
    for index in range(first, last + 1):
        match = found[index]
        if not is_match[index]:
            continue
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if end > position:
        pieces.append((text[position:end], False))
    return Passage(tuple(pieces), starts_inside=begin > 0, ends_inside=end < len(text))


def marked_pieces(marked: str, *, start: str, stop: str) -> Passage:
    """A passage from text in which ``start`` and ``stop`` enclose the matches (``ts_headline``'s output)."""
    pieces: list[tuple[str, bool]] = []
    for number, part in enumerate(marked.split(start)):
        if number == 0:
            if part:
                pieces.append((part, False))
            continue
        match, _sep, rest = part.partition(stop)
        if match:
            pieces.append((match, True))
        if rest:
            pieces.append((rest, False))
    return Passage(tuple(pieces))
