"""
gunicorn settings for benchmarks/throughput.py (``-c python:benchmarks.gunicorn_counting``):
instead of an access log, each worker counts the thread pages it served to new
visitors and writes the counts when it stops.

The view-count check needs those numbers. An access log would give them, but
gunicorn writes none unless told to, nor does a deployment behind a web server
that logs; formatting a line per request cost the cached page up to a tenth of
its throughput, a cost the site would not have.
"""

import json
import os
from collections import Counter
from pathlib import Path

from gunicorn.glogging import Logger

# Where each worker writes {path: responses}: set by benchmarks/throughput.py.
COUNTS_DIR = "BENCH_SERVED_DIR"


class CountingLogger(Logger):
    """gunicorn's logger, counting the 200 responses to GET requests without cookies (new visitors), per path."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.served = Counter()

    def access(self, resp, req, environ, request_time):
        if resp.status_code == 200 and environ.get("REQUEST_METHOD") == "GET" and not environ.get("HTTP_COOKIE"):
            self.served[environ.get("PATH_INFO", "")] += 1
        super().access(resp, req, environ, request_time)


logger_class = CountingLogger


def worker_exit(server, worker):
    folder = os.environ.get(COUNTS_DIR)
    if folder:
        Path(folder, f"{worker.pid}.json").write_text(json.dumps(worker.log.served), encoding="utf-8")
