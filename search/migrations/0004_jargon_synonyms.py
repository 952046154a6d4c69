"""The jargon the community uses most, found by either form; administrators add more in the admin."""

from django.db import migrations

SYNONYMS = [
    ("Rob", "Raad voor het openbaar bestuur"),
    ("Woo", "Wet open overheid"),
    ("AW", "Ambtenarenwet"),
]


def forward(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, meaning in SYNONYMS:
        Synonym.objects.get_or_create(term=term, meaning=meaning)


def backward(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, meaning in SYNONYMS:
        Synonym.objects.filter(term=term, meaning=meaning).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_sqlite_fts5_table")]

    operations = [migrations.RunPython(forward, backward)]
