"""« Utilisateurs du service »: decide a request, change, delete or add a habilitation."""

from typing import Any

from wtforms import DateField, Field, Form, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from idp import messages
from idp.forms.fields import email_field, strip
from idp.models import Establishment, Role
from idp.services.access_requests import REFUSAL_REASON_MAX
from idp.services.service_users import today
from shared.forms import AppForm
from shared.identifiers import Siret, compact


class FrenchDateField(DateField):
    """A date input (`type="date"` sends YYYY-MM-DD) whose error is in French."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(messages.USERS_DATE_INVALID) from None


def validate_listed(message: str) -> Any:
    """The value is one of the field's non-empty choices (WTForms' own check speaks English)."""

    def check(form: Form, field: Field) -> None:
        if not field.data or field.data not in {value for value, _ in field.choices}:
            raise ValidationError(message)

    check.field_flags = {"required": True}  # type: ignore[attr-defined]  # read by WTForms: the label's « * »
    return check


def validate_future(form: Form, field: Field) -> None:
    if field.data is not None and field.data <= today():
        raise ValidationError(messages.USERS_END_DATE_PAST)


def role_field(label: str = "Rôle") -> SelectField:
    return SelectField(label, validators=[validate_listed(messages.USERS_ROLE_REQUIRED)], validate_choice=False)


def end_date_field() -> FrenchDateField:
    return FrenchDateField("Fin d'habilitation", validators=[Optional(), validate_future])


def role_choices(roles: list[Role], placeholder: bool = False) -> list[tuple[str, str]]:
    choices = [(role.code, role.label) for role in roles]
    return [("", "Sélectionnez un rôle"), *choices] if placeholder else choices


class AcceptForm(AppForm):
    """✓, with the role the gestionnaire grants (the wished one unless changed)."""

    role = role_field("Rôle accordé")

    def __init__(self, roles: list[Role], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices(roles)


class RefuseForm(AppForm):
    reason = TextAreaField(
        "Motif du refus",
        filters=[strip],
        validators=[
            DataRequired(messages.REQUIRED),
            Length(max=REFUSAL_REASON_MAX, message=messages.USERS_REASON_TOO_LONG),
        ],
    )


class ChangeHabilitationForm(AppForm):
    """✎: another role, another end date (empty: no end)."""

    role = role_field()
    expires_on = end_date_field()

    def __init__(self, roles: list[Role], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices(roles)


class AddHabilitationForm(AppForm):
    """« AJOUTER UNE NOUVELLE HABILITATION », the SIRET chosen among the company's establishments."""

    email = email_field("Adresse électronique de la personne")
    role = role_field()
    siret = SelectField(
        "SIRET de l'habilitation", validators=[validate_listed(messages.USERS_SIRET_REQUIRED)], validate_choice=False
    )
    expires_on = end_date_field()

    def __init__(self, roles: list[Role], siren: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.siren = siren
        self.role.choices = role_choices(roles, placeholder=True)


def validate_company_siret(form: Form, field: Field) -> None:
    if field.data and field.data[:9] != getattr(form, "siren", None):
        raise ValidationError(messages.USERS_SIRET_OTHER_COMPANY)


class AddHabilitationBySiretForm(AddHabilitationForm):
    """The same, for a company with too many establishments to list: the SIRET is typed."""

    siret = StringField(  # a text input in place of the list
        "SIRET de l'habilitation",
        filters=[compact],
        validators=[DataRequired(messages.REQUIRED), Siret(), validate_company_siret],
    )


def add_form(
    roles: list[Role], siren: str, establishments: list[Establishment] | None, **kwargs: Any
) -> AddHabilitationForm:
    """The add form for this company: its establishments as a list, or a SIRET to type when there are many."""
    if establishments is None:
        return AddHabilitationBySiretForm(roles, siren, **kwargs)
    form = AddHabilitationForm(roles, siren, **kwargs)
    form.siret.choices = establishment_choices(establishments)
    return form


def establishment_choices(establishments: list[Establishment]) -> list[tuple[str, str]]:
    return [("", "Sélectionnez un établissement")] + [
        (each.siret, f"{each.siret} - {each.name} ({each.city})" if each.city else f"{each.siret} - {each.name}")
        for each in establishments
    ]
