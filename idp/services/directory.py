"""Search in the local establishment directory (a copy of the INSEE SIRENE stock)."""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from idp.models import Establishment
from shared.db import DbSession
from shared.identifiers import compact, is_valid_siren, siret_error

MAX_RESULTS = 50


@dataclass(frozen=True)
class SearchResult:
    establishments: list[Establishment]
    error: str | None = None  # a French message about the query itself


def normalize_name(value: str) -> str:
    """Upper case without accents or punctuation runs: "Forma'Loire  Conseil" → "FORMA LOIRE CONSEIL"."""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(char for char in decomposed if not unicodedata.combining(char)).upper()
    return re.sub(r"[^A-Z0-9]+", " ", letters).strip()


def search_establishments(session: DbSession, query: str) -> SearchResult:
    """By SIRET (14 digits), SIREN (9 digits: the whole company) or part of the name."""
    from idp import messages

    digits = compact(query)
    if digits.isdigit() and len(digits) == 14:
        error = siret_error(digits)
        if error:
            return SearchResult([], error)
        return SearchResult(list(session.scalars(select(Establishment).where(Establishment.siret == digits))))
    if digits.isdigit() and len(digits) == 9:
        if not is_valid_siren(digits):
            return SearchResult([], messages.SIREN_INVALID)
        rows = session.scalars(
            select(Establishment).where(Establishment.siren == digits).order_by(Establishment.siret).limit(MAX_RESULTS)
        )
        return SearchResult(list(rows))
    if digits.isdigit() and len(digits) > 9:
        return SearchResult([], siret_error(digits))
    name = normalize_name(query)
    if len(name) < 3:
        return SearchResult([], messages.DIRECTORY_QUERY_TOO_SHORT)
    pattern = "%" + name.replace(" ", "%") + "%"
    rows = session.scalars(
        select(Establishment)
        .where(Establishment.search_name.like(pattern))
        .order_by(Establishment.active.desc(), Establishment.search_name, Establishment.siret)
        .limit(MAX_RESULTS)
    )
    return SearchResult(list(rows))


def find_establishment(session: DbSession, siret: str) -> Establishment | None:
    return session.get(Establishment, compact(siret))
