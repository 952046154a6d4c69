"""
Measure the main pages in-process with django.test.Client, against the data of
``manage.py seed_benchmark``: SQL queries, median and p95 server time, response
size, and a floor (a bare view returning a response of the same size through
the same middleware). Prints a Markdown table and writes docs/benchmarks.md.

Run with ``python -m benchmarks.run`` (``make bench`` seeds first).

Django's and the site's modules are imported inside the functions, after ``_setup()`` has read the
command line and set the environment (DATABASE_URL, the settings) and called ``django.setup()``:
imported at the top they would configure Django before that.
"""

import argparse
import gc
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEVELOPMENT", "true")

# ROOT_URLCONF="benchmarks.run" must find this module's urlpatterns, also when run as __main__.
sys.modules.setdefault("benchmarks.run", sys.modules[__name__])

BASE_DIR = Path(__file__).resolve().parent.parent
DOCS = BASE_DIR / "docs" / "benchmarks.md"

MAX_QUERIES = {"visitor": 8, "member": 12, "moderator": 12}
THREAD_FIRST_PAGE_MS = {"visitor": 10.0, "member": 13.0}
LAST_PAGE_RATIO = 1.2
HOME_MS = {"visitor": 8.0, "member": 10.0}
PASSES = 3  # rounds through all pages (see collect)


# The floor: a bare view returning a fixed response of a given size. --------------------------


@lru_cache(maxsize=64)
def _floor_body(size):
    return b"x" * size


def floor_view(request, size):
    from django.http import HttpResponse

    return HttpResponse(_floor_body(size), content_type="text/html; charset=utf-8")


def _urlpatterns():
    from django.urls import path

    return [path("floor/<int:size>/", floor_view)]


def __getattr__(name):  # the tiny urlconf, built when the resolver first asks for it
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


# Measuring -----------------------------------------------------------------------------------


@dataclass
class Result:
    page: str
    who: str
    url: str
    status: int = 0
    queries: int = 0
    size: int = 0
    times: list = field(default_factory=list)
    floor_times: list = field(default_factory=list)

    @property
    def median(self):
        return statistics.median(self.times) * 1000

    @property
    def p95(self):
        return _p95(self.times) * 1000

    @property
    def floor_median(self):
        return statistics.median(self.floor_times) * 1000

    @property
    def ratio(self):
        return self.median / self.floor_median if self.floor_median else math.inf

    @property
    def queries_ok(self):
        return self.status == 200 and self.queries <= MAX_QUERIES[self.who]


def _p95(values):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _time(client, url, warmup, requests):
    for _ in range(warmup):
        client.get(url)
    gc.collect()
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return times


def measure(result, client, warmup, requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    for _ in range(warmup):
        client.get(result.url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(result.url)
    result.status = response.status_code
    result.queries = len(captured)
    result.size = len(response.content)
    result.times = _time(client, result.url, 0, requests)
    with override_settings(ROOT_URLCONF="benchmarks.run"):
        floor_url = f"/floor/{result.size}/"
        floor = client.get(floor_url)
        assert floor.status_code == 200 and len(floor.content) == result.size, floor.status_code
        result.floor_times = _time(client, floor_url, warmup, requests)
    return result


# The pages -----------------------------------------------------------------------------------


def _setup():
    import django

    # As in production: the database connection is kept between requests (or pooled), not opened
    # for each one, which on PostgreSQL would cost more than many a page.
    if os.environ.get("DATABASE_POOL", "").lower() not in {"1", "true", "yes", "on"}:
        os.environ.setdefault("CONN_MAX_AGE", "60")
    django.setup()


def collect(warmup, requests):
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from accounts.models import User
    from forum.management.commands.seed_benchmark import LOGIN_EMAIL, MODERATOR_EMAIL, THEME_PREFIX
    from forum.models import Reply, Theme, Thread

    login = User.objects.filter(email=LOGIN_EMAIL).first()
    moderator = User.objects.filter(email=MODERATOR_EMAIL).first()
    if login is None or moderator is None:
        raise SystemExit("No benchmark data: run `manage.py seed_benchmark` first (or `make bench`).")
    theme = Theme.objects.filter(slug__startswith=THEME_PREFIX).order_by("position").first()
    long_threads = list(Thread.objects.filter(slug__startswith="lange-discussie-met-").order_by("reply_count"))
    bench_threads = Thread.objects.filter(theme__slug__startswith=THEME_PREFIX)
    sizes = {
        "members": User.objects.filter(handle__startswith="benchlid-").count(),
        "themes": Theme.objects.filter(slug__startswith=THEME_PREFIX).count(),
        "threads": bench_threads.count() - len(long_threads),
        "replies": Reply.objects.filter(thread__in=bench_threads).count(),
        "long_threads": [thread.reply_count for thread in long_threads],
    }
    # "skewed" (seed_benchmark --shape skewed): the longest thread holds most of the replies.
    sizes["skewed"] = bool(long_threads) and 2 * long_threads[-1].reply_count > sizes["replies"]

    per_page = settings.FORUM_REPLIES_PER_PAGE
    pages = [("Home", reverse("forum:home")), (f"Theme ({theme.name})", theme.get_absolute_url())]
    for thread in long_threads:
        last = max(1, math.ceil(thread.reply_count / per_page))
        url = thread.get_absolute_url()
        pages.append((f"Thread {thread.reply_count:,} replies, first page", url))
        pages.append((f"Thread {thread.reply_count:,} replies, last page ({last})", f"{url}?page={last}"))
    pages.append(("Profile", login.get_absolute_url()))

    visitor = Client()
    member = Client()
    member.force_login(login)
    mod = Client()
    mod.force_login(moderator)

    plan = [(name, "visitor", url, visitor) for name, url in pages]
    plan += [(name, "member", url, member) for name, url in pages]
    plan.append(("Notifications", "member", reverse("notifications:list"), member))
    plan.append(("Moderation queue", "moderator", reverse("moderation:moderation_queue"), mod))

    results = []
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # The views as they ship, with the kept bylines and badges (forum/cooked.py) filled by the warm-up.
    # The timed requests of every page are spread over PASSES rounds through all pages, so that a
    # moment the machine is busy falls on many pages a little rather than on one page wholly
    # (a first and a last page compared must have met the same machine).
    per_pass = max(1, math.ceil(requests / PASSES))
    with override_settings(ALLOWED_HOSTS=hosts):
        for name, who, url, client in plan:
            results.append(measure(Result(name, who, url), client, warmup, per_pass))
        for _pass in range(PASSES - 1):
            for result, (_name, _who, url, client) in zip(results, plan, strict=True):
                result.times += _time(client, url, 0, per_pass)
                with override_settings(ROOT_URLCONF="benchmarks.run"):
                    result.floor_times += _time(client, f"/floor/{result.size}/", 0, per_pass)
        for result in results:
            print(
                f"  {result.who:9} {result.page:45} {result.median:7.2f} ms  {result.queries:3} queries",
                file=sys.stderr,
            )
    return results, long_threads, sizes


def checks(results, long_threads, skewed=False):
    """The targets of issues 6 and 13, each (description, passed)."""
    found = []
    for who in ("visitor", "member", "moderator"):
        mine = [result for result in results if result.who == who]
        if mine:
            worst = max(mine, key=lambda result: result.queries)
            failing = [result.page for result in mine if not result.queries_ok]
            found.append(
                (
                    f"{who}: at most {MAX_QUERIES[who]} queries per page and all pages 200 "
                    f"(most: {worst.queries}, {worst.page})" + (f"; failing: {', '.join(failing)}" if failing else ""),
                    not failing,
                )
            )
    if len(long_threads) >= 2:
        medium, large = long_threads[len(long_threads) // 2], long_threads[-1]
        for who, limit in THREAD_FIRST_PAGE_MS.items():
            row = _row(results, who, medium.reply_count, first=True)
            if row:
                found.append(
                    (
                        f"{who}: first page of the {medium.reply_count:,}-reply thread median ≤ {limit:g} ms "
                        f"({row.median:.2f} ms)",
                        row.median <= limit,
                    )
                )
        for who in THREAD_FIRST_PAGE_MS:
            first, last = _row(results, who, large.reply_count, True), _row(results, who, large.reply_count, False)
            if first and last:
                ratio = last.median / first.median
                found.append(
                    (
                        f"{who}: last page of the {large.reply_count:,}-reply thread within {LAST_PAGE_RATIO}× "
                        f"its first page ({last.median:.2f} / {first.median:.2f} ms = {ratio:.2f}×)",
                        ratio <= LAST_PAGE_RATIO,
                    )
                )
        if skewed:
            # One thread holds most replies: a plan made for the average thread (a generic prepared
            # statement on PostgreSQL) would be at its worst on that thread's pages.
            for who in THREAD_FIRST_PAGE_MS:
                first, last = _row(results, who, medium.reply_count, True), _row(results, who, large.reply_count, False)
                if first and last:
                    ratio = last.median / first.median
                    found.append(
                        (
                            f"{who}: last page of the {large.reply_count:,}-reply thread within {LAST_PAGE_RATIO}× "
                            f"the {medium.reply_count:,}-reply thread's first page "
                            f"({last.median:.2f} / {first.median:.2f} ms = {ratio:.2f}×)",
                            ratio <= LAST_PAGE_RATIO,
                        )
                    )
    for who, limit in HOME_MS.items():
        home = _page(results, who, "Home")
        if home:
            found.append((f"{who}: home page median ≤ {limit:g} ms ({home.median:.2f} ms)", home.median <= limit))
    return found


def _page(results, who, name):
    return next((result for result in results if result.who == who and result.page == name), None)


def _row(results, who, reply_count, first):
    prefix = f"Thread {reply_count:,} replies, {'first' if first else 'last'} page"
    return next((result for result in results if result.who == who and result.page.startswith(prefix)), None)


# Reporting -----------------------------------------------------------------------------------


def table(results):
    lines = [
        "| Page | Who | Status | Queries | Median ms | p95 ms | Size KB | Floor median ms | × floor |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        queries = f"{r.queries}" if r.queries_ok else f"**{r.queries} FAIL**"
        lines.append(
            f"| {r.page} | {r.who} | {r.status} | {queries} | {r.median:.2f} | {r.p95:.2f} | "
            f"{r.size / 1024:.1f} | {r.floor_median:.2f} | {r.ratio:.1f} |"
        )
    return "\n".join(lines)


def check_list(found):
    return "\n".join(f"- **{'PASS' if passed else 'FAIL'}** {text}" for text, passed in found)


def commit() -> str:
    """The commit measured, and whether the working tree's code differed from it."""
    git = shutil.which("git")
    if git is None:
        return "unknown"

    def run(*args):
        return subprocess.run([git, *args], cwd=BASE_DIR, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603

    try:
        head = run("rev-parse", "--short", "HEAD")
        # This file itself is rewritten by each run: it does not make the code measured differ.
        dirty = run("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/benchmarks.md")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' with uncommitted changes' if dirty else ''}"


def prepared_statements() -> str:
    """On PostgreSQL: how the connection binds and prepares, and how many statements the server holds prepared."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    options = connection.settings_dict.get("OPTIONS", {})
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        prepared = cursor.fetchone()[0]
        cursor.execute("SHOW plan_cache_mode")
        mode = cursor.fetchone()[0]
    return (
        f"server_side_binding={options.get('server_side_binding', False)}, "
        f"prepare_threshold={options.get('prepare_threshold', 'psycopg default')}, plan_cache_mode={mode}; "
        f"{prepared} statements prepared on the server by the end of the run"
    )


def machine():
    import django
    from django.conf import settings
    from django.db import connection

    version = ""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT sqlite_version()")
            else:
                cursor.execute("SELECT VERSION()")
            version = f" {cursor.fetchone()[0]}"
    except Exception:  # noqa: BLE001, S110  (the version is a nicety)
        pass
    return {
        "Date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "Platform": platform.platform(),
        "Processor": platform.processor() or platform.machine(),
        "CPU count": str(os.cpu_count()),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "Database": f"{connection.vendor}{version}",
        "Cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "Commit measured": commit(),
    }


def document(run_sections, warmup, requests):
    return f"""# Benchmarks

The benchmark suite of issues 6 and 13. It runs on demand only, never in
`make test` or CI:

```sh
make bench                                                         # SQLite, in bench.sqlite3
DATABASE_URL=postgres://postgres@127.0.0.1:5432/ambtenaar_bench make bench   # PostgreSQL
DATABASE_URL=postgres://postgres@127.0.0.1:5432/ambtenaar_bench_skewed \\
    BENCH_SEED_ARGS="--shape skewed" make bench                    # PostgreSQL, one thread holding most replies
make bench-throughput                                              # gunicorn and wrk (below)
```

`make bench` installs, migrates, runs `seed_forum` and `seed_benchmark` (only when
the benchmark data is not there yet) and then `python -m benchmarks.run`, which
prints the table below and rewrites this file, keeping the sections of the other
databases and shapes as their last runs left them. On SQLite it uses its own database
file (`BENCH_DATABASE_URL`, default `sqlite:///bench.sqlite3`), so the development
database is untouched. Seed again with other sizes with, for example:

```sh
DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python manage.py seed_benchmark --reset \\
    --members 500 --threads 2000 --long-threads 20,1000,2000
```

The default sizes are 10,000 members, 20 themes, 100,000 threads (with one
reply each on average) and three long threads of 20, 1,000 and 10,000 replies.
The *skewed* shape (`--shape skewed`) has 6,000 regular threads instead, so the
10,000-reply thread holds most of the about 17,000 replies: the shape where a
plan PostgreSQL makes once for every thread (a generic plan of a prepared
statement, after psycopg has prepared it at its fifth execution) would differ most from a plan
for that one thread. `seed_benchmark` makes a login member `bench@example.nl` (verified, current
terms accepted) and a moderator `bench-moderator@example.nl` (moderators' group,
two-factor authentication).

## How it measures

In-process with `django.test.Client`, through the full middleware stack: per
page {warmup} warm-up requests, then the SQL queries of one request
(`CaptureQueriesContext`) and the server time of {requests} requests (median and
p95), taken in {PASSES} rounds through all pages so that a busy moment of the machine
does not fall on one page alone. The *floor*, the reference each run measures
beside the pages, is a bare Django view returning a fixed
response of the same size through the same middleware, measured the same way (beside
each page, in each round) with the same client;
"× floor" is the page's median divided by the floor's. There is no whole-page
cache: every page is rendered by its view on every request. What is the same for
every viewer is kept in Django's cache (the section's "Cache" line: `RedisCache` when
`REDIS_URL` is set, as in production; the in-process `LocMemCache` without it),
filled by the warm-up: the bylines and badges of posts and a visitor's reply cards
(forum/cooked.py), and on the home page the lines of each discussion, a visitor's
list of discussions, the themes and the latest activity, kept 10 seconds at most
under versions that every change replaces (forum/versions.py). The
database connection is kept between requests (`CONN_MAX_AGE=60`), as in production,
so on PostgreSQL the timed requests run statements psycopg has prepared on the server
(the section's "Prepared statements" line).

Targets: at most {MAX_QUERIES["visitor"]} queries per page for a visitor and
{MAX_QUERIES["member"]} for a member (moderator pages held to the member limit);
the home page in a median of at most {HOME_MS["visitor"]:g} ms for a visitor and
{HOME_MS["member"]:g} ms for a member;
the first page of the 1,000-reply thread in a median of at most
{THREAD_FIRST_PAGE_MS["visitor"]:g} ms for a visitor and {THREAD_FIRST_PAGE_MS["member"]:g} ms
for a member; the last page of the 10,000-reply thread within {LAST_PAGE_RATIO}× its
first page, and in the skewed shape within {LAST_PAGE_RATIO}× the 1,000-reply thread's
first page. Threads list newest replies first, so the last page holds the oldest
replies.

Throughput and memory under gunicorn (requests per second with 16 concurrent
connections, with and without the post cache, and memory per worker) are
measured by `make bench-throughput`: its section follows the in-process results
and is kept when `make bench` rewrites this file.

{run_sections}
"""


SECTION_NAMES = {
    "sqlite": "SQLite",
    "postgresql": "PostgreSQL",
    "sqlite-skewed": "SQLite, one thread holding most replies",
    "postgresql-skewed": "PostgreSQL, one thread holding most replies",
}


def _markers(vendor):
    return f"<!-- in-process run: {vendor} -->", f"<!-- end of in-process run: {vendor} -->"


def kept_run_section(path, vendor) -> str:
    """The in-process section of ``vendor`` in ``path``, kept when a run on the other database rewrites the file."""
    path = Path(path)
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = _markers(vendor)
    if start not in current or end not in current:
        return ""
    return start + current.split(start, 1)[1].split(end, 1)[0] + end


def section_key(vendor, sizes) -> str:
    return f"{vendor}-skewed" if sizes["skewed"] else vendor


def run_section(vendor, results, found, sizes):
    machine_lines = "\n".join(f"| {key} | {value} |" for key, value in machine().items())
    prepared = prepared_statements()
    if prepared:
        machine_lines += f"\n| Prepared statements | {prepared} |"
    long_sizes = ", ".join(f"{size:,}" for size in sizes["long_threads"])
    key = section_key(vendor, sizes)
    start, end = _markers(key)
    if sizes["skewed"]:
        note = (
            "The skewed shape (`seed_benchmark --shape skewed`): the longest thread holds most of the replies, "
            "where a plan made for the average thread would be at its worst."
        )
    elif sizes["threads"] < 100_000:
        note = "These are smaller than the defaults: a check run, not the reference figures."
    else:
        note = ""
    return f"""{start}
## Latest run on {SECTION_NAMES.get(key, key)}

**Sizes used: {sizes["members"]:,} members, {sizes["themes"]} themes, {sizes["threads"]:,} threads,
{sizes["replies"]:,} replies in all, long threads of {long_sizes} replies.**
{note}

| Machine | |
|---|---|
{machine_lines}

{table(results)}

### Checks

{check_list(found)}
{end}"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--warmup", type=int, default=5, help="Warm-up requests per page (default 5).")
    parser.add_argument("--requests", type=int, default=30, help="Measured requests per page (default 30).")
    parser.add_argument("--output", default=str(DOCS), help="Markdown file to write (default docs/benchmarks.md).")
    parser.add_argument("--no-write", action="store_true", help="Print the table only.")
    parser.add_argument("--strict", action="store_true", help="Exit with status 1 when a check fails.")
    options = parser.parse_args(argv)

    _setup()
    results, long_threads, sizes = collect(options.warmup, options.requests)
    found = checks(results, long_threads, skewed=sizes["skewed"])
    print()
    print(table(results))
    print()
    print(check_list(found))
    if not options.no_write:
        from django.db import connection

        from benchmarks.search import kept_section as kept_search_section
        from benchmarks.throughput import kept_section

        # One section per database: this run's, and the other database's as the last run there left it.
        sections = {key: kept_run_section(options.output, key) for key in SECTION_NAMES}
        sections[section_key(connection.vendor, sizes)] = run_section(connection.vendor, results, found, sizes)
        run_sections = "\n\n".join(section for section in sections.values() if section)
        text = document(run_sections, options.warmup, options.requests) + kept_section(options.output)
        text += kept_search_section(options.output)
        Path(options.output).write_text(text, encoding="utf-8")
        print(f"\nWrote {options.output}.")
    return 1 if options.strict and not all(passed for _, passed in found) else 0


if __name__ == "__main__":
    sys.exit(main())
