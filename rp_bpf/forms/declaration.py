"""« Déposer une déclaration d'activité » / « Modifier »: formats here (SIRET, code NAF, postal code, telephone,
e-mail); the SIREN of the organisation in scope and the département are the service's checks."""

import re

from wtforms import DateField, EmailField, Field, HiddenField, RadioField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Optional

from rp_bpf import messages
from rp_bpf.models import Declaration
from rp_bpf.services.declarations import DeclarationData
from shared.forms import AppForm, strip, too_long, validate_phone
from shared.identifiers import Siret, compact

YES_NO = [SelectChoice("oui", "Oui"), SelectChoice("non", "Non")]


def _required() -> DataRequired:
    return DataRequired(messages.REQUIRED)


class DeclarationForm(AppForm):
    lock = HiddenField()
    siret = StringField("N° SIRET", filters=[strip], validators=[_required(), Siret()])
    denomination = StringField("Dénomination", filters=[strip], validators=[_required(), too_long(250)])
    forme_juridique = StringField("Forme juridique", filters=[strip], validators=[_required(), too_long(120)])
    code_naf = StringField("Code NAF", filters=[strip], validators=[_required()])
    adresse = StringField("Adresse", filters=[strip], validators=[_required(), too_long(250)])
    code_postal = StringField("Code postal", filters=[strip], validators=[_required()])
    commune = StringField("Commune", filters=[strip], validators=[_required(), too_long(120)])
    adresse_publique = RadioField(
        "Acceptez-vous que cette adresse soit rendue publique ?",
        choices=YES_NO,
        validators=[InputRequired(messages.CHOOSE)],
    )
    telephone = StringField("Téléphone", filters=[strip], validators=[_required(), validate_phone])
    courriel = EmailField(
        "Adresse électronique", filters=[strip], validators=[_required(), too_long(254), Email(messages.EMAIL)]
    )
    dirigeant_nom = StringField("Nom et prénom du dirigeant", filters=[strip], validators=[_required(), too_long(250)])
    dirigeant_qualite = StringField("Qualité du dirigeant", filters=[strip], validators=[_required(), too_long(120)])
    date_debut_activite = DateField("Date de début d'activité (facultatif)", validators=[Optional()], format="%Y-%m-%d")

    def validate_siret(self, field: Field) -> None:
        field.data = compact(field.data)

    def validate_code_naf(self, field: Field) -> None:
        value = field.data.upper().replace(" ", "")
        if not re.fullmatch(r"\d{2}\.?\d{2}[A-Z]", value):
            raise ValidationError(messages.NAF)
        field.data = value if "." in value else f"{value[:2]}.{value[2:]}"

    def validate_code_postal(self, field: Field) -> None:
        if not re.fullmatch(r"[0-9]{5}", field.data):
            raise ValidationError(messages.DA_CODE_POSTAL)

    @classmethod
    def of(cls, declaration: Declaration) -> "DeclarationForm":
        data = {name: getattr(declaration, name) for name in DeclarationData.__dataclass_fields__}
        data["adresse_publique"] = "oui" if declaration.adresse_publique else "non"
        return cls(formdata=None, data=data | {"lock": declaration.lock})

    def values(self) -> DeclarationData:
        fields = DeclarationData.__dataclass_fields__
        data = {name: self[name].data for name in fields if name != "adresse_publique"}
        return DeclarationData(**data, adresse_publique=self.adresse_publique.data == "oui")


class CessationForm(AppForm):
    """« Déclarer la cessation d'activité »: the version of the declaration shown."""

    lock = HiddenField()

    @classmethod
    def of(cls, declaration: Declaration) -> "CessationForm":
        return cls(formdata=None, data={"lock": declaration.lock})
