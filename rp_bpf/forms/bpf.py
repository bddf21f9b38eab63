"""The BPF stepper's forms (bpf.md §5.2), one per step, built from the cerfa's lines (bpf.bpf.lines): a whole
number per amount, two per [stagiaires, heures] line, five speciality rows in F-4; totals are never inputs. A
figure is read as people type it (« 12 000 » with spaces) and refused next to its field unless it is a whole
number of at most twelve digits."""

import re
from dataclasses import dataclass, replace
from typing import Any

from wtforms import BooleanField, DateField, EmailField, Field, HiddenField, RadioField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Optional

from rp_bpf import messages
from rp_bpf.bpf.content import MAX_FIGURE, BpfContent, Figures, Pair, Speciality
from rp_bpf.bpf.lines import LINES, MAX_SPECIALITIES, NUMBER_KINDS, PAIR_KINDS, Kind, Line
from rp_bpf.models import Bpf
from shared.forms import AppForm, strip, too_long, validate_phone
from shared.identifiers import Siret, compact

YES_NO = [SelectChoice("oui", "Oui"), SelectChoice("non", "Non")]
_SPACES = re.compile(r"[\s\u00a0\u202f]")  # « 12 000 », with the spaces French typing puts in numbers


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    cadres: tuple[str, ...]  # the cadre letters of lines.py whose lines it shows


STEPS = (
    Step("identification", "A-B Identification", ("A", "B")),
    Step("produits", "C Produits", ("C",)),
    Step("charges", "D Charges", ("D",)),
    Step("formateurs", "E Formateurs", ("E",)),
    Step("stagiaires", "F Stagiaires", ("F-1", "F-2", "F-3", "F-4")),
    Step("sous-traitance", "G Sous-traitance reçue", ("G",)),
    Step("dirigeant", "H Dirigeant", ("H",)),
    Step("verification", "Vérification et transmission", ()),
)
BY_SLUG = {step.slug: step for step in STEPS}


def cadre_of(line: Line) -> str:
    return line.cadre.split(" — ")[0]


def step_lines(step: Step) -> list[Line]:
    return [line for line in LINES if cadre_of(line) in step.cadres]


def figure_lines(step: Step) -> list[Line]:
    """The lines typed at this step (totals are computed)."""
    return [line for line in step_lines(step) if line.kind in (*NUMBER_KINDS, *PAIR_KINDS) and not line.is_total]


class WholeField(StringField):
    """A non-negative whole number as typed; `number` holds it once validated (0 when left empty)."""

    number = 0

    def pre_validate(self, form: Any) -> None:
        text = _SPACES.sub("", self.data or "")
        if not text:
            self.number = 0
        elif not text.isascii() or not text.isdigit():
            raise ValidationError(messages.NOT_INTEGER)
        elif len(text.lstrip("0")) > len(str(MAX_FIGURE)):
            raise ValidationError(messages.TOO_LARGE)
        else:
            self.number = int(text)


def pair_names(code: str) -> tuple[str, str]:
    return f"{code}_nombre", f"{code}_heures"


def speciality_names(row: int) -> tuple[str, str, str, str]:
    return f"nsf{row}_code", f"nsf{row}_libelle", f"nsf{row}_nombre", f"nsf{row}_heures"


class FiguresForm(AppForm):
    """A figures step: its fields are added by `figures_form` from the step's lines."""

    lock = HiddenField()

    def figures(self, lines: list[Line], current: Figures) -> Figures:
        """The figures of the BPF with this step's lines replaced by the validated fields."""
        numbers, pairs = dict(current.numbers), dict(current.pairs)
        for line in lines:
            if line.kind in PAIR_KINDS:
                count, hours = (self[name].number for name in pair_names(line.code))
                pairs[line.code] = Pair(count, hours)
            else:
                numbers[line.code] = self[line.code].number
        specialities = current.specialities
        if any(cadre_of(line) == "F-4" for line in lines):
            specialities = tuple(self._specialities())
        return Figures(numbers, pairs, specialities)

    def _specialities(self) -> list[Speciality]:
        rows = []
        for row in range(1, MAX_SPECIALITIES + 1):
            code, libelle, count, hours = (self[name] for name in speciality_names(row))
            if code.data or libelle.data or count.number or hours.number:
                rows.append(Speciality(code.data or "", libelle.data or "", Pair(count.number, hours.number)))
        return rows


_FIGURE_FORMS: dict[str, type[FiguresForm]] = {}


def figures_form_class(step: Step) -> type[FiguresForm]:
    """The form class of a figures step, built once from its lines."""
    if step.slug not in _FIGURE_FORMS:
        fields: dict[str, Field] = {}
        for line in figure_lines(step):
            if line.kind in PAIR_KINDS:
                # Short labels: the line's own label is the legend of the fieldset that groups the two inputs.
                first = "Nombre de personnes" if line.kind == Kind.PERSONS_HOURS else "Nombre de stagiaires"
                count, hours = pair_names(line.code)
                fields[count] = WholeField(f"{first} (ligne {line.code})")
                fields[hours] = WholeField(f"Nombre d'heures (ligne {line.code})")
            else:
                fields[line.code] = WholeField(line.label)
        if "F-4" in step.cadres:
            for row in range(1, MAX_SPECIALITIES + 1):
                code, libelle, count, hours = speciality_names(row)
                fields[code] = StringField(
                    f"Code NSF de la spécialité {row}", filters=[strip], validators=[too_long(4)]
                )
                fields[libelle] = StringField(
                    f"Libellé de la spécialité {row}", filters=[strip], validators=[too_long(250)]
                )
                fields[count] = WholeField(f"Nombre de stagiaires — spécialité {row}")
                fields[hours] = WholeField(f"Nombre d'heures — spécialité {row}")
        _FIGURE_FORMS[step.slug] = type(f"FiguresForm_{step.slug}", (FiguresForm,), fields)
    return _FIGURE_FORMS[step.slug]


def figures_data(figures: Figures, step: Step) -> dict[str, Any]:
    """The step's fields as the stored figures fill them."""
    data: dict[str, Any] = {}
    for line in figure_lines(step):
        if line.kind in PAIR_KINDS:
            pair = figures.pair(line.code)
            data |= dict(zip(pair_names(line.code), (str(pair.count), str(pair.hours)), strict=True))
        else:
            data[line.code] = str(figures.number(line.code))
    if "F-4" in step.cadres:
        for row, speciality in enumerate(figures.specialities[:MAX_SPECIALITIES], start=1):
            values = (speciality.code_nsf, speciality.libelle, str(speciality.pair.count), str(speciality.pair.hours))
            data |= dict(zip(speciality_names(row), values, strict=True))
    return data


IDENTIFICATION_TEXTS = ("siret", "denomination", "forme_juridique", "code_naf", "adresse", "telephone", "courriel")


def _required() -> DataRequired:
    return DataRequired(messages.REQUIRED)


class IdentificationForm(AppForm):
    """Frames A and B: the organisation as this BPF states it (copied from the déclaration at the start), and the
    accounting year. The NDA is the one assigned: shown, never typed."""

    lock = HiddenField()
    siret = StringField("N° SIRET", filters=[strip], validators=[_required(), Siret()])
    denomination = StringField("Dénomination", filters=[strip], validators=[_required(), too_long(250)])
    forme_juridique = StringField("Forme juridique", filters=[strip], validators=[_required(), too_long(120)])
    code_naf = StringField("Code NAF", filters=[strip], validators=[_required(), too_long(6)])
    adresse = StringField("Adresse", filters=[strip], validators=[_required(), too_long(400)])
    adresse_publique = RadioField(
        "Acceptez-vous que cette adresse soit rendue publique ?",
        choices=YES_NO,
        validators=[InputRequired(messages.CHOOSE)],
    )
    telephone = StringField("Téléphone", filters=[strip], validators=[_required(), validate_phone])
    courriel = EmailField(
        "Email de contact", filters=[strip], validators=[_required(), too_long(254), Email(messages.EMAIL)]
    )
    exercice_du = DateField("Exercice comptable du", validators=[InputRequired(messages.DATE)], format="%Y-%m-%d")
    exercice_au = DateField("au", validators=[InputRequired(messages.DATE)], format="%Y-%m-%d")
    actions_distance = RadioField(
        "Avez-vous mis en œuvre, durant cette période, une ou des actions de formation en tout ou partie à distance "
        "(classes virtuelles, e-learning, etc.) ?",
        choices=YES_NO,
        validators=[InputRequired(messages.CHOOSE)],
    )

    def validate_siret(self, field: Field) -> None:
        field.data = compact(field.data)

    @classmethod
    def of(cls, content: BpfContent, lock: int) -> "IdentificationForm":
        identification = content.identification
        data: dict[str, Any] = {
            name: identification.get(name, "")
            for name in ("siret", "denomination", "forme_juridique", "code_naf", "adresse", "telephone", "courriel")
        }
        data["adresse_publique"] = "oui" if identification.get("adresse_publique") else "non"
        data |= {"exercice_du": content.exercice_du, "exercice_au": content.exercice_au, "lock": lock}
        data["actions_distance"] = "oui" if content.actions_distance else "non"
        return cls(formdata=None, data=data)

    def content(self, current: BpfContent) -> BpfContent:
        identification: dict[str, str | bool] = dict(current.identification)
        for name in IDENTIFICATION_TEXTS:
            identification[name] = self[name].data
        identification["adresse_publique"] = self.adresse_publique.data == "oui"
        return replace(
            current,
            identification=identification,
            exercice_du=self.exercice_du.data,
            exercice_au=self.exercice_au.data,
            actions_distance=self.actions_distance.data == "oui",
        )


class DirigeantForm(AppForm):
    """Frame H."""

    lock = HiddenField()
    h_nom_prenom = StringField("Nom et prénom", filters=[strip], validators=[_required(), too_long(250)])
    h_qualite = StringField("Qualité", filters=[strip], validators=[_required(), too_long(120)])

    @classmethod
    def of(cls, content: BpfContent, lock: int) -> "DirigeantForm":
        return cls(formdata=None, data=dict(content.dirigeant) | {"lock": lock})

    def content(self, current: BpfContent) -> BpfContent:
        return replace(current, dirigeant={"h_nom_prenom": self.h_nom_prenom.data, "h_qualite": self.h_qualite.data})


class ImportForm(AppForm):
    lock = HiddenField()


class TransmitForm(AppForm):
    """« Vérification et transmission »: who signs, the certification, and for a BPF without any activity the
    confirmation bpf.md §6 asks for."""

    lock = HiddenField()
    signataire_nom = StringField(
        "Nom et prénom du signataire", filters=[strip], validators=[_required(), too_long(250)]
    )
    signataire_qualite = StringField("Qualité du signataire", filters=[strip], validators=[_required(), too_long(120)])
    certified = BooleanField("Je certifie l'exactitude des informations", validators=[DataRequired(messages.CERTIFY)])
    no_activity_confirmed = BooleanField(messages.NO_ACTIVITY_CHECKBOX, validators=[Optional()])

    @classmethod
    def of(cls, bpf: Bpf, signataire: str) -> "TransmitForm":
        """The person logged in signs, by default; the quality is theirs to type."""
        return cls(formdata=None, data={"lock": bpf.lock, "signataire_nom": bpf.signataire_nom or signataire})
