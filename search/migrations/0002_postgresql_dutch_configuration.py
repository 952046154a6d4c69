"""
PostgreSQL only: the text search configuration "ambtenaar_dutch" ("dutch" with accents folded by
unaccent, so "financiën" finds "financien") and the GIN index of the entries' vectors. On other
databases this migration does nothing (SQLite searches through its FTS5 table, migration 0003).
"""

from django.db import migrations

FORWARD = [
    # Trusted since PostgreSQL 13: the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ambtenaar_dutch",
    "CREATE TEXT SEARCH CONFIGURATION ambtenaar_dutch (COPY = pg_catalog.dutch)",
    "ALTER TEXT SEARCH CONFIGURATION ambtenaar_dutch"
    " ALTER MAPPING FOR hword, hword_part, word, asciihword, asciiword, hword_asciipart WITH unaccent, dutch_stem",
    "CREATE INDEX search_entry_vector_idx ON search_entry USING gin (vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_vector_idx",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ambtenaar_dutch",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index_and_synonyms")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
