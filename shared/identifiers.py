"""French business identifiers: SIRET, SIREN (python-stdnum) and their WTForms validators; telephone numbers
(phonenumbers, Google's libphonenumber)."""

import re
from typing import Literal

import phonenumbers
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from wtforms.validators import ValidationError as FieldError

SIRET_LENGTH_MESSAGE = "Le SIRET doit comporter 14 chiffres."
SIRET_INVALID_MESSAGE = "Ce numéro SIRET n'est pas valide."
SIREN_INVALID_MESSAGE = "Ce numéro SIREN n'est pas valide."


def compact(value: str) -> str:
    """Drop the spaces, dots and dashes people type inside numbers."""
    return re.sub(r"[\s.\-]", "", value or "")


def is_valid_siret(value: str) -> bool:
    """True for a 14-digit SIRET whose key is right (python-stdnum also knows La Poste's exception)."""
    try:
        stdnum_siret.validate(compact(value))
    except ValidationError:
        return False
    return True


def is_valid_siren(value: str) -> bool:
    try:
        stdnum_siren.validate(compact(value))
    except ValidationError:
        return False
    return True


def siret_error(value: str) -> str | None:
    """The French message for a wrong SIRET, or None when it is valid."""
    digits = compact(value)
    if not re.fullmatch(r"\d{14}", digits):
        return SIRET_LENGTH_MESSAGE
    if not is_valid_siret(digits):
        return SIRET_INVALID_MESSAGE
    return None


class Siret:
    """WTForms validator: a valid SIRET, spaces tolerated."""

    def __call__(self, form: object, field: object) -> None:
        message = siret_error(getattr(field, "data", "") or "")
        if message:
            raise FieldError(message)


def normalize_phone(value: str, style: Literal["e164", "display"] = "e164") -> str | None:
    """A telephone number as people type it (French when it has no country code), or None when it is not a valid
    number. `e164`: « +33240204020 », as the identity provider stores it and sends it in `phone_number`;
    `display`: « 02 40 20 40 20 » for a French number, « +44 20 7946 0958 » for another, as SOFI's annuaire
    shows it."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    formats = phonenumbers.PhoneNumberFormat
    if style == "e164":
        return phonenumbers.format_number(number, formats.E164)
    return phonenumbers.format_number(number, formats.NATIONAL if number.country_code == 33 else formats.INTERNATIONAL)
