"""
The page cache for visitors' thread pages.

A visitor (no session, so not logged in and no messages waiting) reading a
thread gets HTML that was rendered once and kept in the memory of the process
that serves it (:class:`PageStore`, at most ``FORUM_PAGE_CACHE_MB``), under the
page's full address (host, thread, slug, ``page``, ``sort``), the language and
the release, together with the two versions it was rendered under: the thread's
and the site's (:class:`forum.models.PageVersion`). It is served only while both
are still current.

Invalidation, not expiry: every service that changes what a thread page shows
calls :func:`thread_changed` (a new reply, an edit, hiding or restoring,
locking, moving, reactions...), and changes to members, organisations and
themes, which show on many pages, call :func:`site_changed` (signals, at the
bottom). Both replace a version in the database right after the change commits,
so every process of every server sees it from then on. A version is replaced by
a random one, never incremented, so a version can never come back (not even
from a restored backup).

Serving costs one query, which also checks the versions: the UPDATE that counts
the view (once per visitor, with the cookie of ``forum.viewed``, as
``services.thread_register_view``) returns the new count only if both versions
are current; a returning visitor's SELECT reads the count the same way. The
count is put into the page, so the number shown is as exact as without the
cache. On PostgreSQL the UPDATE commits without waiting for the disk
(``services.thread_count_view``): a crash of the database server may lose the
views of its last fraction of a second, never a post. That wait was half the
cost of a served page.

:class:`VisitorPageMiddleware` serves the page; it stands after the session,
language and CSRF middleware, whose work every response needs, and before the
rest, which a visitor's cached page does not need. What differs per visitor is
not in the kept HTML:

- the view count (above);
- the CSRF token of the language switch: each response gets the visitor's own
  (``get_token``; the CSRF middleware sets its cookie);
- cookies: only the HTML and the headers of the inner middleware (the
  Content-Security-Policy among them) are kept; the response then goes through
  the outer middleware (session, language, CSRF, security) as any other.

Members and moderators never get a cached page, nor does a request with a
session, with messages waiting, from htmx, or with other query parameters than
``page`` and ``sort``. ``FORUM_PAGE_CACHE`` turns it off (the test settings do).
"""

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.formats import localize

from .viewed import ViewedThreads

CACHED_QUERY_PARAMETERS = frozenset({"page", "sort"})
NOT_KEPT_HEADERS = frozenset({"content-length", "set-cookie"})

# Where the per-visitor parts stand in the rendered page.
_VIEWS_PARAGRAPH = re.compile(r'<p class="thread-views">.*?</p>', re.DOTALL)
_NUMBER = re.compile(r"\d(?:[\d.,\u00a0\u202f]*\d)?")
# The whole tag as Django's {% csrf_token %} writes it: text in a post may hold the attributes, never a tag.
_CSRF_VALUE = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]*)">')
VIEWS, CSRF = 0, 1  # the slots in a kept page, between its parts


def enabled() -> bool:
    return getattr(settings, "FORUM_PAGE_CACHE", True)


# Invalidation ------------------------------------------------------------------------------------


def thread_changed(thread_id) -> None:
    """Call from every service that changes what the page of thread ``thread_id`` shows."""
    _replace_version(int(thread_id))


def post_changed(post) -> None:
    """:func:`thread_changed` for the thread of a thread or reply."""
    thread_changed(getattr(post, "thread_id", None) or post.pk)


def site_changed() -> None:
    """Something shown on every thread page changed (a member's name, an organisation, a theme)."""
    _replace_version(_site_scope())


def _replace_version(scope: int) -> None:
    """
    A new random version for ``scope``, written right after the change commits
    (at once outside a transaction), in a statement of its own. A page rendered
    before that moment is kept under the old version, so it is not served once
    the new one is written; and no transaction holds a version row while it runs,
    so writers never wait for each other on them, nor deadlock. With the cache off
    nothing is kept, so nothing needs replacing; a process that turns it on
    starts empty.
    """
    if enabled():
        transaction.on_commit(partial(_write_version, scope), robust=True)


def _write_version(scope: int) -> None:
    table = _table("PageVersion")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, version) VALUES (%s, %s) "  # noqa: S608  (our own table name)
            f"ON CONFLICT (scope) DO UPDATE SET version = excluded.version",
            [scope, secrets.randbits(62) + 1],
        )


def _site_scope() -> int:
    from .models import PageVersion

    return PageVersion.SITE


@cache
def _table(model_name: str) -> str:
    from django.apps import apps

    return connection.ops.quote_name(apps.get_model("forum", model_name)._meta.db_table)


def _current_versions_sql() -> str:
    """A condition: the thread's version (first parameter: its id) and the site's are the ones given."""
    versions = _table("PageVersion")
    return (
        f"COALESCE((SELECT version FROM {versions} WHERE scope = %s), 0) = %s "  # noqa: S608  (our own table)
        f"AND COALESCE((SELECT version FROM {versions} WHERE scope = {_site_scope()}), 0) = %s"
    )


def current_versions(thread_id) -> tuple[int, int, object]:
    """The thread's and the site's versions, read before its page is rendered, and when the thread closes."""
    from .models import PageVersion, Thread

    def version(scope):
        return Coalesce(Subquery(PageVersion.objects.filter(scope=scope).values("version")[:1]), 0)

    found = Thread.objects.filter(pk=thread_id).values_list(version(thread_id), version(_site_scope()), "closes_at")
    return found.first() or (0, 0, None)


def release() -> str:
    """
    A fingerprint of the templates, code and translations: a page rendered by
    one release is never served by another. With ``DEBUG`` (``make run``) it
    follows edits without a restart: file sizes and times, every request.
    """
    if settings.DEBUG:
        return _fingerprint(lambda path: f"{path.stat().st_mtime_ns} {path.stat().st_size}".encode())
    return _release()


@lru_cache(maxsize=1)
def _release() -> str:
    return _fingerprint(Path.read_bytes)


def _fingerprint(content) -> str:
    roots = [Path(settings.BASE_DIR) / name for name in ("accounts", "forum", "notifications", "config")]
    roots += [Path(folder) for template in settings.TEMPLATES for folder in template.get("DIRS", [])]
    roots += [Path(folder) for folder in settings.LOCALE_PATHS]
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".mo"} and "tests" not in path.parts:
                digest.update(str(path.relative_to(root.parent)).encode())
                digest.update(content(path))
    return digest.hexdigest()[:16]


# The pages kept ----------------------------------------------------------------------------------


class Page(NamedTuple):
    thread_version: int
    site_version: int
    closes_at: object  # the page changes by itself at this moment (a datetime), or None
    headers: tuple  # (name, value) of the response as the view and the inner middleware made it
    parts: tuple  # UTF-8 bytes with the slots VIEWS and CSRF between them
    size: int


class PageStore:
    """
    Rendered pages in this process's memory, at most ``limit`` bytes of HTML:
    beyond it, the page served longest ago goes first. Thread-safe (gthread
    workers). Each process renders a page once per version and keeps its own.
    """

    def __init__(self):
        self._pages = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key, page: Page, limit: int) -> None:
        if page.size > limit:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            self._size += page.size - (old.size if old else 0)
            self._pages[key] = page
            while self._size > limit:
                _key, dropped = self._pages.popitem(last=False)
                self._size -= dropped.size

    def discard(self, key) -> None:
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._size -= old.size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0

    def __len__(self):
        return len(self._pages)

    @property
    def size(self) -> int:
        return self._size


pages = PageStore()


def _limit() -> int:
    return int(getattr(settings, "FORUM_PAGE_CACHE_MB", 16) * 1024 * 1024)


# Serving -----------------------------------------------------------------------------------------


def visitor_page(view):
    """Mark a thread page view (``pk``, ``slug``) as served from the page cache to visitors."""
    view.visitor_page = True
    return view


class VisitorPageMiddleware:
    """Serves visitors' thread pages from :data:`pages`, and keeps the ones it had to render."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        thread_id = _target(request)
        if thread_id is None:
            return self.get_response(request)
        key = (release(), translation.get_language(), request.build_absolute_uri(), settings.FORUM_REPLIES_PER_PAGE)
        page = pages.get(key)
        if page is not None:
            if page.closes_at is None or page.closes_at > timezone.now():
                viewed = ViewedThreads(request)
                views = _count_view(thread_id, viewed, page)
                if views is not None:
                    response = _serve(request, page, views)
                    viewed.save(response)
                    return response
            pages.discard(key)
        versions = current_versions(thread_id)
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not request.user.is_authenticated:
            _keep(key, versions, response)
        return response


def _target(request) -> int | None:
    """The thread whose page ``request`` asks for if a visitor may get it from the cache, else ``None``."""
    if not enabled() or request.method != "GET" or "HTTP_HX_REQUEST" in request.META:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None  # perhaps a member, perhaps messages waiting: rendered
    if not CACHED_QUERY_PARAMETERS.issuperset(request.GET):
        return None
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    if not getattr(match.func, "visitor_page", False):
        return None
    return match.kwargs["pk"]


def _count_view(thread_id, viewed, page: Page) -> int | None:
    """
    Count the visit as ``services.thread_register_view`` does (once per visitor,
    in the database, ``services.thread_count_view``) and return the thread's view
    count; ``None`` if ``page`` is no longer current (or the thread is gone): then
    nothing was counted. One query: the UPDATE returns the new count, or, when this
    visitor was counted before, a SELECT reads it.
    """
    from . import services

    current, params = _current_versions_sql(), [thread_id, page.thread_version, page.site_version]
    if thread_id in viewed:
        sql = f"SELECT view_count FROM {_table('Thread')} WHERE id = %s AND {current}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [thread_id, *params])
            row = cursor.fetchone()
        return None if row is None else row[0]
    views = services.thread_count_view(thread_id, condition=current, params=params)
    if views is not None:
        viewed.add(thread_id)
    return views


def _serve(request, page: Page, views) -> HttpResponse:
    token = get_token(request).encode() if CSRF in page.parts else b""
    values = {VIEWS: localize(views).encode(), CSRF: token}
    body = b"".join(values[part] if isinstance(part, int) else part for part in page.parts)
    return HttpResponse(body, headers=dict(page.headers))


def _keep(key, versions, response) -> None:
    """Keep the page with the versions read before it was rendered: a change meanwhile makes it stale at once."""
    parts = _split(response.content.decode(response.charset))
    if parts is None:
        return
    thread_version, site_version, closes_at = versions
    if closes_at is not None and closes_at <= timezone.now():
        closes_at = None  # closed already: the page no longer changes by itself
    headers = tuple((name, value) for name, value in response.headers.items() if name.lower() not in NOT_KEPT_HEADERS)
    size = sum(len(part) for part in parts if isinstance(part, bytes))
    pages.put(key, Page(thread_version, site_version, closes_at, headers, parts, size), _limit())


def _split(html) -> tuple | None:
    """
    The page as UTF-8 parts with the slots VIEWS and CSRF between them, or
    ``None`` when the view count cannot be found (then the page is not kept).
    """
    paragraph = _VIEWS_PARAGRAPH.search(html)
    number = paragraph and _NUMBER.search(html, paragraph.start(), paragraph.end())
    if not number:
        return None
    cuts = [(number.start(), number.end(), VIEWS)]
    cuts += [(match.start(1), match.end(1), CSRF) for match in _CSRF_VALUE.finditer(html)]
    parts, position = [], 0
    for start, end, slot in sorted(cuts):
        parts += [html[position:start].encode(), slot]
        position = end
    parts.append(html[position:].encode())
    return tuple(parts)


# Changes shown on every thread page --------------------------------------------------------------


NOT_ON_PAGES = frozenset({"last_login", "password", "language"})


def _site_changed_receiver(sender, instance=None, update_fields=None, created=False, **kwargs):
    # A new member, organisation or theme is on no page yet; logging in, a new password or the
    # language of a member's e-mails change nothing on them.
    if created or (update_fields is not None and set(update_fields) <= NOT_ON_PAGES):
        return
    site_changed()


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    from accounts.models import Organisation, User

    from .models import Theme

    for model in (User, Organisation, Theme):
        post_save.connect(_site_changed_receiver, sender=model, dispatch_uid=f"pagecache-{model.__name__}-save")
        post_delete.connect(_site_changed_receiver, sender=model, dispatch_uid=f"pagecache-{model.__name__}-delete")
