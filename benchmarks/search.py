"""
Measure the search results page (``/zoeken/``) in-process with django.test.Client, against the
data of ``manage.py seed_search_benchmark``: p50, p95 and p99 server time and the SQL queries of
one-, two- and three-word Dutch queries, a phrase query and a filtered query (theme and period),
as a visitor and as a moderator. Prints a Markdown table for the "Search" section of
docs/benchmarks.md.

Run with ``python -m benchmarks.search`` (``make bench-search`` seeds first). Django's and the
site's modules are imported inside the functions, after ``_setup()`` (see benchmarks/run.py).
"""

import argparse
import gc
import math
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEVELOPMENT", "true")

BASE_DIR = Path(__file__).resolve().parent.parent
DOCS = BASE_DIR / "docs" / "benchmarks.md"
SECTION_START = "<!-- search: written by benchmarks/search.py -->"
SECTION_END = "<!-- /search -->"
VENDORS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}

P95_MS = 50.0
MAX_QUERIES = 12

QUERIES = [
    ("one word", {"q": "meningsuiting"}),
    ("one word, stemmed", {"q": "ambtenaren"}),
    ("two words", {"q": "gemeente participatie"}),
    ("three words", {"q": "openbare begroting wethouder"}),
    ("phrase", {"q": '"Raad voor het openbaar bestuur"'}),
    ("filtered (theme + period)", {"q": "integriteit", "theme": "{theme}", "since": "{since}", "until": "{until}"}),
]


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000


def _setup():
    import django

    if os.environ.get("DATABASE_POOL", "").lower() not in {"1", "true", "yes", "on"}:
        os.environ.setdefault("CONN_MAX_AGE", "60")
    django.setup()


def collect(warmup, requests):
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from accounts.models import User
    from forum.models import Reply, Theme, Thread
    from search.management.commands.seed_search_benchmark import MODERATOR_EMAIL, THEME_PREFIX

    moderator = User.objects.filter(email=MODERATOR_EMAIL).first()
    theme = Theme.objects.filter(slug__startswith=THEME_PREFIX).order_by("position").first()
    if moderator is None or theme is None:
        raise SystemExit("No search benchmark data: run `manage.py seed_search_benchmark` first.")
    newest = Thread.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    values = {
        "theme": theme.slug,
        "since": (newest.date().replace(day=1)).isoformat(),
        "until": newest.date().isoformat(),
    }
    sizes = {"replies": Reply.objects.count(), "threads": Thread.objects.count(), "vendor": connection.vendor}
    visitor = Client()
    mod = Client()
    mod.force_login(moderator)
    base = reverse("search:results")
    rows = []
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        for who, client in (("visitor", visitor), ("moderator", mod)):
            for name, params in QUERIES:
                url = f"{base}?{urlencode({key: value.format(**values) for key, value in params.items()})}"
                for _ in range(warmup):
                    client.get(url)
                captured = []

                def count(execute, sql, params, many, context, captured=captured):
                    captured.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    response = client.get(url)
                gc.collect()
                times = []
                for _ in range(requests):
                    start = time.perf_counter()
                    client.get(url)
                    times.append(time.perf_counter() - start)
                row = {
                    "who": who,
                    "name": name,
                    "url": url,
                    "status": response.status_code,
                    "queries": len(captured),
                    "p50": statistics.median(times) * 1000,
                    "p95": _percentile(times, 0.95),
                    "p99": _percentile(times, 0.99),
                }
                rows.append(row)
                print(f"  {who:9} {name:28} p95 {row['p95']:7.2f} ms  {row['queries']:3} queries", file=sys.stderr)
    return rows, sizes


def report(rows, sizes, requests):
    lines = [
        f"{sizes['vendor']}, {sizes['replies']:,} replies in {sizes['threads']:,} threads, "
        f"{requests} timed requests per row.",
        "",
        "| Who | Query | Status | Queries | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {row['who']} | {row['name']} (`{row['url']}`) | {row['status']} | {row['queries']} | "
        f"{row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} |"
        for row in rows
    ]
    worst = max(rows, key=lambda row: row["p95"])
    most = max(rows, key=lambda row: row["queries"])
    lines += [
        "",
        f"- p95 ≤ {P95_MS:g} ms: {'met' if worst['p95'] <= P95_MS else 'NOT met'} "
        f"(slowest: {worst['who']}, {worst['name']}, {worst['p95']:.1f} ms)",
        f"- at most {MAX_QUERIES} queries: {'met' if most['queries'] <= MAX_QUERIES else 'NOT met'} "
        f"(most: {most['queries']}, {most['who']}, {most['name']})",
        f"- every page 200: {'yes' if all(row['status'] == 200 for row in rows) else 'NO'}",
    ]
    return "\n".join(lines)


def _between(text, start, end):
    if start not in text or end not in text:
        return ""
    return start + text.split(start, 1)[1].split(end, 1)[0] + end


def kept_section(path) -> str:
    """This benchmark's section of ``path``, for benchmarks/run.py to keep when it rewrites the file."""
    path = Path(path)
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = _between(current, SECTION_START, SECTION_END)
    return "\n" + kept + "\n" if kept else ""


def _run_markers(vendor):
    return f"<!-- search run: {vendor} -->", f"<!-- end of search run: {vendor} -->"


def section(current, vendor, run_text, note):
    """The "Search" section: its introduction, this run's figures and the other database's last ones."""
    runs = {key: _between(current, *_run_markers(key)) for key in VENDORS}
    start, end = _run_markers(vendor)
    runs[vendor] = f"{start}\n### Latest run on {VENDORS.get(vendor, vendor)}\n\n{note}\n\n{run_text}\n{end}"
    body = "\n\n".join(run for run in runs.values() if run)
    return f"""{SECTION_START}
## Search

`make bench-search` (PostgreSQL by default, `BENCH_SEARCH_DATABASE_URL`) migrates, runs `seed_forum` and
`manage.py seed_search_benchmark --if-missing --replies $BENCH_SEARCH_REPLIES` (default 1,000,000): ten
themes, 500 members, a thread per 25 replies and replies composed from a few hundred Dutch words of the
civil service in their inflections (ambtenaar/ambtenaren, meningsuiting, gemeente, Woo-verzoek, Raad voor
het openbaar bestuur, …), one to three of 4,000 distinct paragraphs each, then the index built by
`search.services.reindex_all` (as `search_reindex`). `python -m benchmarks.search` then requests the
results page `/zoeken/` in-process (django.test.Client, as `make bench`) for each query below, as a
visitor and as a moderator (two-factor authentication set up), and rewrites this section. Targets of
issue 14: p95 ≤ {P95_MS:g} ms and at most {MAX_QUERIES} queries on PostgreSQL at 1,000,000 replies and on
SQLite at 100,000. Smaller sizes: `BENCH_SEARCH_REPLIES=100000 make bench-search`; SQLite:
`BENCH_SEARCH_DATABASE_URL=sqlite:///bench-search.sqlite3 make bench-search`.

{body}
{SECTION_END}
"""


def write_section(path, vendor, run_text, note):
    """Replace this benchmark's section of ``path``, or add it at the end."""
    path = Path(path)
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    text = section(current, vendor, run_text, note)
    if SECTION_START in current and SECTION_END in current:
        before, rest = current.split(SECTION_START, 1)
        updated = before + text.rstrip("\n") + rest.split(SECTION_END, 1)[1]
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    path.write_text(updated, encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100, help="Timed requests per query and role (default 100).")
    parser.add_argument("--note", default="", help="A line written above the figures (the machine's state, say).")
    parser.add_argument("--output", default=str(DOCS), help="Markdown file to update (default docs/benchmarks.md).")
    parser.add_argument("--no-write", action="store_true", help="Print the figures only.")
    options = parser.parse_args(argv)
    _setup()
    rows, sizes = collect(options.warmup, options.requests)
    text = report(rows, sizes, options.requests)
    print(text)
    if not options.no_write:
        write_section(options.output, sizes["vendor"], text, options.note)
        print(f"\nWrote the search section of {options.output}.")


if __name__ == "__main__":
    main()
