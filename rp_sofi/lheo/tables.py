"""Reference tables behind SOFI's drop-downs and the coded values of the Lhéo export: (code, French label).

Sourced from the Lhéo language definition (repository gitlab.com/lheo/lheo-schema, read through its GitHub
copy `lheo/lheo-schema`), labels kept verbatim:
- NIVEAUX: `definition/dict-niveaux.xml` (table dict-niveaux, the 1969 nomenclature Lhéo 2.2 still uses);
- PARCOURS: `doc/source/lheo/dict-type-parcours.rst` (dict-type-parcours, element parcours-de-formation);
- MODALITES_ENSEIGNEMENT: `doc/source/lheo/dict-modalites-enseignement.rst`;
- MODALITES_ENTREES_SORTIES: labels of `definition/dict-modalites-es.xml`, whose keys are in LHEO_ENTREES_SORTIES;
- MODALITES_PEDAGOGIQUES: a subset of `definition/dict-modalites-pedagogiques-formacodes-V10.xml`;
- PUBLICS: a subset of `definition/dict-public-vise-formacode-V10.xml` (element code-public-vise);
- ETATS_RECRUTEMENT: `definition/dict-etat-recrutement.xml`; BOOLEEN: `doc/source/lheo/dict-boolean.rst`.
Also sourced: NIVEAU_FROM_CADRE_NATIONAL, the correspondence of décret n° 2019-14 (article 1).
Design (not Lhéo codes): RYTHMES (rythme-formation is free text in Lhéo) and every DISPOSITIFS row except
"PRIVE" and "AIF", the two named by the SOFI guides (seed 002).
"""

from collections.abc import Iterable

Table = tuple[tuple[str, str], ...]

# Formacode version of the codes below; Lhéo requires it in the `ref` attribute of Formacode-based codes.
FORMACODE_VERSION = "V10"

NIVEAUX: Table = (
    ("0", "information non communiquée"),
    ("1", "sans niveau spécifique"),
    ("2", "niveau VI (illettrisme, analphabétisme)"),
    ("3", "niveau V bis (préqualification)"),
    ("4", "niveau V (CAP, BEP, CFPA du premier degré)"),
    ("5", "niveau IV (BP, BT, baccalauréat professionnel ou technologique)"),
    ("6", "niveau III (BTS, DUT)"),
    ("7", "niveau II (licence ou maîtrise universitaire)"),
    ("8", "niveau I (supérieur à la maîtrise)"),
)
NIVEAU_NON_COMMUNIQUE = "0"

# Certifinfo gives levels in the 2019 national framework (3 = CAP); Lhéo 2.2 wants dict-niveaux (4 = niveau V).
# Levels 1 and 2 have no 1969 equivalent: callers write NIVEAU_NON_COMMUNIQUE for them.
NIVEAU_FROM_CADRE_NATIONAL: dict[str, str] = {"3": "4", "4": "5", "5": "6", "6": "7", "7": "8", "8": "8"}

PARCOURS: Table = (
    ("1", "en groupe (non personnalisable)"),
    ("2", "individualisé"),
    ("3", "modularisé"),
    ("4", "mixte"),
)
PARCOURS_MIXTE = "4"

MODALITES_ENSEIGNEMENT: Table = (
    ("0", "formation entièrement présentielle"),
    ("1", "formation mixte"),
    ("2", "formation entièrement à distance"),
)

# SOFI stores its own codes (Action.entrees_sorties); the export writes the Lhéo key.
MODALITES_ENTREES_SORTIES: Table = (
    ("DATES_FIXES", "entrées/sorties à dates fixes"),
    ("ESP", "entrées/sorties permanentes"),
)
LHEO_ENTREES_SORTIES: dict[str, str] = {"DATES_FIXES": "0", "ESP": "1"}

MODALITES_PEDAGOGIQUES: Table = (
    ("96414", "Cours de jour"),
    ("96411", "Cours du soir"),
    ("96412", "Cours le week end"),
    ("96142", "En alternance"),
    ("96128", "Formation à distance"),
    ("96129", "FOAD"),
    ("96147", "Formation en situation de travail"),
    ("96134", "Formation action"),
    ("96124", "Autoformation"),
    ("96125", "Autoformation avec tutorat"),
    ("96132", "Pédagogie adaptée aux handicapés"),
)

# Design: Lhéo's rythme-formation is text; the export writes these labels.
RYTHMES: Table = (
    ("JOURNEE", "En journée"),
    ("SOIREE", "En soirée"),
    ("WEEK_END", "Le week-end"),
    ("TEMPS_PLEIN", "Temps plein"),
    ("TEMPS_PARTIEL", "Temps partiel"),
    ("DISCONTINU", "Discontinu"),
)

PUBLICS: Table = (
    ("83056", "Tout public"),
    ("80006", "Demandeur d'emploi"),
    ("82044", "Salarié"),
    ("81024", "Jeune"),
    ("81020", "Handicapé"),
    ("81050", "Particulier, individuel"),
    ("82027", "Public dans le cadre du contrat d'apprentissage"),
    ("82029", "Public dans le cadre du contrat de professionnalisation"),
)
# code-public-vise is required in Lhéo; with no restriction entered in SOFI the action is open to everyone.
PUBLIC_TOUT_PUBLIC = "83056"

ETATS_RECRUTEMENT: Table = (("1", "ouvert"), ("2", "fermé"), ("3", "suspendu"))
BOOLEEN: Table = (("0", "non"), ("1", "oui"))
ETATS_DISPOSITIF: Table = (("Actif", "Actif"), ("Inactif", "Inactif"))

# (code, label, carif_only): carif_only rows are offered to the Carif-Oref's valideurs only.
DISPOSITIFS: tuple[tuple[str, str, bool], ...] = (
    ("PRIVE", "Formation avec financement privé (Opca, Opacif, entreprise, individuel)", False),
    ("AIF", "AIF", True),
    # Design values, to be replaced by the Carif-Oref's own list:
    ("CPF", "Compte personnel de formation (CPF)", False),
    ("APPRENTISSAGE", "Contrat d'apprentissage", False),
    ("CONTRAT_PRO", "Contrat de professionnalisation", False),
    ("REGION", "Programme régional de formation (Région des Pays de la Loire)", True),
)


def label(table: Iterable[tuple[str, str] | tuple[str, str, bool]], code: str) -> str:
    """The French label of `code` in `table`; KeyError for a code the table does not hold."""
    for row in table:
        if row[0] == code:
            return row[1]
    raise KeyError(code)


def codes(table: Iterable[tuple[str, str] | tuple[str, str, bool]]) -> tuple[str, ...]:
    """The codes of `table`, in its order."""
    return tuple(row[0] for row in table)
