"""PostgreSQL's own parts of search: the configuration, the stored weighted vectors and their GIN index."""

import pytest
from django.db import connection

from forum.tests.factories import ThemeFactory, ThreadFactory, UserFactory
from search.models import CONFIGURATION, Entry

pytestmark = pytest.mark.postgresql


def test_the_configuration_folds_accents_and_stems_dutch(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector(%s::regconfig, %s)::text", [CONFIGURATION, "Financiën ambtenaren"])
        (vector,) = cursor.fetchone()
    assert vector == "'ambtenar':2 'financien':1"


def test_each_entry_stores_its_vector_with_the_title_weighted_above_the_text(db):
    thread = ThreadFactory(theme=ThemeFactory(), author=UserFactory(), title="Meningsuiting", body="Ambtenaren")
    vector = Entry.objects.values_list("vector", flat=True).get(thread=thread, reply=None)
    assert "'meningsuit':1A" in vector and "'ambtenar':2B" in vector


def test_the_vectors_have_a_gin_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_entry_vector_idx'")
        (definition,) = cursor.fetchone()
    assert "USING gin (vector)" in definition
