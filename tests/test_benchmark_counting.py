"""benchmarks/gunicorn_counting.py: the throughput benchmark's count of pages served to new visitors."""

from types import SimpleNamespace

from gunicorn.config import Config

from benchmarks.gunicorn_counting import COUNTS_DIR, CountingLogger, worker_exit
from benchmarks.throughput import served_views

THREAD = "/discussie/7-een-discussie/"


def test_each_worker_counts_new_visitors_pages_and_the_benchmark_adds_them_up(tmp_path, monkeypatch):
    monkeypatch.setenv(COUNTS_DIR, str(tmp_path))
    workers = []
    for pid, requests in (
        (101, [(200, "GET", THREAD, ""), (200, "GET", THREAD, ""), (200, "GET", THREAD, "forum_viewed=1")]),
        (102, [(200, "GET", THREAD, ""), (301, "GET", THREAD, ""), (200, "POST", THREAD, ""), (200, "GET", "/", "")]),
    ):
        logger = CountingLogger(Config())
        for status, method, path, cookie in requests:
            environ = {"REQUEST_METHOD": method, "PATH_INFO": path}
            if cookie:
                environ["HTTP_COOKIE"] = cookie
            logger.access(SimpleNamespace(status_code=status), None, environ, None)
        workers.append(SimpleNamespace(pid=pid, log=logger))
    for worker in workers:
        worker_exit(None, worker)
    # Counted: GET, 200, no cookies, this page: two in the first worker, one in the second.
    assert served_views(tmp_path, THREAD) == 3
    assert served_views(tmp_path, "/") == 1
    assert served_views(tmp_path / "nothing here", THREAD) == 0
