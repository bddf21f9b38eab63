"""Text as searches compare it: French names without case nor accents, so that « gerante » finds « GÉRANTE »; and
the control characters no typed text holds."""

import re

_ACCENTS = {
    "à": "a", "â": "a", "ä": "a", "á": "a", "ç": "c", "é": "e", "è": "e", "ê": "e", "ë": "e",
    "î": "i", "ï": "i", "í": "i", "ô": "o", "ö": "o", "ó": "o", "ù": "u", "û": "u", "ü": "u",
    "ú": "u", "ÿ": "y", "ñ": "n", "œ": "oe", "æ": "ae",
}  # fmt: skip


def fold(text: str) -> str:
    """Lower case without accents."""
    text = text.lower()
    for accented, plain in _ACCENTS.items():
        text = text.replace(accented, plain)
    return text


# C0 controls but line breaks and tabs, DEL and C1 controls: never typed, only pasted, forged or imported; PostgreSQL
# refuses NUL in a text column, openpyxl refuses C0 controls in a cell.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_character(text: str) -> bool:
    """Whether a multi-line text (a comment typed or imported) holds a control character other than its line breaks
    and tabs."""
    return bool(CONTROL_IN_TEXT.search(text))
