"""An organisation's département and région from its postal code, as the control services filter them."""

import pytest

from shared.territory import REGION_OF_DEPARTEMENT, REGIONS, departement_of, region_of


@pytest.mark.parametrize(
    ("code_postal", "departement", "region"),
    [
        ("44000", "44", "52"),  # Nantes, Pays de la Loire
        ("75011", "75", "11"),
        ("01000", "01", "84"),  # Bourg-en-Bresse: a leading zero kept
        ("20000", "2A", "94"),  # Ajaccio
        ("20200", "2B", "94"),  # Bastia
        ("97100", "971", "01"),
        ("97600", "976", "06"),
    ],
)
def test_a_postal_code_gives_its_departement_and_region(code_postal: str, departement: str, region: str) -> None:
    assert departement_of(code_postal) == departement
    assert region_of(code_postal) == region


@pytest.mark.parametrize("code_postal", ["", "4400", "440000", "4400A", "٤٤٠٠٠", "00000", "96000", "97500"])
def test_a_code_no_departement_has_gives_none(code_postal: str) -> None:
    assert departement_of(code_postal) is None
    assert region_of(code_postal) is None


def test_every_departement_is_in_one_of_the_eighteen_regions() -> None:
    assert len(REGION_OF_DEPARTEMENT) == 101
    assert set(REGION_OF_DEPARTEMENT.values()) == set(REGIONS)
