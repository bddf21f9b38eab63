"""The tunnel's forms: the Certifinfo code and its search, the action, session and dispositif sheets, « Valider »
and « Répondre ». Fields check what one field can tell alone (a date, a number, a listed value); the rules that
tie fields or objects together are rp_sofi.services.rules', run by the service on save."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from wtforms import (
    DateField,
    Field,
    Form,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from rp_sofi import messages
from rp_sofi.lheo import tables
from rp_sofi.models import Dispositif, Session
from rp_sofi.services.formations import CODE_MAX_DIGITS, ActionData, DispositifData, SessionData
from shared.forms import AppForm
from shared.identifiers import Siret

T = TypeVar("T")
OUI_NON = (("1", "Oui"), ("0", "Non"))
MODES = (("intitule", "Intitulé/code de la certification"), ("rncp", "Code RNCP"))
PERIOD_ROWS = 3  # « Périodes de formation »: enough for a course with two breaks; more is rare


def filled(value: T | None) -> T:
    """The value of a field whose validators required it (the form validated before this is read)."""
    assert value is not None
    return value


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def text(label: str, max_length: int | None = None) -> StringField:
    validators = [Length(max=max_length, message=messages.TOO_LONG.format(max=max_length))] if max_length else []
    return StringField(label, filters=[strip], validators=validators)


class FrenchDateField(DateField):
    """A date input (`type="date"` sends YYYY-MM-DD; dd/mm/yyyy typed by hand is understood too)."""

    data: date | None

    def __init__(self, label: str, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not "".join(valuelist).strip():
            self.data = None  # left empty: for the required validator to say so
            return
        try:
            super().process_formdata([value.strip() for value in valuelist])
        except ValueError:
            raise ValueError(messages.DATE_INVALID) from None


class FrenchIntegerField(IntegerField):
    """A whole number, spaces between thousands allowed; its sign is the rules' to judge."""

    data: int | None
    LIMIT = 1_000_000  # far above any duration, capacity or count, far below an integer column's limit

    def process_formdata(self, valuelist: list[Any]) -> None:
        digits = ["".join(value.split()) for value in valuelist]  # « 1 200 »
        if not "".join(digits):
            self.data = None  # left empty: for the required validator to say so
            return
        try:
            super().process_formdata(digits)
        except ValueError:
            raise ValueError(messages.INTEGER) from None
        if self.data is not None and abs(self.data) > self.LIMIT:
            self.data = None
            raise ValueError(messages.NUMBER_TOO_LARGE)


class EuroField(StringField):
    """An amount in euros as people write it in France: « 1 250,50 » (a point is accepted too)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = "".join((valuelist[0] if valuelist else "").split()).replace("€", "").replace(",", ".")
        self.data = None
        if raw:
            try:
                amount = Decimal(raw)
            except InvalidOperation:
                raise ValueError(messages.COST) from None
            if not amount.is_finite() or amount.as_tuple().exponent < -2 or abs(amount) >= 10**8:  # type: ignore[operator]
                raise ValueError(messages.COST)
            self.data = amount

    def _value(self) -> str:
        return "" if self.data is None else f"{self.data:.2f}".replace(".", ",")


def options(rows: Any) -> list[SelectChoice]:
    """Choices from (code, label, …) rows, such as the Lhéo tables'."""
    return [SelectChoice(row[0], row[1]) for row in rows]


def validate_listed(message: str = messages.REQUIRED) -> Any:
    """The value is one of the field's choices (WTForms' own check speaks English)."""

    def check(form: Form, field: Field) -> None:
        if not field.data or field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    check.field_flags = {"required": True}  # type: ignore[attr-defined]  # read by WTForms: the label's « * »
    return check


def validate_all_listed(required: bool) -> Any:
    def check(form: Form, field: Field) -> None:
        known = {choice.value for choice in field.choices}
        if required and not field.data:
            raise ValidationError(messages.CHOOSE_AT_LEAST_ONE)
        if any(value not in known for value in field.data or []):
            raise ValidationError(messages.REQUIRED)

    check.field_flags = {"required": True} if required else {}  # type: ignore[attr-defined]
    return check


def select(label: str, choices: Any = (), default: str | None = None) -> SelectField:
    return SelectField(
        label, choices=options(choices), default=default, validators=[validate_listed()], validate_choice=False
    )


def site_select(label: str) -> SelectField:
    """A site of the établissement: whether it is one, and accepted, is the rules' to say (sofi.md §6)."""
    return SelectField(
        label, validators=[InputRequired(messages.REQUIRED), Regexp(r"^\d{1,9}$", message=messages.SITE_NOT_OURS)],
        validate_choice=False,
    )  # fmt: skip


def radios(label: str, choices: Any, default: str | None = None) -> RadioField:
    return RadioField(
        label, choices=options(choices), default=default, validators=[validate_listed()], validate_choice=False
    )


def checkboxes(label: str, choices: Any, required: bool = False) -> SelectMultipleField:
    return SelectMultipleField(
        label, choices=options(choices), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        validators=[validate_all_listed(required)], validate_choice=False,
    )  # fmt: skip


def number(label: str, required: bool = False) -> FrenchIntegerField:
    return FrenchIntegerField(label, validators=[InputRequired(messages.REQUIRED) if required else Optional()])


def version_field() -> FrenchIntegerField:
    """The version of the object the page shows: a save from an older page is refused (optimistic locking)."""
    return FrenchIntegerField(widget=HiddenInput(), validators=[Optional()])


class CertifinfoForm(AppForm):
    certifinfo = StringField(
        "Code Certifinfo", filters=[strip],
        validators=[
            InputRequired(messages.REQUIRED),
            Regexp(rf"^\d{{1,{CODE_MAX_DIGITS}}}$", message=messages.CERTIFINFO_UNKNOWN),
        ],
    )  # fmt: skip


class CarifCertifinfoForm(CertifinfoForm):
    """The Carif-Oref enters the offer of an organisation it names."""

    siret = StringField("SIRET de l'organisme", filters=[strip], validators=[InputRequired(messages.REQUIRED), Siret()])


class SearchForm(AppForm):
    """« Recherche Certifinfo » (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    mode = RadioField(
        "Rechercher par", choices=options(MODES),
        default="intitule", validators=[validate_listed()], validate_choice=False,
    )  # fmt: skip
    q = StringField(
        "Intitulé, code Certifinfo ou code RNCP", filters=[strip],
        validators=[
            DataRequired(messages.SEARCH_TEXT_REQUIRED), Length(max=200, message=messages.TOO_LONG.format(max=200))
        ],
    )  # fmt: skip
    # The Carif-Oref's: the organisation it enters the offer of, carried to each result's « Choisir ».
    siret = StringField("SIRET de l'organisme", id="recherche_siret", filters=[strip])


class ActionForm(AppForm):
    version = version_field()
    site_dispensateur_id = site_select("Site dispensateur")
    complement_intitule = text("Complément intitulé", 250)
    complement_descriptif = TextAreaField("Complément descriptif", filters=[strip])
    url = text("Url vers le site de l'OF", 250)
    niveau_entree = select("Niveau d'entrée", tables.NIVEAUX)
    type_parcours = select("Type de parcours", tables.PARCOURS)
    modalites_pedagogiques = checkboxes("Modalités pédagogiques", tables.MODALITES_PEDAGOGIQUES, required=True)
    entrees_sorties = radios("ESP ou Dates fixes", tables.MODALITES_ENTREES_SORTIES)
    date_debut = FrenchDateField("Début de l'action", validators=[Optional()])
    date_fin = FrenchDateField("Fin de l'action", validators=[Optional()])
    duree_centre = number("Durée en centre (heures)", required=True)
    duree_entreprise = number("Durée en entreprise (heures)")
    duree_hebdo = number("Durée Hebdo (heures)")
    commentaire_duree = TextAreaField("Commentaire durée", filters=[strip])
    commentaire_prerequis = TextAreaField("Commentaire pré requis", filters=[strip])

    def to_data(self) -> ActionData:
        return ActionData(
            site_dispensateur_id=int(self.site_dispensateur_id.data), complement_intitule=self.complement_intitule.data,
            complement_descriptif=self.complement_descriptif.data, url=self.url.data,
            niveau_entree=self.niveau_entree.data, type_parcours=self.type_parcours.data,
            modalites_pedagogiques=list(self.modalites_pedagogiques.data), entrees_sorties=self.entrees_sorties.data,
            date_debut=self.date_debut.data, date_fin=self.date_fin.data, duree_centre=filled(self.duree_centre.data),
            duree_entreprise=self.duree_entreprise.data or 0, duree_hebdo=self.duree_hebdo.data,
            commentaire_duree=self.commentaire_duree.data, commentaire_prerequis=self.commentaire_prerequis.data,
        )  # fmt: skip


class SessionForm(AppForm):
    version = version_field()
    site_lieu_id = site_select("Site lieu")
    date_debut = FrenchDateField("Date début", validators=[InputRequired(messages.REQUIRED)])
    date_fin = FrenchDateField("Date fin", validators=[InputRequired(messages.REQUIRED)])
    rythmes = checkboxes("Rythmes", tables.RYTHMES)
    periode_1_debut = FrenchDateField("Période 1 : début", validators=[Optional()])
    periode_1_fin = FrenchDateField("Période 1 : fin", validators=[Optional()])
    periode_2_debut = FrenchDateField("Période 2 : début", validators=[Optional()])
    periode_2_fin = FrenchDateField("Période 2 : fin", validators=[Optional()])
    periode_3_debut = FrenchDateField("Période 3 : début", validators=[Optional()])
    periode_3_fin = FrenchDateField("Période 3 : fin", validators=[Optional()])
    modalites_enseignement = radios("Modalités d'enseignements", tables.MODALITES_ENSEIGNEMENT)
    capacite = number("Capacité d'accueil de la session", required=True)
    places_disponibles = number("Places disponibles")

    @classmethod
    def of(cls, session: Session) -> "SessionForm":
        periods: dict[str, date] = {}
        for index, (start, end) in enumerate(session.periodes[:PERIOD_ROWS], start=1):
            periods |= {
                f"periode_{index}_debut": date.fromisoformat(start),
                f"periode_{index}_fin": date.fromisoformat(end),
            }
        return cls(obj=session, data=periods)

    def period_fields(self) -> list[tuple[Field, Field]]:
        return [(self[f"periode_{row}_debut"], self[f"periode_{row}_fin"]) for row in range(1, PERIOD_ROWS + 1)]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for start, end in self.period_fields():
            if not start.errors and not end.errors and (start.data is None) != (end.data is None):
                start.errors = [*start.errors, messages.PERIOD_INCOMPLETE]
                valid = False
        return valid

    def to_data(self) -> SessionData:
        periods = [(start.data, end.data) for start, end in self.period_fields() if start.data and end.data]
        return SessionData(
            site_lieu_id=int(self.site_lieu_id.data), date_debut=filled(self.date_debut.data),
            date_fin=filled(self.date_fin.data),
            rythmes=list(self.rythmes.data), periodes=periods, modalites_enseignement=self.modalites_enseignement.data,
            capacite=filled(self.capacite.data), places_disponibles=self.places_disponibles.data,
        )  # fmt: skip


class DispositifForm(AppForm):
    version = version_field()
    # Which dispositifs this person may choose is the rules' to say (Carif-Oref only, public actions).
    dispositif = SelectField(
        "Dispositif", default="PRIVE", validators=[InputRequired(messages.REQUIRED)], validate_choice=False
    )
    publics = checkboxes("Publics", tables.PUBLICS)
    codes_externes = text("Codes externes", 120)
    nb_places = number("Nb places dispositif")
    cout_stagiaire = EuroField("Coût stagiaire (€)")
    prise_en_charge_frais_peda = radios("Prise en charge des frais pédagogiques", OUI_NON, default="0")
    nb_remuneres = FrenchIntegerField("Nb rému", validators=[Optional(), NumberRange(min=0, message=messages.POSITIVE)])
    etat = radios("Etat", tables.ETATS_DISPOSITIF, default="Actif")

    @classmethod
    def of(cls, item: Dispositif) -> "DispositifForm":
        return cls(
            data={
                "version": item.version, "dispositif": item.dispositif,
                "publics": [code for code in item.publics.split(";") if code], "codes_externes": item.codes_externes,
                "nb_places": item.nb_places, "cout_stagiaire": item.cout_stagiaire,
                "prise_en_charge_frais_peda": "1" if item.prise_en_charge_frais_peda else "0",
                "nb_remuneres": item.nb_remuneres, "etat": "Actif" if item.actif else "Inactif",
            }
        )  # fmt: skip

    def to_data(self) -> DispositifData:
        return DispositifData(
            dispositif=self.dispositif.data, publics=";".join(self.publics.data),
            codes_externes=self.codes_externes.data, nb_places=self.nb_places.data,
            cout_stagiaire=self.cout_stagiaire.data,
            prise_en_charge_frais_peda=self.prise_en_charge_frais_peda.data == "1",
            nb_remuneres=self.nb_remuneres.data, actif=self.etat.data == "Actif",
        )  # fmt: skip


class SubmitForm(AppForm):
    """« Valider »: the button alone (and its CSRF token)."""


class AnswerForm(AppForm):
    answer = TextAreaField("Votre réponse", filters=[strip], validators=[DataRequired(messages.ANSWER_REQUIRED)])
