"""
The text pipeline for everything members write.

Markdown is rendered with markdown-it-py with raw HTML switched off, then the
result is sanitised with nh3 against an allow-list, and every link is marked
``rel="nofollow ugc noopener"``. The rendered HTML is stored beside the source;
templates output the stored HTML and nothing else that a member wrote unescaped.
"""

import re
from functools import cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _markdown():
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["linkify", "table", "strikethrough"])
    # Headings inside a post start at h2: the page's own title is the only h1.
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    return md


def _shift(tag):
    level = min(int(tag[1]) + 1, 6)
    return f"h{level}"


def _heading_open(self, tokens, idx, options, env):
    return f"<{_shift(tokens[idx].tag)}>"


def _heading_close(self, tokens, idx, options, env):
    return f"</{_shift(tokens[idx].tag)}>\n"


def render_markdown(source: str) -> str:
    """Render member-written Markdown to sanitised HTML."""
    html = _markdown().render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


MENTION_PATTERN = re.compile(r"(?<![\w@/])@([\w][\w.-]{0,79})", re.UNICODE)
MAX_MENTIONS = 10


def mentioned_members(source: str):
    """The members named with ``@handle`` in ``source``: at most MAX_MENTIONS, in order of appearance."""
    from accounts.models import User

    handles = []
    for match in MENTION_PATTERN.finditer(source or ""):
        handle = match.group(1).rstrip(".-").lower()
        if handle and handle not in handles:
            handles.append(handle)
        if len(handles) >= MAX_MENTIONS:
            break
    if not handles:
        return []
    found = {member.handle: member for member in User.objects.filter(handle__in=handles, is_active=True)}
    return [found[handle] for handle in handles if handle in found]
