"""Text as searches compare it: French names without case nor accents, so that « gerante » finds « GÉRANTE »."""

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
