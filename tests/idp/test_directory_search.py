"""Search in the establishment directory: by SIRET, by SIREN, by name (demo directory)."""

import pytest
from flask import Flask

from idp import messages
from idp.extensions import db
from idp.services import directory
from idp.services.directory import MAX_RESULTS, normalize_name, search_establishments
from tests.idp import factories
from tests.idp.factories import establishment_row, make_siret


def import_establishments(*rows: dict[str, str]) -> None:
    factories.import_establishments(db.session, *rows)


FORMA_LOIRE = ["99791566500019", "99791566500027", "99791566500035"]  # siège, Saint-Nazaire, Angers
# By name: « FORMA'LOIRE ANJOU », « FORMA'LOIRE ESTUAIRE », « FORMA'LOIRE » (+ company name).
FORMA_LOIRE_BY_NAME = ["99791566500035", "99791566500027", "99791566500019"]


def sirets(query: str) -> list[str]:
    result = search_establishments(db.session, query)
    assert result.error is None
    return [establishment.siret for establishment in result.establishments]


def error_of(query: str) -> str | None:
    result = search_establishments(db.session, query)
    assert result.establishments == []
    return result.error


@pytest.mark.parametrize("query", ["87903689500016", "879 036 895 00016", " 879.036.895-00016 "])
def test_a_siret_finds_its_establishment(app: Flask, query: str) -> None:
    assert sirets(query) == ["87903689500016"]


def test_an_unknown_valid_siret_finds_nothing_without_error(app: Flask) -> None:
    assert sirets(make_siret("991234568", 1)) == []


def test_a_siret_with_a_wrong_key_is_refused(app: Flask) -> None:
    assert error_of("879 036 895 00017") == "Ce numéro SIRET n'est pas valide."


@pytest.mark.parametrize("query", ["8790368950001", "879036895000160"])
def test_a_number_of_the_wrong_length_asks_for_14_digits(app: Flask, query: str) -> None:
    assert error_of(query) == "Le SIRET doit comporter 14 chiffres."


@pytest.mark.parametrize("query", ["997915665", "997 915 665"])
def test_a_siren_finds_every_establishment_of_the_company(app: Flask, query: str) -> None:
    assert sirets(query) == FORMA_LOIRE


def test_a_siren_with_a_wrong_key_is_refused(app: Flask) -> None:
    assert error_of("997915666") == messages.SIREN_INVALID


@pytest.mark.parametrize("query", ["forma'loire", "FORMA LOIRE", "Forma’Loire", "  forma-loire ", "FORMA'LOIRE"])
def test_a_name_is_found_whatever_its_case_and_punctuation(app: Flask, query: str) -> None:
    assert sirets(query) == FORMA_LOIRE_BY_NAME


@pytest.mark.parametrize("query", ["opérateur de compétences", "OPERATEUR DE COMPETENCES", "Opérateur compétences"])
def test_accents_in_the_query_do_not_matter(app: Flask, query: str) -> None:
    assert sirets(query) == ["87903689500016"]


def test_an_establishment_with_an_enseigne_is_found_by_its_company_name(app: Flask) -> None:
    """« IDMV ANTENNE CHOLET » belongs to « INSTITUT DEMO DES METIERS DE LA VIANDE »."""
    found = search_establishments(db.session, "institut démo des métiers").establishments

    assert {establishment.name for establishment in found} == {"IDMV", "IDMV ANTENNE CHOLET"}


def test_every_word_must_be_in_the_name_in_any_order(app: Flask) -> None:
    assert sirets("loire forma") == FORMA_LOIRE_BY_NAME
    assert sirets("conseil forma'loire") == FORMA_LOIRE_BY_NAME  # the company's name counts too
    assert sirets("nantes greta") == ["99673406700027"]  # « GRETA OCEAN - SITE NANTES »
    assert sirets("greta lyon") == []


def test_closed_establishments_are_returned_last_and_flagged(app: Flask) -> None:
    found = search_establishments(db.session, "atelier numérique").establishments

    assert [(establishment.siret, establishment.closed) for establishment in found] == [
        ("99844420200019", False),
        ("99844420200027", True),
    ]


def test_an_establishment_of_a_closed_company_is_found_closed(app: Flask) -> None:
    found = search_establishments(db.session, "formations disparues").establishments

    assert [(establishment.siret, establishment.closed) for establishment in found] == [("99555357500011", True)]


@pytest.mark.parametrize("query", ["ab", "a b", "é-", "%%%", "___", "''''"])
def test_a_query_too_short_is_refused(app: Flask, query: str) -> None:
    """Fewer than 3 letters or digits: LIKE wildcards and punctuation do not count."""
    assert error_of(query) == messages.DIRECTORY_QUERY_TOO_SHORT


def test_an_unknown_name_finds_nothing(app: Flask) -> None:
    assert sirets("boulangerie introuvable") == []


def test_a_siren_search_says_when_the_company_has_more_establishments(app: Flask) -> None:
    numbers = [make_siret("991234568", nic) for nic in range(1, MAX_RESULTS + 2)]
    import_establishments(*(establishment_row(number) for number in numbers))

    result = search_establishments(db.session, "991234568")

    assert [establishment.siret for establishment in result.establishments] == numbers[:MAX_RESULTS]
    assert result.more


def test_a_name_search_returns_the_first_results_by_name_and_says_there_are_more(app: Flask) -> None:
    numbers = [make_siret("991234568", nic) for nic in range(1, MAX_RESULTS + 11)]
    import_establishments(
        *(
            establishment_row(number, enseigne1Etablissement=f"PLATEAU DEMO {99 - i}")
            for i, number in enumerate(numbers)
        )
    )

    result = search_establishments(db.session, "plateau demo")

    assert [establishment.siret for establishment in result.establishments] == numbers[::-1][:MAX_RESULTS]
    assert result.more


def test_a_name_search_sorts_only_the_first_candidates(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past CANDIDATES matches the database stops looking: the work stays bounded for a common word."""
    monkeypatch.setattr(directory, "CANDIDATES", 5)
    monkeypatch.setattr(directory, "MAX_RESULTS", 3)

    result = search_establishments(db.session, "demo")

    assert len(result.establishments) == 3
    assert result.more


def test_a_search_with_every_result_shown_says_there_is_no_more(app: Flask) -> None:
    assert not search_establishments(db.session, "forma loire").more
    assert not search_establishments(db.session, "997915665").more


def test_normalize_name_keeps_letters_and_digits_only() -> None:
    assert normalize_name("  L'Œuvre d’Élan — n°3 ") == "L OEUVRE D ELAN N 3"
    assert normalize_name("Façade Straße ÆTHER") == "FACADE STRASSE AETHER"


def test_a_ligature_in_the_name_is_found_spelt_out(app: Flask) -> None:
    number = make_siret("991234568", 1)
    import_establishments(establishment_row(number, enseigne1Etablissement="L'ŒUVRE DEMO"))

    assert sirets("oeuvre demo") == [number]


# How PostgreSQL finds names (idp/services/directory.py): the words typed are looked up among the names' words,
# then the rows by the index of words; common words read the first rows instead. SQLite reads every row: there
# these tests check that the results are the same whatever the plan.


def test_a_piece_of_a_word_finds_the_names_with_that_word(app: Flask) -> None:
    assert sirets("orma'loi") == FORMA_LOIRE_BY_NAME  # « ORMA » in FORMA, « LOI » in LOIRE


def test_a_word_new_in_the_directory_is_found_once_imported(app: Flask) -> None:
    assert sirets("zygomatique") == []
    number = make_siret("991234568", 1)
    import_establishments(establishment_row(number, enseigne1Etablissement="ATELIER ZYGOMATIQUE"))

    assert sirets("zygoma") == [number]


def test_a_piece_inside_too_many_words_is_checked_on_the_names(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(directory, "MAX_FORMS", 0)

    assert sirets("forma loire") == FORMA_LOIRE_BY_NAME
    assert sirets("orma'loi") == FORMA_LOIRE_BY_NAME


def test_common_words_are_found_in_the_first_rows_when_they_hold_enough(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = [make_siret("991234568", nic) for nic in range(1, 6)]
    import_establishments(*(establishment_row(number, enseigne1Etablissement="PLATEAU DEMO") for number in numbers))
    monkeypatch.setattr(directory, "COMMON_WORD", 0)  # every word is common
    monkeypatch.setattr(directory, "MAX_RESULTS", 3)

    result = search_establishments(db.session, "plateau demo")

    assert [establishment.siret for establishment in result.establishments] == numbers[:3]
    assert result.more


def test_common_words_rare_together_are_found_beyond_the_first_rows(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(directory, "COMMON_WORD", 0)
    monkeypatch.setattr(directory, "SCANNED_ROWS", 1)  # the first row does not hold them: the index answers

    assert sirets("forma loire") == FORMA_LOIRE_BY_NAME
    assert sirets("greta nantes") == ["99673406700027"]
