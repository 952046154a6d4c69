"""
Where a page's CPU time goes: one page requested in-process many times under cProfile, each
function's own time put in the part of the stack its code belongs to (templates, the ORM and
the database driver, the cache and Redis, middleware, the project's code, ...). The parts add up
to the whole, so they say what a page would gain from each kind of work, which requests per
second alone cannot. Used by benchmarks/throughput.py for the new visitors' thread page.
"""

import cProfile
import time
from dataclasses import dataclass

# The first matching part of a function's file path names its part; the order matters.
PARTS = [
    ("Templates (Django's template engine)", ("django/template/", "django/templatetags/", "/templatetags/")),
    ("ORM and database driver", ("django/db/", "psycopg", "sqlite3")),
    ("Cache (Django's cache framework, Redis client)", ("django/core/cache/", "/redis/")),
    (
        "Middleware, sessions, CSRF, messages, auth",
        ("django/middleware/", "django/contrib/", "allauth/", "django_htmx/", "whitenoise/", "/middleware.py"),
    ),
    ("URL resolving and reversing", ("django/urls/",)),
    ("Translations, dates, formats, escaping", ("django/utils/", "gettext", "babel")),
    ("Context-local lookups (asgiref: language, time zone, connections)", ("asgiref/",)),
    ("Request and response handling", ("django/core/handlers/", "django/http/", "django/core/signing")),
    ("The test client (not in production)", ("django/test/",)),
    ("The project's own code", ("/forum/", "/accounts/", "/core/", "/notifications/", "/moderation/", "/outbox/")),
]
OTHER = "Python's standard library and other packages"


@dataclass
class Profile:
    page: str
    requests: int
    cpu_ms: float  # CPU time per request without the profiler
    parts: dict  # part name -> share of the profiled time (0..1)


def _part(filename: str) -> str:
    for name, needles in PARTS:
        if any(needle in filename for needle in needles):
            return name
    return OTHER


def profile(page: str, request, requests: int = 200, warmup: int = 20) -> Profile:
    """Profile ``request()`` (one page request, e.g. a test client's ``get``) ``requests`` times."""
    for _ in range(warmup):
        request()
    start = time.process_time()
    for _ in range(requests):
        request()
    cpu_ms = (time.process_time() - start) * 1000 / requests
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        request()
    profiler.disable()
    totals: dict[str, float] = {}
    for entry in profiler.getstats():  # each function once, with its own time (inlinetime)
        if not hasattr(entry.code, "co_filename"):
            continue  # a built-in: counted below, with the code that called it
        part = _part(entry.code.co_filename)
        totals[part] = totals.get(part, 0.0) + entry.inlinetime
        for call in entry.calls or ():
            if not hasattr(call.code, "co_filename"):
                totals[part] += call.inlinetime
    whole = sum(totals.values()) or 1.0
    return Profile(page, requests, cpu_ms, {name: value / whole for name, value in totals.items()})


def table(found: Profile) -> str:
    lines = ["| Part of the stack | Share of the CPU time | ms of a request |", "|---|---:|---:|"]
    for name, share in sorted(found.parts.items(), key=lambda item: -item[1]):
        lines.append(f"| {name} | {share:.0%} | {share * found.cpu_ms:.2f} |")
    return "\n".join(lines)
