"""The project's settings with the benchmark's floor view added to the URLs (benchmarks/urls.py)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Two workers and the benchmark write at once (view counts, sessions, a reply): readers must not
    # block the writer (WAL), and a write transaction takes the lock when it starts, so SQLite's busy
    # timeout applies instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
    )
