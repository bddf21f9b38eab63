"""Search in the establishment directory: by SIRET, by SIREN, by name (demo directory)."""

import pytest
from flask import Flask

from idp import messages
from idp.extensions import db
from idp.services.directory import MAX_RESULTS, normalize_name, search_establishments
from tests.idp.test_directory_import import establishment_row, import_establishments, siret

FORMA_LOIRE = ["99791566500019", "99791566500027", "99791566500035"]


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
    assert sirets(siret("991234568", 1)) == []


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


@pytest.mark.parametrize(
    "query", ["forma'loire", "FORMA LOIRE", "Forma’Loire", "  forma-loire ", "FORMALOIRE CONSEIL"[:5] + "'LOIRE"]
)
def test_a_name_is_found_whatever_its_case_accents_and_punctuation(app: Flask, query: str) -> None:
    assert sirets(query) == FORMA_LOIRE


@pytest.mark.parametrize("query", ["opérateur de compétences", "OPERATEUR DE COMPETENCES", "Opérateur compétences"])
def test_accents_in_the_query_do_not_matter(app: Flask, query: str) -> None:
    assert sirets(query) == ["87903689500016"]


def test_an_establishment_with_an_enseigne_is_found_by_its_company_name(app: Flask) -> None:
    """« IDMV ANTENNE CHOLET » belongs to « INSTITUT DEMO DES METIERS DE LA VIANDE »."""
    found = search_establishments(db.session, "institut démo des métiers").establishments

    assert {establishment.name for establishment in found} == {"IDMV", "IDMV ANTENNE CHOLET"}


def test_words_are_found_in_order_anywhere_in_the_name(app: Flask) -> None:
    assert sirets("greta nantes") == []
    assert sirets("greta site") == ["99673406700027"]


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


def test_at_most_the_first_results_are_returned_sorted(app: Flask) -> None:
    numbers = [siret("991234568", nic) for nic in range(1, MAX_RESULTS + 11)]
    import_establishments(*(establishment_row(number, enseigne1Etablissement="PLATEAU DEMO") for number in numbers))

    result = search_establishments(db.session, "plateau demo")

    assert [establishment.siret for establishment in result.establishments] == numbers[:MAX_RESULTS]


def test_normalize_name_keeps_letters_and_digits_only() -> None:
    assert normalize_name("  L'Œuvre d’Élan — n°3 ") == "L OEUVRE D ELAN N 3"
