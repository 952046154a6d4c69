"""
The text pipeline for everything members write.

Markdown is rendered with markdown-it-py with raw HTML switched off, then the
result is sanitised with nh3 against an allow-list, and every link is marked
``rel="nofollow ugc noopener"``. The rendered HTML is stored beside the source;
templates output the stored HTML and nothing else that a member wrote unescaped.

@mentions of members (``core.mentions``) become links to their profile with
``class="mention"``, made as tokens by a markdown-it rule, never by editing the
source or the HTML.

Auto-linking links addresses written without ``https://`` too ("rijksoverheid.nl"), but not
abbreviations that look like one ("e.a.om", "o.a.nl"): an address without a scheme or ``www.``
is linked only when none of the parts of its host name is a single letter.
"""

import re
from functools import cache
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from markdown_it import MarkdownIt

from . import mentions
from .mentions import MAX_MENTIONS  # noqa: F401  (part of this module's interface)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
# Attributes allowed with these values only: a link's class is "mention" or nothing.
ALLOWED_ATTRIBUTE_VALUES = {"a": {"class": {"mention"}}}
LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}
# How a link text that names its own kind of address starts: a scheme, "//" or "www.".
_EXPLICIT_ADDRESS = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*:|//|www\.)")
_HOST_END = re.compile(r"[/?#:]")
_SENTENCE_END = ".!?…"


@cache
def _markdown():
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["linkify", "table", "strikethrough"])
    # Headings inside a post start at h2: the page's own title is the only h1.
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    md.core.ruler.after("linkify", "abbreviations", _unlink_abbreviations)
    # Before text_join, so an escaped "\@" (still a text_special token) is no mention.
    md.core.ruler.before("text_join", "mentions", mentions.mention_rule)
    return md


def _shift(tag):
    level = min(int(tag[1]) + 1, 6)
    return f"h{level}"


def _heading_open(self, tokens, idx, options, env):
    return f"<{_shift(tokens[idx].tag)}>"


def _heading_close(self, tokens, idx, options, env):
    return f"</{_shift(tokens[idx].tag)}>\n"


def _unlink_abbreviations(state) -> None:
    """markdown-it core rule (after ``linkify``): turn auto-links of abbreviations back into text."""
    for inline in state.tokens:
        if inline.type != "inline" or not inline.children:
            continue
        children, index = inline.children, 0
        kept = []
        while index < len(children):
            token = children[index]
            if (
                token.type == "link_open"
                and token.markup == "linkify"
                and index + 2 < len(children)
                and _is_abbreviation(children[index + 1].content)
            ):
                kept.append(children[index + 1])  # the text, without the link around it
                index += 3
                continue
            kept.append(token)
            index += 1
        inline.children = kept


def _is_abbreviation(text: str) -> bool:
    """A fuzzy auto-link ("e.a.om"): no scheme, no "www.", not an e-mail address, a one-letter part in its host."""
    if _EXPLICIT_ADDRESS.match(text) or "@" in text:
        return False
    host = _HOST_END.split(text, maxsplit=1)[0]
    return any(len(label) < 2 for label in host.split("."))


def render_markdown(source: str, *, closing_member_ids=(), former_names=()) -> str:
    """
    Render member-written Markdown to sanitised HTML, with @mentions of members
    linked to their profiles (one query, only when the text has an "@" name).
    Mentions of the members in ``closing_member_ids`` (accounts being closed), and of the
    ``former_names`` (folded) of accounts closed earlier, read "former member" in the site's
    language, as plain text: the stored HTML is shared by all readers.
    """
    env = {}
    if closing_member_ids or former_names:
        with translation.override(settings.LANGUAGE_CODE):
            env = {
                "closing_member_ids": closing_member_ids,
                "former_names": former_names,
                "closing_member_text": gettext("former member"),
            }
    html = _markdown().render(source or "", env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def mentioned_members(source: str) -> list:
    """
    The members mentioned in ``source``, in order of appearance, at most
    MAX_MENTIONS: those ``render_markdown`` links, less the ones that only
    stand in a quotation (quoting a reply does not notify its mentions again). One query.
    """
    env = {}
    _markdown().parse(source or "", env)
    return env.get("mentions", [])


def sentence(text: str) -> str:
    """
    ``text`` (a moderator's reason, say) as a sentence inside a longer message: trimmed, and
    ending in its own full stop, question or exclamation mark, or else in an added full stop.
    Messages put it where a sentence goes, so a reason that ends in a full stop gets no second one.
    """
    text = text.strip()
    if not text or text[-1] in _SENTENCE_END:
        return text
    return f"{text}."


class _TextCollector(HTMLParser):
    """The text of sanitised HTML, entities decoded, a space where a block or line ends."""

    BREAKS = frozenset({"p", "br", "li", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "hr"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self.handle_starttag(tag, [])

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html: str) -> str:
    """
    The plain text of a post's stored HTML (``render_markdown``'s output), for a page's
    description and the previews of shared links: no tags, entities as the characters they stand
    for, whitespace folded to single spaces. Templates escape it again where they print it.
    """
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    return " ".join("".join(collector.parts).split())
