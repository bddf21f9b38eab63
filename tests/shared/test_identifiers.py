"""Telephone numbers as people type them, in the two forms the apps keep: E.164 for the identity provider (its
`phone_number` claim), the national form for SOFI's annuaire. The forms' own checks (empty, too long, their
messages) are tested with each form: tests/idp/test_account.py, tests/rp_sofi/test_annuaire_sites.py."""

import pytest

from shared.identifiers import normalize_phone


@pytest.mark.parametrize(
    ("typed", "e164", "display"),
    [
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("0240204020", "+33240204020", "02 40 20 40 20"),
        ("06.12.34.56.78", "+33612345678", "06 12 34 56 78"),
        ("06-12-34-56-78", "+33612345678", "06 12 34 56 78"),
        ("+33 1 22 33 44 55", "+33122334455", "01 22 33 44 55"),
        ("0033122334455", "+33122334455", "01 22 33 44 55"),
        ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),  # another country: international form
    ],
)
def test_a_valid_number_in_either_form(typed: str, e164: str, display: str) -> None:
    assert normalize_phone(typed) == normalize_phone(typed, "e164") == e164
    assert normalize_phone(typed, "display") == display


@pytest.mark.parametrize("typed", ["", "12", "02 40", "abc", "+33 1 22 33 44 55 66", "01 22 33 44 55 66 77 88"])
def test_what_is_not_a_number_gives_none(typed: str) -> None:
    assert normalize_phone(typed) is None
    assert normalize_phone(typed, "display") is None
