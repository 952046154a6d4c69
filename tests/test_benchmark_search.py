"""The search benchmark's section of docs/benchmarks.md: each database's last run kept, the rest untouched."""

from benchmarks.search import kept_section, write_section


def test_a_run_replaces_its_own_figures_and_keeps_the_other_database_and_the_rest(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\nThe other sections.\n", encoding="utf-8")

    write_section(path, "postgresql", "PG figures, first run", "a note")
    write_section(path, "sqlite", "SQLite figures", "")
    write_section(path, "postgresql", "PG figures, second run", "")
    text = path.read_text(encoding="utf-8")

    assert text.startswith("# Benchmarks\n\nThe other sections.\n")
    assert text.count("## Search") == 1
    assert "PG figures, second run" in text
    assert "SQLite figures" in text
    assert "first run" not in text
    assert "PG figures, second run" in kept_section(path)
