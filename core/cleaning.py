"""
Input cleaning: what members type, before the rules see it. Control characters (C0 and C1: NUL,
escape and the like; a NUL byte even breaks PostgreSQL) are refused in what is stored and dropped
from what is only searched for; text of several lines keeps its line breaks and tabs.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_LINE_BREAKS_AND_TABS = frozenset("\n\r\t")


def is_control_character(char: str, *, multiline: bool = False) -> bool:
    """A C0 or C1 control character; in text of several lines, line breaks and tabs are none."""
    if multiline and char in _LINE_BREAKS_AND_TABS:
        return False
    code = ord(char)
    return code < 32 or 0x7F <= code < 0xA0


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    return any(is_control_character(char, multiline=multiline) for char in value)


def without_control_characters(value: str) -> str:
    """``value`` with its control characters left out (a search as typed, say)."""
    return "".join(char for char in value if not is_control_character(char))


def refuse_control_characters(value: str, *, multiline: bool = False) -> str:
    """``value`` unchanged, or a ``ValidationError`` (code ``control_characters``) if it holds any."""
    if has_control_characters(value, multiline=multiline):
        message = (
            _("This field contains characters that cannot be shown.")
            if multiline
            else _("This field contains characters that cannot be shown, such as tabs or line breaks.")
        )
        raise ValidationError(message, code="control_characters")
    return value


def has_visible_text(value: str) -> bool:
    """Whether ``value`` shows anything: not only spaces or invisible characters (zero-width and the like)."""
    return any(not char.isspace() and unicodedata.category(char) not in {"Cf", "Cc", "Zs"} for char in value)


def clean_plain_text(value: str) -> str:
    """One line of plain text: inner whitespace collapsed, control characters refused, something visible."""
    value = refuse_control_characters(" ".join(value.split()))
    if not has_visible_text(value):
        raise ValidationError(_("This field is required."), code="required")
    return value


def clean_multiline_text(value: str) -> str:
    """Text of several lines: line breaks made ``\\n`` (as the browser counts them), control characters refused."""
    return refuse_control_characters(value.replace("\r\n", "\n").replace("\r", "\n"), multiline=True)
