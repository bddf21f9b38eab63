"""The statement's layout (soffi.md §3, « LineCatalogue », initial version): its four sections and their lines,
with the codes and screen labels of the specification, what each line holds and which bodies fill it.

The catalogue is data so that a later session can store versions of it per campaign (`catalogue_version`)
without touching the rules, which only read `Line` objects."""

import enum
from dataclasses import dataclass


class BodyType(enum.StrEnum):
    """« Type d'organisme » of a collecting body."""

    OPCO = "OPCO"
    TRANSITIONS_PRO = "TRANSITIONS_PRO"
    FAF = "FAF"
    AUTRE = "AUTRE"

    @property
    def label(self) -> str:
        return BODY_TYPE_LABELS[self]


BODY_TYPE_LABELS = {
    BodyType.OPCO: "Opérateur de compétences",
    BodyType.TRANSITIONS_PRO: "Transitions Pro",
    BodyType.FAF: "Fonds d'assurance formation",
    BodyType.AUTRE: "Autre",
}


class Section(enum.StrEnum):
    RESSOURCES = "A"
    EMPLOIS = "B"
    SOLDE = "C"
    STATISTIQUES = "D"

    @property
    def label(self) -> str:
        return SECTION_LABELS[self]


SECTION_LABELS = {
    Section.RESSOURCES: "A. Ressources",
    Section.EMPLOIS: "B. Emplois",
    Section.SOLDE: "C. Solde",
    Section.STATISTIQUES: "D. Statistiques",
}


class LineKind(enum.StrEnum):
    AMOUNT = "AMOUNT"  # typed amount in euros and cents (stored as integer cents), maybe with a « Nombre »
    COUNT = "COUNT"  # typed whole number only (section D)
    TOTAL = "TOTAL"  # sum of `components`, never typed
    COMPUTED = "COMPUTED"  # `components[0]` minus `components[1]`, never typed (S2 = RT − ET)

    @property
    def typed(self) -> bool:
        return self in (LineKind.AMOUNT, LineKind.COUNT)


ALL_BODIES = frozenset(BodyType)


@dataclass(frozen=True)
class Line:
    code: str
    section: Section
    label: str
    kind: LineKind
    bodies: frozenset[BodyType] = ALL_BODIES
    count_label: str | None = None  # set when the amount line also carries a number (E1…E7)
    signed: bool = False  # may be negative
    components: tuple[str, ...] = ()

    @property
    def has_amount(self) -> bool:
        return self.kind is not LineKind.COUNT

    @property
    def has_count(self) -> bool:
        return self.kind is LineKind.COUNT or self.count_label is not None

    def applies_to(self, body_type: BodyType) -> bool:
        return body_type in self.bodies


def _amount(code: str, section: Section, label: str, *bodies: BodyType, count: str | None = None) -> Line:
    return Line(code, section, label, LineKind.AMOUNT, frozenset(bodies) or ALL_BODIES, count_label=count)


_A, _B, _C, _D = Section.RESSOURCES, Section.EMPLOIS, Section.SOLDE, Section.STATISTIQUES
_OPCO, _TP, _FAF = BodyType.OPCO, BodyType.TRANSITIONS_PRO, BodyType.FAF
_FC = "Fonds reçus de France compétences — "
_NOMBRE = "Nombre"
_ADHERENTES = "Entreprises adhérentes : "

LINES: tuple[Line, ...] = (
    _amount("R1", _A, _FC + "alternance", _OPCO),
    _amount("R2", _A, _FC + "développement des compétences des entreprises de moins de 50 salariés", _OPCO),
    _amount("R3", _A, _FC + "projets de transition professionnelle", _TP),
    _amount("R4", _A, "Contributions conventionnelles (accords de branche)", _OPCO),
    _amount("R5", _A, "Versements volontaires des entreprises", _OPCO, _FAF),
    _amount("R6", _A, "Contributions collectées directement", _FAF, _OPCO),
    _amount("R7", _A, "Autres ressources (subventions publiques, FSE, produits financiers)"),
    Line("RT", _A, "Total des ressources", LineKind.TOTAL, components=tuple(f"R{n}" for n in range(1, 8))),
    _amount("E1", _B, "Contrats d'apprentissage", _OPCO, count=_NOMBRE),
    _amount("E2", _B, "Contrats de professionnalisation", _OPCO, count=_NOMBRE),
    _amount("E3", _B, "Promotion ou reconversion par alternance (Pro-A)", _OPCO, count=_NOMBRE),
    _amount(
        "E4",
        _B,
        "Plan de développement des compétences des entreprises de moins de 50 salariés",
        _OPCO,
        count="Nombre de bénéficiaires",
    ),
    _amount("E5", _B, "Actions financées sur contributions conventionnelles et versements volontaires", _OPCO, _FAF),
    _amount("E6", _B, "Projets de transition professionnelle", _TP, count=_NOMBRE),
    _amount("E7", _B, "Formations des travailleurs indépendants", _FAF, count=_NOMBRE),
    _amount("E8", _B, "Frais de gestion et de missions"),
    _amount("E9", _B, "Autres emplois"),
    Line("ET", _B, "Total des emplois", LineKind.TOTAL, components=tuple(f"E{n}" for n in range(1, 10))),
    # S1 « may be negative » (§3); S3 too, or the « Trésorerie négative » alert of §6 could never be reached.
    Line("S1", _C, "Report de l'exercice précédent", LineKind.AMOUNT, signed=True),
    Line("S2", _C, "Solde de l'exercice", LineKind.COMPUTED, signed=True, components=("RT", "ET")),
    Line("S3", _C, "Trésorerie au 31 décembre", LineKind.AMOUNT, signed=True),
    # §3 writes Q1–Q4 as one label « Entreprises adhérentes : moins de 11 salariés / 11 à 49 / 50 à 299 / 300 et
    # plus »; each line gets its own part of it.
    Line("Q1", _D, _ADHERENTES + "moins de 11 salariés", LineKind.COUNT, frozenset({_OPCO})),
    Line("Q2", _D, _ADHERENTES + "11 à 49 salariés", LineKind.COUNT, frozenset({_OPCO})),
    Line("Q3", _D, _ADHERENTES + "50 à 299 salariés", LineKind.COUNT, frozenset({_OPCO})),
    Line("Q4", _D, _ADHERENTES + "300 salariés et plus", LineKind.COUNT, frozenset({_OPCO})),
    Line("Q5", _D, "Salariés couverts", LineKind.COUNT, frozenset({_OPCO})),
)

BY_CODE: dict[str, Line] = {line.code: line for line in LINES}


def lines_for(body_type: BodyType, section: Section | None = None) -> tuple[Line, ...]:
    """The lines a body of this type sees, in the catalogue's order (optionally those of one section)."""
    return tuple(line for line in LINES if line.applies_to(body_type) and (section is None or line.section is section))
