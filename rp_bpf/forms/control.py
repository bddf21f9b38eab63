"""The control services' forms: the list's filters (read from the query string, each value checked before it
reaches a query), a decision's reason, and the campaign's dates."""

import re

from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from rp_bpf import messages
from rp_bpf.services import campaigns
from rp_bpf.services.control import STATES, Filters
from shared.forms import AppForm, strip, too_long
from shared.territory import REGION_OF_DEPARTEMENT

NAF = re.compile(r"\d{2}\.\d{2}[A-Z]")
MAX_PAGE = 100_000


class FiltersForm(AppForm):
    """GET filters of « Organismes »: an unknown value is ignored (the whole list), never a query on it."""

    class Meta(AppForm.Meta):
        csrf = False  # a search, read from the URL

    exercice = SelectField("Campagne (exercice)", coerce=str, validate_choice=False)
    etat = SelectField(
        "État",
        choices=[SelectChoice("", "Tous"), *(SelectChoice(*item) for item in STATES.items())],
        validate_choice=False,
    )
    departement = StringField("Département", filters=[strip])
    naf = StringField("Code NAF", filters=[strip])

    def filters(self, region: str | None, default_exercice: int) -> Filters:
        text = self.exercice.data or ""
        exercice = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else default_exercice
        if not campaigns.is_exercice(exercice):
            exercice = default_exercice
        departement = (self.departement.data or "").upper()
        naf = (self.naf.data or "").upper()
        return Filters(
            exercice=exercice,
            region=region,
            state=self.etat.data if self.etat.data in STATES else None,
            departement=departement if departement in REGION_OF_DEPARTEMENT else None,
            naf=naf if NAF.fullmatch(naf) else None,
        )


def page_of(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) <= 6 else None


class MotifForm(AppForm):
    motif = TextAreaField("Motif", filters=[strip], validators=[DataRequired(messages.MOTIF_REQUIRED), too_long(2000)])


class DecisionForm(AppForm):
    """« Enregistrer la déclaration »: nothing to type."""


class CampaignForm(AppForm):
    deadline = DateField("Date limite de transmission", validators=[InputRequired(messages.DATE)])
    rectification_limit = DateField("Date limite de rectification", validators=[InputRequired(messages.DATE)])


class CaducityForm(AppForm):
    """« Déclarer caduques »: the reason, and the count the agent saw in the preview."""

    motif = TextAreaField("Motif", filters=[strip], validators=[DataRequired(messages.MOTIF_REQUIRED), too_long(2000)])
    expected = HiddenField()
