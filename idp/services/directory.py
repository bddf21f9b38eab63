"""Search in the local establishment directory (a copy of the INSEE SIRENE stock)."""

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Select, Text, func, literal, literal_column, select, text
from sqlalchemy.orm import aliased

from idp import messages
from idp.models import DirectoryWord, Establishment
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


def _contains(word: str) -> ColumnElement[bool]:
    """LIKE '%WORD%', answered by the trigram index on PostgreSQL; words hold only A-Z, 0-9 after
    normalize_name, so none is a LIKE wildcard."""
    return Establishment.search_name.like(f"%{word}%")


def _contains_checked_on_rows(word: str) -> ColumnElement[bool]:
    """The same test on an expression no index holds: PostgreSQL checks it on the rows found otherwise."""
    return Establishment.search_name.concat("").like(f"%{word}%")


def _has_one_of(words: list[str]) -> ColumnElement[bool]:
    """The name has one of these words: the expression of the index of words (migration 0013), literally."""
    name_words = func.string_to_array(Establishment.search_name, literal_column("' '"))
    return name_words.op("&&")(literal(words, ARRAY(Text)))


# On PostgreSQL, LIKE '%W1%' AND LIKE '%W2%' … from the trigram index reads the postings of every trigram of every
# word before a single row, common ones included (FOR, ION, CEN …): « centre de formation lyon » took 80–200 ms at
# 10 M establishments, a rare word 15–25. So each word typed is first looked up among the words of the names
# (directory_word, counted at each import: "FORMA" is in FORMATION, FORMATIONS, INFORMATIQUE …), then the rows are
# found by the index of whole words, where PostgreSQL walks the shortest list and skips through the others.
# A word inside too many words ("MAR") is checked on the rows found. When every word is common, reading the rows in
# the table's order finds CANDIDATES matches sooner than any index — but no more than SCANNED_ROWS rows are read:
# words common alone may be rare together, and then the index answers.
MAX_FORMS = 100
COMMON_WORD = 100_000
SCANNED_ROWS = 100_000


def _by_name(session: DbSession, name: str) -> SearchResult:
    words = name.split()
    if session.get_bind().dialect.name != "postgresql":  # SQLite reads every row whatever the plan
        return _sorted_candidates(session, select(Establishment).where(*map(_contains, words)))
    session.execute(text("SET LOCAL jit = off"))  # compiling these statements costs 20–60 ms, more than it saves
    forms = {word: _forms(session, word) for word in set(words) if len(word) >= 3}
    if any(found == {} for found in forms.values()):  # in no name at all
        return SearchResult([])
    looked_up = {word: found for word, found in forms.items() if found is not None}
    if not looked_up or min(sum(found.values()) for found in looked_up.values()) > COMMON_WORD:
        found = _in_the_first_rows(session, words)
        if found.more:  # enough to show, and to say there are more: the candidates' usual bargain
            return found
    if looked_up:
        conditions = [_has_one_of(sorted(found)) for found in looked_up.values()]
        conditions += [_contains_checked_on_rows(word) for word in words if word not in looked_up]
    else:  # only words inside too many words: the trigram index
        conditions = list(map(_contains, words))
    with _through_an_index(session):
        return _sorted_candidates(session, select(Establishment).where(*conditions))


def _in_the_first_rows(session: DbSession, words: list[str]) -> SearchResult:
    """The matches among the table's first SCANNED_ROWS rows, read in order: common words are found there soon."""
    first_rows = aliased(Establishment, select(Establishment).limit(SCANNED_ROWS).subquery("first_rows"))
    return _sorted_candidates(
        session, select(first_rows).where(*(first_rows.search_name.like(f"%{word}%") for word in words))
    )


@contextmanager
def _through_an_index(session: DbSession) -> Iterator[None]:
    """The planner cannot count the rows with one of 40 rare words: it guesses 3 % of the table and bets that reading
    it in order will find CANDIDATES soon (14 s at 10 M rows). Here the rows are known to be few, or not in the
    first SCANNED_ROWS."""
    session.execute(text("SET LOCAL enable_seqscan = off"))
    try:
        yield
    finally:
        session.execute(text("SET LOCAL enable_seqscan = on"))


def _forms(session: DbSession, word: str) -> dict[str, int] | None:
    """The words of the names that contain `word`, with how many establishments carry each; None past MAX_FORMS."""
    rows = session.execute(
        select(DirectoryWord.word, DirectoryWord.establishments)
        .where(DirectoryWord.word.like(f"%{word}%"))
        .limit(MAX_FORMS + 1)
    ).all()
    return None if len(rows) > MAX_FORMS else {form: count for form, count in rows}


def _sorted_candidates(session: DbSession, matches: Select[Any]) -> SearchResult:
    # The LIMIT inside the subquery is what bounds the work: PostgreSQL stops reading matches there.
    candidates = aliased(Establishment, matches.limit(CANDIDATES).subquery("candidates"))
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
