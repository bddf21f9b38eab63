"""Amounts as people type them (« 1 234,56 ») to integer cents and back: money never goes through a float."""

import re
from decimal import Decimal

# Up to 13 digits of euros: any amount fits a BIGINT of cents, and a pasted page of digits is refused early.
_AMOUNT = re.compile(r"(-?)(\d{1,13})(?:[,.](\d{1,2}))?")
_COUNT = re.compile(r"\d{1,12}")
# Thousands separators people (and spreadsheets) type: space, no-break space, narrow no-break space.
_SPACES = str.maketrans("", "", " \u00a0\u202f")


class InvalidAmount(ValueError):
    pass


class InvalidCount(ValueError):
    pass


def parse_amount(text: str) -> int | None:
    """Euros with at most two decimals, comma or dot, spaces between thousands → cents; blank → None."""
    compact = text.strip().translate(_SPACES)
    if not compact:
        return None
    match = _AMOUNT.fullmatch(compact)
    if match is None:
        raise InvalidAmount(text)
    sign, euros, decimals = match.groups()
    cents = int(euros) * 100 + int((decimals or "0").ljust(2, "0"))
    return -cents if sign else cents


def parse_count(text: str) -> int | None:
    """A whole number ≥ 0, spaces between thousands allowed; blank → None."""
    compact = text.strip().translate(_SPACES)
    if not compact:
        return None
    if _COUNT.fullmatch(compact) is None:
        raise InvalidCount(text)
    return int(compact)


def format_amount(cents: int) -> str:
    """« 1 234,56 » (narrow no-break space between thousands, as French typography and Babel write it)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", "\u202f") + f",{rest:02d}"


def format_variation(percent: Decimal | None) -> str:
    """« +12,5 % », « -3,0 % », « 0,0 % » (narrow no-break spaces, as French typography writes them); « — » when
    there is nothing to compare with."""
    if percent is None:
        return "—"
    sign = "+" if percent > 0 else "-" if percent < 0 else ""
    whole, _, decimals = f"{abs(percent):.1f}".partition(".")
    return f"{sign}{int(whole):,}".replace(",", "\u202f") + f",{decimals}\u202f%"
