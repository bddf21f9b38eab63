"""Forms of the Carif-Oref's « File de validation »: the queue's filters, the decisions on an action or an annuaire
record (each carrying the version it was taken on), and the formation without Certifinfo (AIF)."""

from typing import Any

from wtforms import DateField, Field, Form, HiddenField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from rp_sofi import messages
from rp_sofi.services.dashboard import DEPARTEMENTS
from rp_sofi.services.validation import KINDS, QueueFilter
from shared.forms import AppForm, strip, too_long
from shared.identifiers import compact, siret_error

# Certifinfo gives the level of the 2019 national framework (Formation.niveau_sortie keeps it the same way).
NIVEAUX_SORTIE = [
    SelectChoice("", "Sans niveau spécifique"),
    SelectChoice("3", "Niveau 3 (CAP, BEP)"),
    SelectChoice("4", "Niveau 4 (baccalauréat)"),
    SelectChoice("5", "Niveau 5 (bac + 2 : BTS, DUT)"),
    SelectChoice("6", "Niveau 6 (bac + 3 ou 4 : licence, BUT)"),
    SelectChoice("7", "Niveau 7 (bac + 5 : master)"),
    SelectChoice("8", "Niveau 8 (doctorat)"),
]


class QueueFilterForm(Form):
    """A GET form: nothing is changed, no CSRF token."""

    type = SelectField(
        "Type",
        choices=[SelectChoice("", "Tout"), SelectChoice("actions", "Actions de formation"),
                 SelectChoice("annuaire", "Etablissements et sites")],
        validate_choice=False,
    )  # fmt: skip
    departement = SelectField(
        "Département",
        choices=[SelectChoice("", "Toute la région")]
        + [SelectChoice(code, f"{code} - {name}") for code, name in DEPARTEMENTS],
        validate_choice=False,
    )
    depuis = DateField(
        "Soumis depuis le", validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"],
        invalid_value_message=messages.SINCE_INVALID,
    )  # fmt: skip

    def validate_type(self, field: Field) -> None:
        if field.data and field.data not in KINDS:
            raise ValidationError(messages.FILTER_UNKNOWN)

    def validate_departement(self, field: Field) -> None:
        if field.data and field.data not in {code for code, _ in DEPARTEMENTS}:
            raise ValidationError(messages.DEPARTEMENT_UNKNOWN)

    def filters(self) -> QueueFilter:
        """The valid filters (a wrong one is shown on its field and ignored)."""
        self.validate()
        kept = {
            name: None if self[name].errors else self[name].data or None for name in ("type", "departement", "depuis")
        }
        return QueueFilter(kept["type"], kept["departement"], kept["depuis"])

    def args(self) -> dict[str, str]:
        """The valid filters as the URL gives them, for the page links (`filters` validated the form)."""
        return {name: self[name].raw_data[0] for name in ("type", "departement", "depuis")
                if self[name].raw_data and self[name].raw_data[0] and not self[name].errors}  # fmt: skip


class DecisionForm(AppForm):
    """« Valider la saisie », and « Valider » an annuaire record."""

    version = HiddenField()


class AskForm(DecisionForm):
    question = TextAreaField(
        "Question à l'organisme", filters=[strip], validators=[DataRequired(messages.QUESTION_REQUIRED), too_long(4000)]
    )


class ReasonForm(DecisionForm):
    """« Refuser »: the reason the organisation reads."""

    reason = TextAreaField(
        "Motif du refus", filters=[strip], validators=[DataRequired(messages.REASON_REQUIRED), too_long(4000)]
    )


class CertifinfoForm(DecisionForm):
    certifinfo = StringField("Nouveau code Certifinfo", filters=[strip], validators=[DataRequired(messages.REQUIRED)])
    reason = TextAreaField(
        "Motif du remplacement", filters=[strip], validators=[DataRequired(messages.REASON_REQUIRED), too_long(1000)]
    )

    def validate_certifinfo(self, field: Field) -> None:
        if not field.data.isdigit() or len(field.data) > 9:
            raise ValidationError(messages.CERTIFINFO_FORMAT)


def decision_forms(version: int) -> dict[str, AppForm]:
    """The forms of an action's page, as a first GET shows them (a failed POST replaces its own)."""
    data = {"version": str(version)}
    return {
        "valider": DecisionForm(prefix="valider", formdata=None, data=data),
        "preciser": AskForm(prefix="preciser", formdata=None, data=data),
        "refuser": ReasonForm(prefix="refuser", formdata=None, data=data),
        "certifinfo": CertifinfoForm(prefix="certifinfo", formdata=None, data=data),
    }


class FormationForm(AppForm):
    """« Créer une formation hors Certifinfo (AIF) »."""

    siret = StringField("SIRET de l'organisme", filters=[lambda value: compact(value) if value else value],
                        validators=[DataRequired(messages.REQUIRED)])  # fmt: skip
    intitule = StringField("Intitulé", filters=[strip], validators=[DataRequired(messages.REQUIRED), too_long(500)])
    objectif = TextAreaField("Objectif général", filters=[strip], validators=[too_long(4000)])
    programme = TextAreaField("Programme", filters=[strip], validators=[too_long(8000)])
    formacodes = StringField("Formacodes", filters=[strip], validators=[too_long(200)])
    niveau_sortie = SelectField("Niveau de sortie", choices=NIVEAUX_SORTIE, validate_choice=False)

    def validate_siret(self, field: Field) -> None:
        message = siret_error(field.data or "")
        if message:
            raise ValidationError(message)

    def validate_niveau_sortie(self, field: Field) -> None:
        if field.data not in {choice.value for choice in NIVEAUX_SORTIE}:
            raise ValidationError(messages.REQUIRED)

    def values(self, formacodes: list[str]) -> dict[str, Any]:
        return {
            "intitule": self.intitule.data, "objectif": self.objectif.data or "",
            "programme": self.programme.data or "", "formacodes": formacodes,
            "niveau_sortie": self.niveau_sortie.data or None,
        }  # fmt: skip
