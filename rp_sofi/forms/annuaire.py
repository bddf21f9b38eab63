"""Forms of the annuaire: the établissement, a site, a contact. Formats are checked here; the rules that need the
database (Formacodes, the main site, the lock) are the service's."""

import re
from typing import Any

from wtforms import BooleanField, EmailField, Field, Form, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from rp_sofi import messages
from rp_sofi.models import Etablissement, Site
from rp_sofi.services import annuaire
from shared.forms import AppForm, lock_of, strip, too_long, validate_phone

CIVILITES = [SelectChoice("", "Non précisée"), SelectChoice("Mme", "Madame"), SelectChoice("M.", "Monsieur")]


def validate_url(form: Form, field: Field) -> None:
    if field.data and not re.match(r"^https?://[^\s/]+\.[^\s]+$", field.data, re.IGNORECASE):
        raise ValidationError(messages.URL_SCHEME)


def version_of(form: AppForm) -> int | None:
    """The record's version the page was built from (optimistic locking); None when missing or forged."""
    return lock_of(form.version.data)


class EtablissementForm(AppForm):
    version = HiddenField()
    nda = StringField(
        "N° de déclaration d'activité",
        filters=[lambda value: re.sub(r"\s", "", value) if isinstance(value, str) else value],
        validators=[Optional(), Length(min=11, max=11, message=messages.NDA_FORMAT)],
    )
    description = TextAreaField("Description", filters=[strip], validators=[too_long(4000)])
    domaines = StringField("Domaine formation", filters=[strip], validators=[DataRequired(messages.NO_DOMAIN)])

    def validate_nda(self, field: Field) -> None:
        if field.data and not field.data.isdigit():
            raise ValidationError(messages.NDA_FORMAT)

    @classmethod
    def of(cls, etablissement: Etablissement, domaines_text: str) -> "EtablissementForm":
        data = {"version": etablissement.version, "nda": etablissement.nda or "", "domaines": domaines_text}
        return cls(prefix="etab", formdata=None, data=data | {"description": etablissement.description})


class SiteForm(AppForm):
    version = HiddenField()
    nom_usage = StringField("Nom d'usage", filters=[strip], validators=[DataRequired(messages.REQUIRED), too_long(120)])
    adresse = StringField("Adresse", filters=[strip], validators=[DataRequired(messages.REQUIRED), too_long(250)])
    code_postal = StringField("Code postal", filters=[strip], validators=[DataRequired(messages.REQUIRED)])
    commune = StringField("Commune", filters=[strip], validators=[DataRequired(messages.REQUIRED), too_long(120)])
    telephone = StringField("Téléphone", filters=[strip], validators=[validate_phone])
    courriel = EmailField(
        "Courriel", filters=[strip], validators=[Optional(), too_long(254), Email(messages.EMAIL_INVALID)]
    )
    url = StringField("Site internet", filters=[strip], validators=[too_long(250), validate_url])
    dispensateur = BooleanField("Site dispensateur")
    lieu = BooleanField("Site lieu")
    is_main = BooleanField("Site principal")

    def validate_code_postal(self, field: Field) -> None:
        if field.data and not re.fullmatch(r"\d{5}", field.data):
            raise ValidationError(messages.POSTAL_CODE)

    @classmethod
    def of(cls, site: Site) -> "SiteForm":
        data = annuaire.values(site) | {"version": site.version, "is_main": site.is_main}
        return cls(prefix="site", formdata=None, data=data)

    @classmethod
    def new(cls) -> "SiteForm":
        """« Créer un site »: a place of training and of the organisation's actions unless unticked."""
        return cls(prefix="site", formdata=None, data={"dispensateur": True, "lieu": True})

    def changes(self) -> dict[str, Any]:
        """The validated fields as the service takes them."""
        flags = ("dispensateur", "lieu")
        return {
            name: bool(self[name].data) if name in flags else self[name].data or "" for name in annuaire.SITE_FIELDS
        }


class ContactForm(AppForm):
    civilite = RadioField("Civilité", choices=CIVILITES, default="")
    nom = StringField("Nom", filters=[strip], validators=[DataRequired(messages.REQUIRED), too_long(120)])
    prenom = StringField("Prénom", filters=[strip], validators=[too_long(120)])
    fonction = StringField("Fonction", filters=[strip], validators=[too_long(120)])
    telephone = StringField("Téléphone", filters=[strip], validators=[validate_phone])
    courriel = EmailField(
        "Courriel", filters=[strip], validators=[Optional(), too_long(254), Email(messages.EMAIL_INVALID)]
    )

    def fields(self) -> dict[str, str]:
        return {
            name: self[name].data or "" for name in ("civilite", "nom", "prenom", "fonction", "telephone", "courriel")
        }


class ConfirmForm(AppForm):
    """« Valider » after the warning, and the Carif-Oref's decisions: only the version of what was shown."""

    version = HiddenField()


class DeleteForm(AppForm):
    pass
