"""
The filters every app's templates use, built into the template engine (``TEMPLATES`` ``builtins``
in the settings): dates and times as the community writes them, the text pipeline's HTML and its
plain text, pagination, and the site's full addresses. Nothing here knows an app above the base.
"""

from urllib.parse import parse_qsl

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from core import links, text
from core.text import render_markdown

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def post_date(value):
    """A post's date as the community writes it: "10 april 2012" in Dutch (Django's ``date`` filter)."""
    return date_filter(value, pgettext("post date format (Django date filter)", "j F Y"))


@register.filter(expects_localtime=True, is_safe=False)
def post_time(value):
    """A post's time as the community writes it: "0.25" in Dutch, "0:25" in English."""
    return date_filter(value, pgettext("post time format (Django date filter)", "G:i"))


@register.filter
def post_html(post):
    """
    The stored, sanitised HTML of a thread, a reply, the terms or a page. ``body_html`` is only
    ever written by ``core.text.render_markdown`` (markdown-it-py without raw HTML, then nh3),
    which is what makes it safe to output unescaped here.
    """
    return mark_safe(post.body_html)  # noqa: S308


@register.filter
def markdown(source):
    """Member-written Markdown rendered through the text pipeline (for previews)."""
    return mark_safe(render_markdown(source))  # noqa: S308  (sanitised by nh3)


@register.filter
def elided_page_range(page):
    """
    The numbers of a pagination's page links, around ``page`` itself with an ellipsis for the
    gaps: ``{% for number in page_obj|elided_page_range %}``. A template cannot pass the number
    to ``Paginator.get_elided_page_range``, whose default is page 1.
    """
    return page.paginator.get_elided_page_range(page.number)


@register.filter
def plain_text(html):
    """The plain text of a post's stored HTML (``core.text.plain_text``), escaped again where it is printed."""
    return text.plain_text(html)


@register.filter
def absolute_url(path):
    """``path`` (starting with ``/``) as a full address on this site, from ``SITE_URL`` (``core.links``)."""
    return links.absolute_url(path)


@register.simple_tag
def canonical_path(path: str, page_number: int = 1, query: str = "") -> str:
    """
    The address of a listing's page for ``<link rel="canonical">``: ``path`` itself for the first
    page, ``?page=N`` for another, after ``query`` when the page has an order of its own
    (``sort=oldest``). Filters and other query parameters are left out.
    """
    if page_number <= 1:
        return path
    return f"{path}?{urlencode([*parse_qsl(query), ('page', page_number)])}"
