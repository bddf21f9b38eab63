"""The Carif-Oref's filter of the region-wide dashboard: one département (a GET form: nothing is changed)."""

from typing import Any

from wtforms import Field, Form, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice

from rp_sofi import messages
from rp_sofi.services.dashboard import DEPARTEMENTS


def validate_departement(form: Form, field: Field) -> None:
    if field.data and field.data not in {code for code, _ in DEPARTEMENTS}:
        raise ValidationError(messages.DEPARTEMENT_UNKNOWN)


class DashboardFilterForm(Form):
    departement = SelectField(
        "Département",
        choices=[SelectChoice("", "Toute la région")]
        + [SelectChoice(code, f"{code} - {name}") for code, name in DEPARTEMENTS],
        validators=[validate_departement],
        validate_choice=False,  # WTForms' own message is English
    )

    def chosen(self) -> str | None:
        """The département to filter on: the one chosen, if valid (a wrong one is shown on the field, ignored)."""
        self.validate()
        return None if self.departement.errors else self.departement.data or None

    def args(self) -> dict[str, Any]:
        chosen = self.chosen()
        return {"departement": chosen} if chosen else {}
