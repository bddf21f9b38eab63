"""« Déléguer une habilitation à un tiers » (guide 004), and the third party's answer."""

from datetime import datetime
from typing import Any

from babel.dates import format_date
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired

from idp import messages
from idp.forms.fields import email_field
from idp.forms.service_users import end_date_field, establishment_choices, validate_company_siret, validate_listed
from idp.models import Establishment, Role
from shared.clock import in_paris
from shared.forms import AppForm
from shared.identifiers import Siret, compact


class DelegationForm(AppForm):
    """À qui ? Quel rôle ? Pour quel établissement ? Pour quelle durée ?"""

    tiers_siret = StringField(
        "SIRET du tiers-déclarant", filters=[compact], validators=[DataRequired(messages.REQUIRED), Siret()]
    )
    email = email_field("Adresse e-mail")
    role = RadioField("Rôle", validators=[validate_listed(messages.USERS_ROLE_REQUIRED)], validate_choice=False)
    siret = SelectField(
        "SIRET de l'habilitation", validators=[validate_listed(messages.USERS_SIRET_REQUIRED)], validate_choice=False
    )
    expires_on = end_date_field()

    def __init__(self, roles: list[Role], siren: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.siren = siren
        self.role.choices = [(role.code, role.label) for role in roles]
        self.role_descriptions = {role.code: role.description for role in roles}


class DelegationBySiretForm(DelegationForm):
    """The same, for a company with too many establishments to list: its SIRET is typed."""

    siret = StringField(
        "SIRET de l'habilitation",
        filters=[compact],
        validators=[DataRequired(messages.REQUIRED), Siret(), validate_company_siret],
    )


def delegation_form(
    roles: list[Role], siren: str, establishments: list[Establishment] | None, **kwargs: Any
) -> DelegationForm:
    if establishments is None:
        return DelegationBySiretForm(roles, siren, **kwargs)
    form = DelegationForm(roles, siren, **kwargs)
    form.siret.choices = establishment_choices(establishments)
    return form


def past_own_end(own_end: datetime) -> str:
    """The end date's error when it goes past the gestionnaire's own right."""
    return messages.DELEGATION_PAST_OWN_END.format(date=format_date(in_paris(own_end), "dd/MM/yyyy", locale="fr_FR"))


class DelegationEndForm(AppForm):
    """« ✎ » on a delegation: its end date only (the role stays one a third party may hold)."""

    expires_on = end_date_field()


class HandOverForm(AppForm):
    """« Confier à un collègue »: the colleague of the firm who takes the delegation over."""

    email = email_field("Adresse électronique du collègue")
