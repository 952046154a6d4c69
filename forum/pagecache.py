"""
The page cache for visitors' thread pages.

A visitor (not logged in) reading a thread gets HTML that was rendered once and
kept in Django's cache (Redis in production, see ``CACHES``), under a key made of
the page's full address (host, thread, slug, ``page``, ``sort``), the language
and the release (templates, code, translations), together with the two version
tokens it was rendered under: one per thread and one for the whole site. It is
served only while both are still current (the page and the tokens come in one
round trip to the cache). Nothing expires to make a change show:
every service that changes what a thread page shows calls
:func:`thread_changed` (a new reply, an edit, hiding or restoring, locking,
moving, reactions...), and changes to members, organisations and themes, which
show on many pages, call :func:`site_changed` (signals, at the bottom). A
version token is replaced, never incremented, so a version evicted from the
cache can never bring an older page back.

What differs per visitor is not in the cached HTML:

- the view count: the visit is still counted in the database, once per
  visitor (``F()``, as ``services.thread_register_view``, with the same cookie,
  ``forum.viewed``), and the count it returns is put into the page, so the number
  shown is as exact as without the cache;
- the CSRF token of the language switch: each response gets the visitor's own
  (``get_token``, which also sets the cookie as the template tag would);
- headers and cookies: only the HTML is cached; the response is new and goes
  through the middleware (session, CSRF, Content-Security-Policy, Vary).

Members and moderators never get a cached page, nor does a request with
messages waiting or with other query parameters than ``page`` and ``sort``.
``FORUM_PAGE_CACHE`` turns it off (the test settings do).
"""

import hashlib
import re
import secrets
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.formats import localize

from .viewed import ViewedThreads

SITE_VERSION_KEY = "pagecache:site"
THREAD_VERSION_KEY = "pagecache:thread:{}"
PAGE_KEY = "pagecache:page:{}"
# Cached pages stay until their version changes; this only lets unused ones go.
PAGE_TIMEOUT = 7 * 24 * 3600
CACHED_QUERY_PARAMETERS = frozenset({"page", "sort"})

# Where the per-visitor parts stand in the rendered page.
_VIEWS_PARAGRAPH = re.compile(r'<p class="thread-views">.*?</p>', re.DOTALL)
_NUMBER = re.compile(r"\d(?:[\d.,\u00a0\u202f]*\d)?")
# The whole tag as Django's {% csrf_token %} writes it: text in a post may hold the attributes, never a tag.
_CSRF_VALUE = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]*)">')
VIEWS, CSRF = 0, 1  # the slots in a cached page, between its strings


def enabled() -> bool:
    return getattr(settings, "FORUM_PAGE_CACHE", True)


# Invalidation ------------------------------------------------------------------------------------


def thread_changed(thread_id) -> None:
    """
    Call from every service that changes what the page of thread ``thread_id``
    shows. The version changes now and again after the commit: a visitor who
    rendered the page between the two, from data read before the commit,
    stored it under a version that is no longer asked for. With the cache off
    the version still changes (pages kept from before must not come back when
    it is turned on again), only once.
    """
    _bump_now_and_after_commit(THREAD_VERSION_KEY.format(thread_id))


def post_changed(post) -> None:
    """:func:`thread_changed` for the thread of a thread or reply."""
    thread_changed(getattr(post, "thread_id", None) or post.pk)


def site_changed() -> None:
    """Something shown on every thread page changed (a member's name, an organisation, a theme)."""
    _bump_now_and_after_commit(SITE_VERSION_KEY)


def _bump_now_and_after_commit(key) -> None:
    _bump(key)
    if enabled():
        transaction.on_commit(lambda: _bump(key), robust=True)


def _bump(key) -> None:
    cache.set(key, secrets.token_hex(8), timeout=None)


def _versions(thread_id, found=None) -> tuple[str, str]:
    """The thread's and the site's current version tokens (from ``found``, the result of a ``get_many``)."""
    keys = [THREAD_VERSION_KEY.format(thread_id), SITE_VERSION_KEY]
    found = cache.get_many(keys) if found is None else found
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(8), timeout=None)
            found[key] = cache.get(key, "")
    return found[keys[0]], found[keys[1]]


def release() -> str:
    """
    A fingerprint of the templates, code and translations: a new release must
    not serve pages rendered by the old one from a cache that outlived it. The
    same files give the same fingerprint on every server. With ``DEBUG`` (``make
    run``) it follows edits without a restart: file sizes and times, every request.
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


# Serving -----------------------------------------------------------------------------------------


def visitor_page(view):
    """Serve a thread page view (``pk``, ``slug``) from the page cache to visitors."""

    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        if not _cacheable(request):
            return view(request, pk, *args, **kwargs)
        key, versions, entry = _lookup(request, pk)
        if entry is not None:
            viewed = ViewedThreads(request)
            views = _count_view(pk, viewed)
            if views is not None:
                response = _serve(request, entry, views)
                viewed.save(response)
                return response
        response = view(request, pk, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and _cacheable(request):
            _store(key, versions, pk, response)
        return response

    return wrapper


def _cacheable(request) -> bool:
    return (
        enabled()
        and request.method == "GET"
        and CACHED_QUERY_PARAMETERS.issuperset(request.GET)
        and not request.user.is_authenticated
        and not getattr(request, "htmx", False)
        and not _has_messages(request)
    )


def _has_messages(request) -> bool:
    """Messages waiting are shown on the next page: that one is rendered, not served from the cache."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _lookup(request, thread_id):
    """
    The page's key, the current versions, and the cached page if it was rendered
    under these versions (else ``None``): one round trip to the cache.
    """
    parts = [
        release(),
        translation.get_language() or "",
        request.build_absolute_uri(),
        str(settings.FORUM_REPLIES_PER_PAGE),
    ]
    key = PAGE_KEY.format(hashlib.sha256("\n".join(parts).encode()).hexdigest())
    found = cache.get_many([key, THREAD_VERSION_KEY.format(thread_id), SITE_VERSION_KEY])
    versions = _versions(thread_id, found)
    entry = found.get(key)
    if entry is None or entry[0] != versions:
        return key, versions, None
    return key, versions, entry[1:]


def _count_view(thread_id, viewed) -> int | None:
    """
    Count the visit as ``services.thread_register_view`` does (once per visitor,
    in the database) and return the thread's view count; ``None`` if the thread
    is gone. One query, in plain SQL (it runs on every page served): the UPDATE
    returns the new count, or, when this visitor was counted before, a SELECT
    reads it.
    """
    from .models import Thread

    table = connection.ops.quote_name(Thread._meta.db_table)
    if thread_id in viewed:
        sql = f"SELECT view_count FROM {table} WHERE id = %s"  # noqa: S608
    elif connection.features.can_return_columns_from_insert:  # UPDATE … RETURNING too (PostgreSQL, SQLite ≥ 3.35)
        sql = f"UPDATE {table} SET view_count = view_count + 1 WHERE id = %s RETURNING view_count"  # noqa: S608
    else:
        threads = Thread.objects.filter(pk=thread_id)
        if not threads.update(view_count=F("view_count") + 1):
            return None
        sql = f"SELECT view_count FROM {table} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [thread_id])
        row = cursor.fetchone()
    if row is None:
        return None
    viewed.add(thread_id)
    return row[0]


def _serve(request, entry, views) -> HttpResponse:
    content_type, parts = entry
    token = get_token(request) if CSRF in parts else ""
    values = {VIEWS: localize(views), CSRF: token}
    return HttpResponse(
        "".join(values[part] if isinstance(part, int) else part for part in parts), content_type=content_type
    )


def _store(key, versions, thread_id, response) -> None:
    """Keep the page with the versions read before it was rendered: a change meanwhile makes it stale at once."""
    parts = _split(response.content.decode(response.charset))
    if parts is None:
        return
    timeout = PAGE_TIMEOUT
    closes_at = _closes_at(thread_id)
    if closes_at is not None and closes_at > timezone.now():  # the page changes by itself when the thread closes
        timeout = max(1, min(timeout, int((closes_at - timezone.now()).total_seconds())))
    cache.set(key, (versions, response["Content-Type"], parts), timeout)


def _closes_at(thread_id):
    from .models import Thread

    return Thread.objects.filter(pk=thread_id).values_list("closes_at", flat=True).first()


def _split(html) -> tuple | None:
    """
    The page as strings with the slots VIEWS and CSRF between them, or ``None``
    when the view count cannot be found (then the page is not cached).
    """
    paragraph = _VIEWS_PARAGRAPH.search(html)
    number = paragraph and _NUMBER.search(html, paragraph.start(), paragraph.end())
    if not number:
        return None
    cuts = [(number.start(), number.end(), VIEWS)]
    cuts += [(match.start(1), match.end(1), CSRF) for match in _CSRF_VALUE.finditer(html)]
    parts, position = [], 0
    for start, end, slot in sorted(cuts):
        parts += [html[position:start], slot]
        position = end
    parts.append(html[position:])
    return tuple(parts)


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """With an in-process cache, a change made in one process would not reach the pages another one serves."""
    backend = settings.CACHES["default"]["BACKEND"]
    if enabled() and backend.endswith("LocMemCache"):
        return [
            checks.Info(
                "FORUM_PAGE_CACHE needs a cache shared by all processes (REDIS_URL): with the in-process cache "
                "a page one process serves is not invalidated by a change made in another.",
                id="forum.I101",
            )
        ]
    return []


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
