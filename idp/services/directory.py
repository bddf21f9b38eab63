"""Search in the local establishment directory (a copy of the INSEE SIRENE stock)."""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import aliased

from idp import messages
from idp.models import Establishment
from shared.db import DbSession
from shared.identifiers import compact, is_valid_siren, siret_error

MAX_RESULTS = 50
# A common word ("FORMATION") matches a tenth of the 40 million rows: sorting every match to show 50
# reads them all (seconds). Only the first CANDIDATES matches found are sorted; past MAX_RESULTS the
# result says there are more, and the user adds a word.
CANDIDATES = 1000


@dataclass(frozen=True)
class SearchResult:
    establishments: list[Establishment]
    error: str | None = None  # a French message about the query itself
    more: bool = False  # more establishments match than the MAX_RESULTS returned


# Ligatures that NFKD keeps whole: without this, "ŒUVRE" would lose its first letter.
_LIGATURES = str.maketrans({"Œ": "OE", "Æ": "AE"})
_COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")  # the accents, cedilla … once decomposed
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]+")


def normalize_name(value: str) -> str:
    """Upper case without accents or punctuation runs: "Forma'Loire  Conseil" → "FORMA LOIRE CONSEIL".

    Regular expressions rather than a loop over characters: the importer calls this for every row.
    """
    letters = unicodedata.normalize("NFKD", value).upper().translate(_LIGATURES)
    return _NOT_ALPHANUMERIC.sub(" ", _COMBINING_MARKS.sub("", letters)).strip()


def search_establishments(session: DbSession, query: str) -> SearchResult:
    """By SIRET (14 digits), SIREN (9 digits: the whole company) or words of the name, in any order.

    Open establishments come first, then by name; closed ones are returned too (flagged `closed`).
    """
    digits = compact(query)
    if digits.isdigit() and len(digits) >= 10:
        return _by_siret(session, digits)
    if digits.isdigit() and len(digits) == 9:
        return _by_siren(session, digits)
    name = normalize_name(query)
    if len(name.replace(" ", "")) < 3:  # "a b" would match nearly everything
        return SearchResult([], messages.DIRECTORY_QUERY_TOO_SHORT)
    return _by_name(session, name)


def _by_siret(session: DbSession, digits: str) -> SearchResult:
    error = siret_error(digits)
    if error:
        return SearchResult([], error)
    return SearchResult(list(session.scalars(select(Establishment).where(Establishment.siret == digits))))


def _by_siren(session: DbSession, siren: str) -> SearchResult:
    if not is_valid_siren(siren):
        return SearchResult([], messages.SIREN_INVALID)
    rows = session.scalars(
        select(Establishment).where(Establishment.siren == siren).order_by(Establishment.siret).limit(MAX_RESULTS + 1)
    )
    return _limited(list(rows))


def _name_matches(name: str) -> ColumnElement[bool]:
    """Every word somewhere in the name. Each LIKE '%WORD%' is answered by the trigram index on PostgreSQL;
    words hold only A-Z, 0-9 after normalize_name, so none is a LIKE wildcard."""
    return and_(*(Establishment.search_name.like(f"%{word}%") for word in name.split()))


def _by_name(session: DbSession, name: str) -> SearchResult:
    # The LIMIT inside the subquery is what bounds the work: PostgreSQL stops reading matches there.
    candidates = aliased(
        Establishment, select(Establishment).where(_name_matches(name)).limit(CANDIDATES).subquery("candidates")
    )
    rows = session.scalars(
        select(candidates)
        .order_by(candidates.active.desc(), candidates.search_name, candidates.siret)
        .limit(MAX_RESULTS + 1)
    )
    return _limited(list(rows))


def _limited(rows: list[Establishment]) -> SearchResult:
    return SearchResult(rows[:MAX_RESULTS], more=len(rows) > MAX_RESULTS)


def find_establishment(session: DbSession, siret: str) -> Establishment | None:
    return session.get(Establishment, compact(siret))
