"""Paging, and searching text the way French names want it (case and accents aside), for the gestionnaire's lists.

Both run in the database: a page is LIMIT/OFFSET, a search is LIKE on a folded expression.
"""

import math
import sqlite3
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, String, event, func
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from shared.identifiers import compact

PAGE_SIZE = 20
MAX_SEARCH_TERMS = 5

T = TypeVar("T")

# What searches ignore: accents (and case), so that « gerante » finds « GÉRANTE ».
_ACCENTS = {
    "à": "a", "â": "a", "ä": "a", "á": "a", "ç": "c", "é": "e", "è": "e", "ê": "e", "ë": "e",
    "î": "i", "ï": "i", "í": "i", "ô": "o", "ö": "o", "ó": "o", "ù": "u", "û": "u", "ü": "u",
    "ú": "u", "ÿ": "y", "ñ": "n", "œ": "oe", "æ": "ae",
}  # fmt: skip


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list: its items, the total, and which page of how many it is."""

    items: list[T]
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    def window(self, around: int = 2) -> list[int | None]:
        """The page numbers to offer: the first, the last and those around the current one (None: a gap)."""
        shown = sorted({1, self.count, *range(max(1, self.number - around), min(self.count, self.number + around) + 1)})
        numbers: list[int | None] = []
        for previous, current in zip([0, *shown], shown, strict=False):
            if current - previous > 1:
                numbers.append(None)
            numbers.append(current)
        return numbers


def page_number(total: int, wanted: int | None, size: int = PAGE_SIZE) -> int:
    """The page to show: the one asked for, kept between the first and the last."""
    return min(max(1, wanted or 1), max(1, math.ceil(total / size)))


def fold(text: str) -> str:
    """Lower case without accents, as `fold_sql` computes it in the database."""
    text = text.lower()
    for accented, plain in _ACCENTS.items():
        text = text.replace(accented, plain)
    return text


class folded(FunctionElement[str]):
    """`fold` in SQL. PostgreSQL: lower() then translate() (its lower() only knows ASCII under the C locale);
    SQLite, whose parser cannot nest that many replace() calls: `fold` itself, registered on each connection."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _compile_folded(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    single = {accented: plain for accented, plain in _ACCENTS.items() if len(plain) == 1}
    source = "".join(single) + "".join(single).upper()
    expression = func.translate(func.lower(*element.clauses), source, "".join(single.values()) * 2)
    for accented, plain in _ACCENTS.items():
        if len(plain) > 1:
            expression = func.replace(func.replace(expression, accented, plain), accented.upper(), plain)
    return compiler.process(expression, **kw)


@compiles(folded, "sqlite")
def _compile_folded_sqlite(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"fold_text({compiler.process(element.clauses, **kw)})"


@event.listens_for(Engine, "connect")
def _register_fold(connection: Any, record: Any) -> None:
    if isinstance(connection, sqlite3.Connection):
        connection.create_function("fold_text", 1, _fold_or_null, deterministic=True)


def _fold_or_null(text: str | None) -> str | None:
    return None if text is None else fold(text)


def fold_sql(expression: ColumnElement[str]) -> ColumnElement[str]:
    """`fold` computed by the database, on PostgreSQL and SQLite alike."""
    return folded(expression)


def search_terms(query: str) -> list[str]:
    """Words to find, each in any field; a number typed with spaces (« 997 915 665 ») is one term."""
    if compact(query).isdigit():
        return [compact(query)]
    return [fold(word) for word in query.split()][:MAX_SEARCH_TERMS]
