"""
Create the benchmark's PostgreSQL database when it is not there yet, so that `make bench`,
`make bench-throughput` and `make bench-search` work on a fresh machine as the README gives them:
``python -m benchmarks.create_database URL``. A SQLite URL needs nothing (the file is made on
first use). Uses psycopg directly: Django cannot connect to a database that does not exist.
"""

import sys
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql


def create_database(url: str) -> bool:
    """Create the database ``url`` names if it is a PostgreSQL one that is missing; whether it did."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return False
    name = unquote(parts.path.lstrip("/"))
    maintenance = urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


if __name__ == "__main__":
    url = sys.argv[1]
    if create_database(url):
        print(f"Created the database of {urlsplit(url)._replace(netloc=urlsplit(url).hostname or '').geturl()}.")
