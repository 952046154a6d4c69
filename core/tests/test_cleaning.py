"""Input cleaning: one definition of a control character for every field and search."""

import pytest
from django.core.exceptions import ValidationError

from core.cleaning import (
    clean_multiline_text,
    clean_plain_text,
    has_control_characters,
    has_visible_text,
    without_control_characters,
)


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\x9f"])
def test_c0_and_c1_control_characters_are_refused(char):
    assert has_control_characters(f"a{char}b")
    assert has_control_characters(f"a{char}b", multiline=True)
    with pytest.raises(ValidationError) as error:
        clean_multiline_text(f"regel{char}")
    assert error.value.code == "control_characters"


def test_text_of_several_lines_keeps_line_breaks_and_tabs():
    assert clean_multiline_text("een\r\ntwee\rdrie\tvier") == "een\ntwee\ndrie\tvier"
    assert has_control_characters("een\ntwee")
    assert not has_control_characters("een\ntwee\ttab", multiline=True)


def test_one_line_is_collapsed_and_must_show_something():
    assert clean_plain_text("  Anouk \t de  Vries\n") == "Anouk de Vries"
    with pytest.raises(ValidationError) as error:
        clean_plain_text("Anouk\x00")
    assert error.value.code == "control_characters"
    with pytest.raises(ValidationError) as error:
        clean_plain_text("\u200b \u200d")
    assert error.value.code == "required"


def test_a_search_drops_control_characters():
    assert without_control_characters("ja\x00n\x9f") == "jan"
    assert not has_visible_text("\u200b\u00a0 ")
    assert has_visible_text("é")
