"""Benchmarks of the pages that matter, run on demand with `make bench` (not part of `make test`)."""
