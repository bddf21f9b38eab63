"""The base of every form of every app: what a browser's form can send, and nothing a database cannot store."""

import re
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import Field, PasswordField, StringField, TextAreaField, ValidationError
from wtforms import Form as BaseForm
from wtforms.validators import Length

from shared.identifiers import normalize_phone
from shared.text import CONTROL_IN_TEXT

CONTROL_CHARACTER_TEXT = "Ce champ contient un caractère non autorisé (caractère de contrôle)."

# C0 controls, DEL and C1 controls: never typed, only pasted or forged; PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _refuse_control_characters(form: BaseForm, field: Field) -> None:
    pattern = CONTROL_IN_TEXT if isinstance(field, TextAreaField) else _CONTROL
    if isinstance(field.data, str) and pattern.search(field.data):
        raise ValidationError(CONTROL_CHARACTER_TEXT)


class AppForm(FlaskForm):
    """Flask-WTF's form, reading only the text fields of a posted form (never a file part or a JSON body in
    place of a text, which the fields cannot parse) and refusing control characters in every text field."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: BaseForm, formdata: Any) -> Any:
            if formdata is _Auto:
                return request.form if request.method in {"POST", "PUT", "PATCH", "DELETE"} else None
            return formdata

        def bind_field(self, form: BaseForm, unbound_field: Any, options: dict[str, Any]) -> Field:
            field = super().bind_field(form, unbound_field, options)
            # A password is hashed, never stored as text: any character it holds is the person's choice.
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                field.validators = [_refuse_control_characters, *field.validators]
            return field


TOO_LONG_TEXT = "Ce texte est trop long ({max} caractères au maximum)."
PHONE_TEXT = "Indiquez un numéro de téléphone valide, par exemple 02 40 20 40 20."


def strip(value: Any) -> Any:
    """Filter: spaces around a typed text are never meant."""
    return value.strip() if isinstance(value, str) else value


def too_long(size: int) -> Length:
    return Length(max=size, message=TOO_LONG_TEXT.format(max=size))


def validate_phone(form: BaseForm, field: Field) -> None:
    """A French (or international) telephone number, stored as displayed: « 02 40 20 40 20 »."""
    if not field.data:
        return
    formatted = normalize_phone(field.data, "display") if len(field.data) <= 32 else None
    if formatted is None or len(formatted) > 20:
        raise ValidationError(PHONE_TEXT)
    field.data = formatted


def lock_of(text: str | None) -> int | None:
    """The record's version a page was built from (optimistic locking), from its hidden field; None when missing
    or forged (then the save is refused as stale)."""
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None  # « ² » is not ASCII
