"""Fields and validators several forms share."""

import re
from typing import Any

from wtforms import EmailField, Field, Form, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from idp import messages
from idp.models import Civilite
from idp.services.passwords import MAX_LENGTH, password_problems
from shared.identifiers import normalize_phone

NAME_PATTERN = re.compile(r"^[^\d\x00-\x1f<>@_=+*#%$&|\\/{}\[\]]+$")


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def validate_name(form: Form, field: Field) -> None:
    if field.data and not NAME_PATTERN.match(field.data):
        raise ValidationError(messages.NAME_INVALID)


def validate_civilite(form: Form, field: Field) -> None:
    if field.data not in {c.value for c in Civilite}:
        raise ValidationError(messages.CIVILITE_REQUIRED)


def email_field(label: str = "Adresse électronique") -> EmailField:
    return EmailField(
        label,
        filters=[strip],
        validators=[
            DataRequired(messages.REQUIRED),
            Length(max=254, message=messages.EMAIL_INVALID),
            Email(messages.EMAIL_INVALID, granular_message=False),
        ],
    )


class StrongPassword:
    """The password policy, with the e-mail field of the same form when there is one."""

    def __init__(self, email_field: str | None = None) -> None:
        self.email_field = email_field

    def __call__(self, form: Form, field: Field) -> None:
        if self.email_field and self.email_field in form:
            email = form[self.email_field].data
        else:
            email = getattr(form, "account_email", "")
        problems = password_problems(field.data or "", email or "")
        if problems:
            raise ValidationError(" ".join(problems))


class SameAs:
    def __init__(self, other: str) -> None:
        self.other = other

    def __call__(self, form: Form, field: Field) -> None:
        if field.data != form[self.other].data:
            raise ValidationError(messages.PASSWORD_MISMATCH)


def password_field(label: str, **kwargs: Any) -> PasswordField:
    """A password typed to be checked (login, current password): over the policy's length it cannot be right,
    and hashing it would cost time (and fail past passlib's 4 096 bytes)."""
    too_long = Length(max=MAX_LENGTH, message=messages.PASSWORD_TOO_LONG)
    return PasswordField(label, validators=[InputRequired(messages.REQUIRED), too_long], **kwargs)


def new_password_fields(email_field: str | None = None) -> tuple[PasswordField, PasswordField]:
    # No strip filter: spaces are part of a passphrase.
    password = PasswordField("Mot de passe", validators=[InputRequired(messages.REQUIRED), StrongPassword(email_field)])
    confirm = PasswordField(
        "Confirmez votre mot de passe", validators=[InputRequired(messages.REQUIRED), SameAs("password")]
    )
    return password, confirm


def name_field(label: str) -> StringField:
    return StringField(
        label,
        filters=[strip],
        validators=[
            DataRequired(messages.REQUIRED),
            Length(max=100, message=messages.NAME_INVALID),
            validate_name,
        ],
    )


def civilite_field() -> RadioField:
    return RadioField(
        "Civilité",
        choices=[SelectChoice(Civilite.MADAME.value, "Madame"), SelectChoice(Civilite.MONSIEUR.value, "Monsieur")],
        validators=[InputRequired(messages.CIVILITE_REQUIRED), validate_civilite],
        validate_choice=False,
    )


def validate_phone(form: Form, field: Field) -> None:
    if not field.data:
        field.data = None
        return
    normalized = normalize_phone(field.data) if len(field.data) <= 32 else None
    if normalized is None:
        raise ValidationError(messages.PHONE_INVALID)
    field.data = normalized


def phone_field() -> StringField:
    return StringField("Téléphone", filters=[strip], validators=[validate_phone])
