"""What search does with text without a database: folding, stems, the query's clauses, the passage."""

from search.text import MAX_QUERY_LENGTH, fold, parse, passage, plain_text, stem, synonym_groups

GROUPS = synonym_groups([("Woo", "Wet open overheid"), ("Rob", "Raad voor het openbaar bestuur")])


def test_accents_fold_and_forms_share_a_stem():
    assert fold("Financiën") == "financien"
    assert stem("ambtenaren") == stem("ambtenaar")
    assert stem(fold("meningsuitingen")) == stem("meningsuiting")


def test_syntax_of_either_database_is_no_syntax():
    query = parse('NEAR(a* & b) | !c:* <-> "d -e" ^f AND g')
    words = [alternative for clause in query.clauses for alternative in clause.alternatives]
    assert words == [("near",), ("a",), ("b",), ("c",), ("d", "e"), ("f",), ("and",), ("g",)]


def test_quotes_make_a_phrase_and_an_unclosed_quote_runs_to_the_end():
    assert parse('"open data" beleid').clauses[0].alternatives == (("open", "data"),)
    assert parse('beleid "open data').clauses[1].alternatives == (("open", "data"),)


def test_synonyms_become_one_clause_of_every_form():
    for typed in ("Woo", "wet open overheid", '"Wet open overheid"'):
        (clause,) = parse(typed, synonyms=GROUPS).clauses
        assert set(clause.alternatives) == {("woo",), ("wet", "open", "overheid")}
    clauses = parse("advies van de Rob", synonyms=GROUPS).clauses
    assert [clause.alternatives for clause in clauses] == [
        (("advies",),),
        (("raad", "voor", "het", "openbaar", "bestuur"), ("rob",)),
    ]


def test_stop_words_alone_say_so_and_nothing_else_does():
    assert parse("de het een").only_common_words
    assert not parse("").only_common_words and parse("").is_empty
    assert not parse("&|!").only_common_words and parse("&|!").is_empty


def test_control_characters_are_dropped_and_long_input_cut():
    assert parse("nul\x00byte").clauses[0].alternatives == (("nulbyte",),)
    query = parse("a" * 10_000)
    assert query.was_cut and len(query.text) == MAX_QUERY_LENGTH


def test_plain_text_keeps_words_apart_and_unescapes():
    html = "<p>Een</p><p>twee &amp; <strong>drie</strong></p><ul><li>vier</li></ul>"
    assert plain_text(html) == "Een twee & drie vier"


def test_the_passage_holds_the_matches_in_their_original_form():
    text = " ".join(["woord"] * 50 + ["De", "Ambtenaren", "schrijven"] + ["woord"] * 50)
    found = passage(text, frozenset({stem("ambtenaar")}))
    assert ("Ambtenaren", True) in found.pieces
    assert found.starts_inside and found.ends_inside
    assert sum(len(piece.split()) for piece, _match in found.pieces) == 30
