"""
@mentions in member text: ``@handle`` or ``@Display Name``.

A mention starts at an ``@`` that does not follow a letter, digit, ``_``, ``@``
or ``/`` (so ``NF.vandenHoff@ixpressie.nl`` and ``…/@harro`` are no mentions)
and is followed at once by a name. Of the next MAX_NAME_WORDS words, the
longest prefix that is an active member's display name wins, compared
case-insensitively and allowing trailing punctuation ("@Davied," "(@Fatou van
den Hoff)."); when no prefix is a display name, the first word is tried as a
handle (``@harro-ranter``). A display name that two members share mentions
neither of them: the writer uses the handle instead. Former and inactive
members are never mentioned.

A member whose account is being closed is named in ``env["closing_member_ids"]``
when the posts that mention them are rendered again
(``forum.services.posts.mentions_of_closing_member``): their mentions become the
plain text ``env["closing_member_text"]`` ("voormalig lid"), neither a link to the
profile that is going away nor their name, and notify nobody. For accounts closed
before that was done, ``env["former_names"]`` holds the names (folded, as mentioned)
that no member has any more: those mentions read the same text.

Mentions are found in markdown-it's token stream by a core rule, so text in
code spans, code blocks, links and images is never a mention, an escaped
``\\@`` is not one either, and what is linked is exactly what notifies.
Members are looked up in one query per text however many ``@`` it holds: the
candidates are collected first, and only the first MAX_ATTEMPTS different
ones are looked up, by the function the members' app gives ``use_member_lookup``
(``accounts.mentions.members_named``): this module knows members only as objects
with a ``pk``, a ``display_name``, a ``handle`` and a ``get_absolute_url()``.
At most MAX_MENTIONS different members are mentioned in one text; the rest
stay plain text.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice

from markdown_it.token import Token

MAX_MENTIONS = 10
MAX_NAME_WORDS = 4
# Different @-names looked up per text: bounds the query whatever a post holds.
MAX_ATTEMPTS = 50
# Characters after an "@" that can hold a name (display names have at most 80).
WINDOW = 120

_WORD_CHAR = re.compile(r"\w")
_NOT_AFTER = {"@", "/"}
_CHUNK = re.compile(r"\S+")
_TRAILING_PUNCTUATION = re.compile(r"\W+$")
# Handles are slugs: ASCII letters, digits, "_" and inner hyphens, ending where the word ends.
_HANDLE = re.compile(r"[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*(?![\w-])")
_AMBIGUOUS = object()


# (folded display names, lowercase handles) -> the active, not former members with one of them.
MemberLookup = Callable[[set[str], set[str]], Iterable]
_member_lookup: list[MemberLookup] = []


def use_member_lookup(lookup: MemberLookup) -> None:
    """Name the function that finds the members mentioned (the members' app does, when it is ready)."""
    _member_lookup[:] = [lookup]


def fold(name: str) -> str:
    """A name as mentions compare it: NFC, lowercase."""
    return unicodedata.normalize("NFC", name).lower()


@dataclass(frozen=True)
class _Attempt:
    """An ``@`` in a text token and what could follow it, with end offsets in the token."""

    inline: Token
    index: int
    start: int
    names: tuple[tuple[str, int], ...]  # (folded display name, end), longest first
    handle: tuple[str, int] | None

    @property
    def key(self):
        """What was written after the ``@``, wherever it stands."""
        return tuple(name for name, _end in self.names), self.handle and self.handle[0]


@dataclass(frozen=True)
class _Mention:
    inline: Token
    index: int
    start: int
    end: int
    member: object  # None for a former member
    former: bool = False  # a closed (or closing) account: text, no link


def mention_rule(state) -> None:
    """
    markdown-it core rule (before ``text_join``): link the mentions in the
    inline text and leave the members mentioned in ``env["mentions"]``.
    """
    env = state.env
    mentions = _resolve(
        list(_attempts(state.tokens)),
        closing=frozenset(env.get("closing_member_ids", ())),
        former_names=frozenset(env.get("former_names", ())),
    )
    _link(mentions, env.get("closing_member_text", ""))
    quoted = _quoted_inlines(state.tokens)
    members = {}
    for mention in mentions:
        # A mention inside a quotation is linked, but is the quoted author's, not this one's: no notice.
        if id(mention.inline) not in quoted and not mention.former:
            members.setdefault(mention.member.pk, mention.member)
    state.env["mentions"] = list(members.values())


def _quoted_inlines(tokens) -> set[int]:
    """The inline tokens that stand inside a block quotation."""
    depth, quoted = 0, set()
    for token in tokens:
        if token.type == "blockquote_open":
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
        elif token.type == "inline" and depth:
            quoted.add(id(token))
    return quoted


def _attempts(tokens):
    for inline in tokens:
        if inline.type != "inline" or not inline.children:
            continue
        link_depth = 0
        for index, child in enumerate(inline.children):
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            elif child.type == "text" and link_depth == 0 and "@" in child.content:
                yield from _attempts_in(inline, index, _char_before(inline.children, index))


def _char_before(children, index) -> str:
    """The last character of the text just before a text token, if text comes before it."""
    if index and children[index - 1].type in ("text", "text_special"):
        return children[index - 1].content[-1:]
    return ""


def _attempts_in(inline, index, before):
    text = inline.children[index].content
    start = text.find("@")
    while start != -1:
        previous = text[start - 1] if start else before
        if not (previous in _NOT_AFTER or _WORD_CHAR.match(previous)):
            attempt = _attempt_at(inline, index, text, start)
            if attempt is not None:
                yield attempt
        start = text.find("@", start + 1)


def _attempt_at(inline, index, text, start):
    offset = start + 1
    rest = text[offset : offset + WINDOW]
    chunks = list(islice(_CHUNK.finditer(rest), MAX_NAME_WORDS))
    if len(rest) == WINDOW and offset + WINDOW < len(text) and chunks and chunks[-1].end() == WINDOW:
        chunks.pop()  # cut off by the window: not a whole word
    if not chunks or chunks[0].start() != 0:
        return None
    names = {}
    words = []
    for chunk in chunks:
        words.append(chunk.group())
        names.setdefault(fold(" ".join(words)), offset + chunk.end())
        stripped = _TRAILING_PUNCTUATION.sub("", chunk.group())
        if stripped and stripped != chunk.group():
            names.setdefault(fold(" ".join([*words[:-1], stripped])), offset + chunk.start() + len(stripped))
    handle = _HANDLE.match(rest)
    return _Attempt(
        inline=inline,
        index=index,
        start=start,
        names=tuple(sorted(names.items(), key=lambda item: -item[1])),
        handle=(handle.group().lower(), offset + handle.end()) if handle else None,
    )


def _lookup(attempts):
    """Active members by folded display name and by handle, for all attempts: one query."""
    names = {name for attempt in attempts for name, _end in attempt.names}
    handles = {attempt.handle[0] for attempt in attempts if attempt.handle}
    by_name, by_handle = {}, {}
    for member in _member_lookup[0](names, handles):
        name = fold(member.display_name)
        by_name[name] = _AMBIGUOUS if name in by_name else member
        by_handle[member.handle.lower()] = member
    return by_name, by_handle


def _match(attempt, by_name, by_handle):
    for name, end in attempt.names:
        if name in by_name:
            member = by_name[name]
            return (None, 0) if member is _AMBIGUOUS else (member, end)
    if attempt.handle and attempt.handle[0] in by_handle:
        return by_handle[attempt.handle[0]], attempt.handle[1]
    return None, 0


def _former_match(attempt, former_names):
    """The end of a mention of a name that only a closed account had, or 0."""
    for name, end in attempt.names:
        if name in former_names:
            return end
    if attempt.handle and attempt.handle[0] in former_names:
        return attempt.handle[1]
    return 0


def _resolve(attempts, *, closing=frozenset(), former_names=frozenset()) -> list[_Mention]:
    """
    The mentions, in order: the longest match at each ``@``, at most MAX_MENTIONS members;
    those of ``closing`` members and of ``former_names`` marked ``former``.
    """
    keys = set()
    for attempt in attempts:
        if len(keys) < MAX_ATTEMPTS:
            keys.add(attempt.key)
    attempts = [attempt for attempt in attempts if attempt.key in keys]
    if not attempts:
        return []
    by_name, by_handle = _lookup(attempts)
    mentions, members = [], set()
    for attempt in attempts:
        if mentions and _inside(attempt, mentions[-1]):
            continue
        member, end = _match(attempt, by_name, by_handle)
        if member is None and former_names:
            end = _former_match(attempt, former_names)
            if end:
                mentions.append(_Mention(attempt.inline, attempt.index, attempt.start, end, member=None, former=True))
            continue
        if member is None or (member.pk not in members and len(members) >= MAX_MENTIONS):
            continue
        members.add(member.pk)
        mentions.append(
            _Mention(
                inline=attempt.inline,
                index=attempt.index,
                start=attempt.start,
                end=end,
                member=member,
                former=member.pk in closing,
            )
        )
    return mentions


def _inside(attempt, mention) -> bool:
    return attempt.inline is mention.inline and attempt.index == mention.index and attempt.start < mention.end


def _link(mentions, former_text="") -> None:
    """
    Split the text tokens around the mentions and put a profile link around each; a mention
    of a former member becomes ``former_text``, without a link.
    """
    by_token = {}
    for mention in mentions:
        by_token.setdefault((id(mention.inline), mention.index), []).append(mention)
    inlines = {id(mention.inline): mention.inline for mention in mentions}
    urls = {}  # at most MAX_MENTIONS members, however often they are mentioned
    for mention in mentions:
        if not mention.former and mention.member.pk not in urls:
            urls[mention.member.pk] = mention.member.get_absolute_url()
    for inline_id, inline in inlines.items():
        children = []
        for index, child in enumerate(inline.children):
            found = by_token.get((inline_id, index))
            children.extend(_split(child, found, urls, former_text) if found else [child])
        inline.children = children


def _split(token, mentions, urls, former_text) -> list[Token]:
    text, position, tokens = token.content, 0, []
    for mention in mentions:
        if mention.start > position:
            tokens.append(_text(token, text[position : mention.start]))
        position = mention.end
        if mention.former:
            tokens.append(_text(token, former_text))
            continue
        tokens += [
            Token(
                "link_open",
                "a",
                1,
                attrs={"href": urls[mention.member.pk], "class": "mention"},
                level=token.level,
                markup="mention",
                info="mention",
            ),
            _text(token, text[mention.start : mention.end], level=token.level + 1),
            Token("link_close", "a", -1, level=token.level, markup="mention", info="mention"),
        ]
    if position < len(text):
        tokens.append(_text(token, text[position:]))
    return tokens


def _text(token, content, level=None) -> Token:
    return Token("text", "", 0, content=content, level=token.level if level is None else level)
