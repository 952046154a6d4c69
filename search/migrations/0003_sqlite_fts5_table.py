"""
SQLite only: the FTS5 table of the entries' Dutch stems (``search.models.FtsEntry``, rowid = the
entry's id). The stems are folded and stemmed in Python (``search.text``), so the table's own
tokenizer only splits them at the spaces. On other databases this migration does nothing.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgresql_dutch_configuration")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
