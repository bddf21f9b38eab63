"""The lines of the cerfa 10443 (frames A to H) as data: code, French label (bpf.md §3, verbatim), frame and
kind. Totals are lines too, but their value is always the sum of `sum_of`: never typed, never trusted."""

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    AMOUNT = "montant"  # whole euros
    PERCENT = "pourcentage"  # whole percent, 0 to 100
    COUNT = "nombre"  # a number of trainees alone (f1_distance)
    TRAINEES_HOURS = "stagiaires_heures"  # [stagiaires, heures suivies]
    PERSONS_HOURS = "personnes_heures"  # frame E: [personnes, heures dispensées]
    TEXT = "texte"
    DATE = "date"
    YES_NO = "oui_non"


NUMBER_KINDS = (Kind.AMOUNT, Kind.PERCENT, Kind.COUNT)
PAIR_KINDS = (Kind.TRAINEES_HOURS, Kind.PERSONS_HOURS)


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    cadre: str
    kind: Kind
    group: str = ""  # the cerfa's heading shared by several lines (« des pouvoirs publics … : »)
    sum_of: tuple[str, ...] = ()  # a total's lines; the speciality rows count in f4_total too
    details: str = ""  # a « dont » line: the line it details, which it cannot exceed

    @property
    def is_total(self) -> bool:
        return bool(self.sum_of)


_A = "A — Identification"
_B = "B — Informations générales"
_C = "C — Bilan financier hors taxes : origine des produits de l'organisme"
_D = "D — Bilan financier hors taxes : charges de l'organisme"
_E = "E — Personnes dispensant des heures de formation"
_F1 = "F-1 — Type de stagiaires de l'organisme"
_F2 = "F-2 — Dont activité sous-traitée de l'organisme"
_F3 = "F-3 — Objectif général des prestations dispensées"
_F4 = "F-4 — Spécialités de formation"
_G = "G — Stagiaires dont la formation a été confiée à votre organisme par un autre organisme de formation"
_H = "H — Personne ayant la qualité de dirigeant"

_OPCO = (
    "des organismes gestionnaires des fonds de la formation professionnelle pour des actions dispensées dans le cadre :"
)
_PUBLIC = "des pouvoirs publics pour la formation de publics spécifiques :"
_DONT = "dont"
_C2 = tuple(f"c2{letter}" for letter in "abcdefgh")
_F1_LINES = ("f1a", "f1b", "f1c", "f1d", "f1e")
_F3_LINES = ("f3a", "f3b", "f3c", "f3d", "f3e", "f3f")

# Frames A and H: bpf.md names these fields without the cerfa's wording, so their labels are ours (design).
LINES: tuple[Line, ...] = (
    Line("nda", "Numéro de déclaration d'activité", _A, Kind.TEXT),
    Line("forme_juridique", "Forme juridique", _A, Kind.TEXT),
    Line("siret", "N° SIRET", _A, Kind.TEXT),
    Line("code_naf", "Code NAF", _A, Kind.TEXT),
    Line("denomination", "Dénomination", _A, Kind.TEXT),
    Line("adresse", "Adresse", _A, Kind.TEXT),
    Line("adresse_publique", "Acceptez-vous que cette adresse soit rendue publique", _A, Kind.YES_NO),
    Line("telephone", "Téléphone", _A, Kind.TEXT),
    Line("courriel", "Email de contact", _A, Kind.TEXT),
    Line("exercice_du", "Exercice comptable du", _B, Kind.DATE),
    Line("exercice_au", "au", _B, Kind.DATE),
    Line(
        "actions_distance",
        "Avez-vous mis en œuvre, durant cette période, une ou des actions de formation en tout ou partie à "
        "distance (classes virtuelles, e-learning, etc.)",
        _B,
        Kind.YES_NO,
    ),
    Line("c1", "des entreprises pour la formation de leurs salariés", _C, Kind.AMOUNT),
    Line("c2a", "des contrats d'apprentissage", _C, Kind.AMOUNT, group=_OPCO),
    Line("c2b", "des contrats de professionnalisation", _C, Kind.AMOUNT, group=_OPCO),
    Line("c2c", "de la promotion ou de la reconversion par alternance", _C, Kind.AMOUNT, group=_OPCO),
    Line("c2d", "des projets de transition professionnelle", _C, Kind.AMOUNT, group=_OPCO),
    Line("c2e", "du compte personnel de formation", _C, Kind.AMOUNT, group=_OPCO),
    Line("c2f", "des dispositifs spécifiques pour les personnes en recherche d'emploi", _C, Kind.AMOUNT, group=_OPCO),
    Line("c2g", "des dispositifs spécifiques pour les travailleurs non-salariés", _C, Kind.AMOUNT, group=_OPCO),
    Line("c2h", "du plan de développement des compétences ou d'autres dispositifs", _C, Kind.AMOUNT, group=_OPCO),
    Line(
        "c2",
        "Total des produits provenant des organismes gestionnaires des fonds de la formation professionnelle",
        _C,
        Kind.AMOUNT,
        sum_of=_C2,
    ),
    Line(
        "c3",
        "des pouvoirs publics pour la formation de leurs agents (Etat, collectivités territoriales, "
        "établissements publics à caractère administratif)",
        _C,
        Kind.AMOUNT,
    ),
    Line("c4", "Instances européennes", _C, Kind.AMOUNT, group=_PUBLIC),
    Line("c5", "État", _C, Kind.AMOUNT, group=_PUBLIC),
    Line("c6", "Conseils régionaux", _C, Kind.AMOUNT, group=_PUBLIC),
    Line("c7", "France travail (ex Pôle emploi)", _C, Kind.AMOUNT, group=_PUBLIC),
    Line("c8", "Autres ressources publiques", _C, Kind.AMOUNT, group=_PUBLIC),
    Line("c9", "de contrats conclus avec des personnes à titre individuel et à leurs frais", _C, Kind.AMOUNT),
    Line("c10", "de contrats conclus avec d'autres organismes de formation (y compris CFA)", _C, Kind.AMOUNT),
    Line("c11", "Autres produits au titre de la formation professionnelle", _C, Kind.AMOUNT),
    Line(
        "c_total",
        "Total des produits réalisés au titre de la formation professionnelle",
        _C,
        Kind.AMOUNT,
        sum_of=("c1", "c2", *(f"c{n}" for n in range(3, 12))),
    ),
    Line(
        "c_part_ca",
        "Part du chiffre d'affaires global réalisée dans le domaine de la formation professionnelle (en %)",
        _C,
        Kind.PERCENT,
    ),
    Line("d_total", "Total des charges de l'organisme liées à l'activité de formation", _D, Kind.AMOUNT),
    Line("d_salaires", "dont Salaires des formateurs", _D, Kind.AMOUNT, details="d_total"),
    Line(
        "d_achats",
        "dont Achats de prestation de formation et honoraires de formation",
        _D,
        Kind.AMOUNT,
        details="d_total",
    ),
    Line("e1", "Personnes de votre organisme dispensant des heures de formation", _E, Kind.PERSONS_HOURS),
    Line(
        "e2",
        "Personnes extérieures à votre organisme dispensant des heures de formation dans le cadre de contrats de "
        "sous-traitance",
        _E,
        Kind.PERSONS_HOURS,
    ),
    Line("f1a", "Salariés d'employeurs privés hors apprentis", _F1, Kind.TRAINEES_HOURS),
    Line("f1b", "Apprentis", _F1, Kind.TRAINEES_HOURS),
    Line("f1c", "Personnes en recherche d'emploi formées par votre organisme de formation", _F1, Kind.TRAINEES_HOURS),
    Line("f1d", "Particuliers à leurs propres frais formés par votre organisme de formation", _F1, Kind.TRAINEES_HOURS),
    Line("f1e", "Autres stagiaires", _F1, Kind.TRAINEES_HOURS),
    Line("f1_total", "Total", _F1, Kind.TRAINEES_HOURS, sum_of=_F1_LINES),
    Line(
        "f1_distance",
        "dont stagiaires et apprentis ayant suivi une action en tout ou partie à distance",
        _F1,
        Kind.COUNT,
        details="f1_total",
    ),
    Line("f2", "Dont activité sous-traitée de l'organisme", _F2, Kind.TRAINEES_HOURS, details="f1_total"),
    Line(
        "f3a",
        "Formations visant un diplôme, un titre à finalité professionnelle ou un certificat de qualification "
        "professionnelle enregistré au Répertoire national des certifications professionnelles (RNCP)",
        _F3,
        Kind.TRAINEES_HOURS,
    ),
    Line(
        "f3a_n6_8",
        "de niveau 6 à 8 (Licence, Master, diplôme d'ingénieur, Doctorat...)",
        _F3,
        Kind.TRAINEES_HOURS,
        details="f3a",
        group=_DONT,
    ),
    Line(
        "f3a_n5",
        "de niveau 5 (BTS, DUT, écoles de formation sanitaire et sociale ...)",
        _F3,
        Kind.TRAINEES_HOURS,
        details="f3a",
        group=_DONT,
    ),
    Line(
        "f3a_n4", "de niveau 4 (BAC professionnel, BT, BP, BM...)", _F3, Kind.TRAINEES_HOURS, details="f3a", group=_DONT
    ),
    Line("f3a_n3", "de niveau 3 (BEP, CAP...)", _F3, Kind.TRAINEES_HOURS, details="f3a", group=_DONT),
    Line("f3a_n2", "de niveau 2", _F3, Kind.TRAINEES_HOURS, details="f3a", group=_DONT),
    Line(
        "f3a_cqp",
        "certificat de qualification professionnelle (CQP) sans niveau de qualification",
        _F3,
        Kind.TRAINEES_HOURS,
        details="f3a",
        group=_DONT,
    ),
    Line(
        "f3b",
        "Formations visant une certification (dont CQP) ou une habilitation enregistrée au répertoire spécifique (RS)",
        _F3,
        Kind.TRAINEES_HOURS,
    ),
    Line("f3c", "Formations visant un CQP non enregistré au RNCP ou au RS", _F3, Kind.TRAINEES_HOURS),
    Line("f3d", "Autres formations professionnelles", _F3, Kind.TRAINEES_HOURS),
    Line("f3e", "Bilans de compétences", _F3, Kind.TRAINEES_HOURS),
    Line("f3f", "Actions d'accompagnement à la validation des acquis de l'expérience", _F3, Kind.TRAINEES_HOURS),
    Line("f3_total", "Total", _F3, Kind.TRAINEES_HOURS, sum_of=_F3_LINES),
    Line("f4_autres", "Autres spécialités", _F4, Kind.TRAINEES_HOURS),
    Line("f4_total", "Total", _F4, Kind.TRAINEES_HOURS, sum_of=("f4_autres",)),
    Line(
        "g",
        "Stagiaires dont la formation a été confiée à votre organisme par un autre organisme de formation",
        _G,
        Kind.TRAINEES_HOURS,
    ),
    Line("h_nom_prenom", "Nom et prénom", _H, Kind.TEXT),
    Line("h_qualite", "Qualité", _H, Kind.TEXT),
)

BY_CODE: dict[str, Line] = {line.code: line for line in LINES}

# Frame F-4's five main specialities are rows, not fixed lines: each is addressed as f4_<code NSF> (f4_326).
MAX_SPECIALITIES = 5
SPECIALITY_PREFIX = "f4_"
NSF_CODE = re.compile(r"\d{3}[a-z]?", re.IGNORECASE)  # 3 digits and an optional domain letter (« 326t »)

# What the figures hold (frames C to G, totals excepted): what an import may set
NUMBER_LINES = tuple(line.code for line in LINES if line.kind in NUMBER_KINDS and not line.is_total)
PAIR_LINES = tuple(line.code for line in LINES if line.kind in PAIR_KINDS and not line.is_total)
TOTAL_LINES = tuple(line.code for line in LINES if line.is_total)
