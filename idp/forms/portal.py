"""« Ajouter une démarche »: ask a gestionnaire for a role, or redeem an activation code; cancel a request."""

from typing import Any

from wtforms import Field, Form, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, ValidationError

from idp import messages
from idp.forms.fields import strip
from idp.models import Role
from idp.services.activation_codes import LENGTH, normalize
from shared.forms import AppForm
from shared.identifiers import Siret, compact


def siret_field(field_id: str) -> StringField:
    # Two forms share the page, each with its own SIRET field: distinct ids for labels and error messages.
    return StringField(
        "SIRET Enregistré", id=field_id, filters=[compact], validators=[DataRequired(messages.REQUIRED), Siret()]
    )


def validate_offered_role(form: Form, field: Field) -> None:
    if field.data not in {choice.value for choice in field.choices}:
        raise ValidationError(messages.PORTAL_ROLE_REQUIRED)


def validate_code_format(form: Form, field: Field) -> None:
    if len(normalize(field.data or "")) != LENGTH:
        raise ValidationError(messages.PORTAL_CODE_FORMAT)


class RequestAccessForm(AppForm):
    siret = siret_field("demande_siret")
    role = RadioField(
        "Rôle souhaité",
        validators=[InputRequired(messages.PORTAL_ROLE_REQUIRED), validate_offered_role],
        validate_choice=False,  # validate_offered_role says it in French
    )

    def __init__(self, roles: list[Role], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role.code, role.label) for role in roles]


class ActivationCodeForm(AppForm):
    siret = siret_field("code_siret")
    code = StringField(
        "Code d'activation", validators=[DataRequired(messages.REQUIRED), validate_code_format], filters=[strip]
    )
