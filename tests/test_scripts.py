"""
The on-demand scripts the README and the Makefile name (`make screenshots`, `make bench`, `make bench-search`,
`make bench-throughput`) start as a fresh shell starts them: without Django's settings in the
environment. A module-level import of the site's code would fail there before the script could set
Django up.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "module",
    [
        "scripts.screenshots",
        "benchmarks.run",
        "benchmarks.throughput",
        "benchmarks.search",
        "benchmarks.create_database",
    ],
)
def test_a_script_can_be_started_from_a_fresh_shell(module):
    environment = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    result = subprocess.run(  # noqa: S603  (the project's own modules, a fixed command)
        [sys.executable, "-c", f"import {module}"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
