"""Fictional SIRENE-shaped files for the directory benchmark: StockUniteLegale and StockEtablissement layouts.

Names mix a few very common words (FORMATION, SERVICES, MARTIN …), a long tail of rare made-up surnames
and the places of France, in the proportions a real directory shows: some words match a tenth of the
rows, others one row in a million.
"""

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from stdnum import luhn

DEMO_DATA = Path(__file__).resolve().parents[1] / "demo_data"

ACTIVITIES = [
    "FORMATION",
    "CONSEIL",
    "SERVICES",
    "TRANSPORTS",
    "BOULANGERIE",
    "BOUCHERIE",
    "PHARMACIE",
    "GARAGE",
    "RESTAURANT",
    "CABINET",
    "INSTITUT",
    "ECOLE",
    "CENTRE",
    "ASSOCIATION",
    "HOLDING",
    "IMMOBILIER",
    "INFORMATIQUE",
    "BATIMENT",
    "PLOMBERIE",
    "ELECTRICITE",
    "COIFFURE",
    "MENUISERIE",
    "MACONNERIE",
    "PEINTURE",
    "NETTOYAGE",
    "SECURITE",
    "COMMUNICATION",
    "AMBULANCES",
    "TAXI",
    "HOTEL",
    "BOULANGERIE-PATISSERIE",
    "AUTO-ECOLE",
    "OPTIQUE",
    "FLEURS",
    "COURTAGE",
    "EXPERTISE",
    "ARCHITECTURE",
    "PAYSAGE",
    "LOGISTIQUE",
    "DISTRIBUTION",
    "INGENIERIE",
    "AGENCE",
    "ATELIER",
    "BOUTIQUE",
    "CREPERIE",
    "BRASSERIE",
    "PIZZERIA",
    "LIBRAIRIE",
    "CARROSSERIE",
    "CHARPENTE",
    "COUVERTURE",
    "TOITURE",
]
FORMS = ["SARL", "SAS", "SASU", "EURL", "SCI", "SNC", "SELARL", "SCM", "GAEC", "EARL"]
LINKS = ["DU", "DE LA", "DES", "DE", "ET", "&"]
QUALIFIERS = [
    "NOUVELLE",
    "GENERALE",
    "MODERNE",
    "ATLANTIQUE",
    "CENTRALE",
    "NATIONALE",
    "REGIONALE",
    "DU CENTRE",
    "DE L'OUEST",
    "DU SUD",
]
SURNAMES = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEVRE",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
    "MASSON",
    "MARCHAND",
    "DUVAL",
    "DENIS",
    "DUMONT",
    "MARIE",
    "LEMAIRE",
    "NOEL",
    "MEYER",
    "DUFOUR",
    "MEUNIER",
    "BRUN",
    "BLANCHARD",
    "GIRAUD",
    "JOLY",
    "RIVIERE",
    "LUCAS",
    "BRUNET",
    "GAILLARD",
    "BARBIER",
    "ARNAUD",
    "MARTINEZ",
    "GERARD",
    "ROCHE",
    "RENARD",
    "SCHMITT",
    "ROY",
    "LEROUX",
    "COLIN",
    "VIDAL",
    "CARON",
    "PICARD",
    "ROGER",
    "FABRE",
    "AUBERT",
    "LEMOINE",
    "RENAUD",
    "DUMAS",
    "LACROIX",
]
FIRST_NAMES = [
    "MARIE",
    "JEAN",
    "PIERRE",
    "MICHEL",
    "ANNE",
    "PHILIPPE",
    "NATHALIE",
    "ISABELLE",
    "CATHERINE",
    "SYLVIE",
    "CHRISTOPHE",
    "PATRICK",
    "NICOLAS",
    "SANDRINE",
    "STEPHANE",
    "VALERIE",
    "LAURENT",
    "JULIEN",
    "CELINE",
    "DAVID",
    "CAMILLE",
    "LEA",
    "HUGO",
    "LOUISE",
    "ARTHUR",
    "CHLOE",
    "THEO",
    "EMMA",
]
# (city, postal code, INSEE commune code)
CITIES = [
    ("PARIS 11", "75011", "75111"),
    ("PARIS 17", "75017", "75117"),
    ("MARSEILLE", "13001", "13201"),
    ("LYON 3EME", "69003", "69383"),
    ("TOULOUSE", "31000", "31555"),
    ("NICE", "06000", "06088"),
    ("NANTES", "44000", "44109"),
    ("STRASBOURG", "67000", "67482"),
    ("MONTPELLIER", "34000", "34172"),
    ("BORDEAUX", "33000", "33063"),
    ("LILLE", "59000", "59350"),
    ("RENNES", "35000", "35238"),
    ("REIMS", "51100", "51454"),
    ("LE HAVRE", "76600", "76351"),
    ("SAINT-ETIENNE", "42000", "42218"),
    ("TOULON", "83000", "83137"),
    ("GRENOBLE", "38000", "38185"),
    ("DIJON", "21000", "21231"),
    ("ANGERS", "49000", "49007"),
    ("NIMES", "30000", "30189"),
    ("LE MANS", "72000", "72181"),
    ("CLERMONT-FERRAND", "63000", "63113"),
    ("TOURS", "37000", "37261"),
    ("LIMOGES", "87000", "87085"),
    ("AMIENS", "80000", "80021"),
    ("PERPIGNAN", "66000", "66136"),
    ("METZ", "57000", "57463"),
    ("BESANCON", "25000", "25056"),
    ("ORLEANS", "45000", "45234"),
    ("ROUEN", "76000", "76540"),
    ("CAEN", "14000", "14118"),
    ("NANCY", "54000", "54395"),
    ("LAVAL", "53000", "53130"),
    ("CHOLET", "49300", "49099"),
    ("SAINT-NAZAIRE", "44600", "44184"),
    ("LA ROCHE-SUR-YON", "85000", "85191"),
    ("QUIMPER", "29000", "29232"),
    ("VANNES", "56000", "56260"),
    ("BREST", "29200", "29019"),
    ("PAU", "64000", "64445"),
    ("BAYONNE", "64100", "64102"),
    ("AVIGNON", "84000", "84007"),
]
STREET_TYPES = ["RUE", "RUE", "RUE", "AV", "BD", "PL", "QUAI", "ALL", "IMP", "CHE", "RTE"]
STREET_NAMES = [
    "DE LA REPUBLIQUE",
    "VICTOR HUGO",
    "JEAN JAURES",
    "DU GENERAL DE GAULLE",
    "PASTEUR",
    "DE LA GARE",
    "DES ECOLES",
    "DU MOULIN",
    "DE L'EGLISE",
    "NATIONALE",
    "DE LA PAIX",
    "DES LILAS",
    "DU COMMERCE",
    "DE PARIS",
    "DE LA LIBERTE",
    "AMPERE",
    "DES ARTISANS",
    "DU PORT",
    "DES PRES",
    "DE LA MAIRIE",
]
NAF = [
    "85.59A",
    "85.59B",
    "47.24Z",
    "56.10A",
    "45.20A",
    "49.41A",
    "43.21A",
    "69.20Z",
    "70.22Z",
    "62.01Z",
    "68.20B",
    "96.02A",
    "47.73Z",
    "10.71C",
]
SYLLABLES = [
    "KER",
    "VA",
    "DEC",
    "LO",
    "RIN",
    "GUE",
    "BAR",
    "TO",
    "MAZ",
    "EL",
    "LEC",
    "HAN",
    "NIC",
    "OU",
    "ZAR",
    "PEL",
    "TRI",
    "MON",
    "BOS",
    "QUIN",
]


def _zipf_weights(count: int) -> list[float]:
    return list(accumulate(1 / (rank + 1) for rank in range(count)))


def rare_surnames(count: int, rng: random.Random) -> list[str]:
    """Made-up surnames (KERVADEC, LOBARMON …): the long tail, each carried by a handful of companies."""
    names = {"".join(rng.choices(SYLLABLES, k=rng.randint(3, 4))) for _ in range(count * 2)}
    return sorted(names)[:count]


@dataclass
class Generator:
    rng: random.Random
    rare: list[str]
    surname_weights: list[float] = field(init=False)
    rare_used: list[str] = field(default_factory=list)  # a sample of the rare names given, for queries

    def __post_init__(self) -> None:
        self.surname_weights = _zipf_weights(len(SURNAMES))

    def surname(self) -> str:
        # One company in four carries a rare name, the others the common ones (Zipf-distributed).
        if self.rng.random() < 0.25:
            name = self.rng.choice(self.rare)
            if len(self.rare_used) < 2000:
                self.rare_used.append(name)
            return name
        return self.rng.choices(SURNAMES, cum_weights=self.surname_weights)[0]

    def company_name(self, city: str) -> tuple[str, str, str]:
        """(denomination, first name, last name): an individual company has no denomination."""
        rng = self.rng
        shape = rng.random()
        activity = rng.choice(ACTIVITIES)
        if shape < 0.2:
            return "", rng.choice(FIRST_NAMES), self.surname()
        if shape < 0.45:
            return f"{rng.choice(FORMS)} {activity} {self.surname()}", "", ""
        if shape < 0.6:
            return f"{activity} {rng.choice(LINKS)} {city}", "", ""
        if shape < 0.7:
            return f"{self.surname()} ET FILS", "", ""
        if shape < 0.8:
            return f"{activity} {rng.choice(QUALIFIERS)} {self.surname()}", "", ""
        if shape < 0.9:
            return f"CENTRE DE FORMATION {self.surname()} {city}", "", ""
        return f"{rng.choice(FORMS)} {self.surname()} {rng.choice(ACTIVITIES)} {rng.choice(QUALIFIERS)}", "", ""

    def enseigne(self, city: str) -> str:
        rng = self.rng
        if rng.random() < 0.7:  # most establishments have no enseigne: they show the company's name
            return ""
        if rng.random() < 0.5:
            return f"{rng.choice(ACTIVITIES)} {city}"
        return f"AU {rng.choice(ACTIVITIES)} {self.surname()}"


def with_key(digits: str) -> str:
    return digits + luhn.calc_check_digit(digits)


def _header(name: str) -> list[str]:
    with (DEMO_DATA / name).open(encoding="utf-8") as demo:
        return next(csv.reader(demo))


@dataclass
class Files:
    companies: Path
    establishments: Path
    sirets: list[str]  # a sample, for the SIRET and SIREN queries
    rare: list[str]  # rare surnames given to some company
    names: list[str] = field(default_factory=list)  # a sample of company names
    rare_names: list[str] = field(default_factory=list)  # company names with a rare surname in them


def _companies(rows: int, gen: Generator) -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    """(SIREN, its establishments' cities) until `rows` establishments: most companies have one."""
    made, number = 0, 30_000_000
    # Gaps of up to 40 between SIREN give distinct numbers up to ~12 M establishments (below); beyond, gaps of up to 6
    # reach 40 M establishments (≈ 14 M companies) before 99 999 999.
    widest_gap = 40 if rows <= 12_000_000 else 6
    while made < rows:
        number += gen.rng.randint(1, widest_gap)
        if number > 99_999_999:  # past ~9.5 M establishments: on from 10 000 000 (8 digits, unused up to ~12 M)
            number -= 90_000_000
        count = min(rows - made, 1 if gen.rng.random() < 0.7 else gen.rng.randint(2, 12))
        made += count
        yield with_key(f"{number:08d}"), [gen.rng.choice(CITIES) for _ in range(count)]


def generate(folder: Path, rows: int, seed: int = 2026) -> Files:
    """Write unites_legales.csv and establishments.csv (`rows` establishments) in `folder`."""
    rng = random.Random(seed)
    gen = Generator(rng, rare_surnames(max(rows // 8, 1000), rng))
    company_header, establishment_header = _header("unites_legales.csv"), _header("establishments.csv")
    files = Files(folder / "unites_legales.csv", folder / "establishments.csv", [], gen.rare_used)
    with (
        files.companies.open("w", encoding="utf-8", newline="") as companies_file,
        files.establishments.open("w", encoding="utf-8", newline="") as establishments_file,
    ):
        companies = csv.DictWriter(companies_file, company_header, restval="")
        establishments = csv.DictWriter(establishments_file, establishment_header, restval="")
        companies.writeheader()
        establishments.writeheader()
        rare = set(gen.rare)
        for siren, cities in _companies(rows, gen):
            denomination, first_name, last_name = gen.company_name(cities[0][0])
            _sample_name(files, denomination or f"{first_name} {last_name}", rare, rng)
            active = rng.random() > 0.05
            companies.writerow(_company_row(siren, denomination, first_name, last_name, active))
            for nic, city in enumerate(cities, start=1):
                siret = with_key(f"{siren}{nic:04d}")
                establishments.writerow(_establishment_row(gen, siret, nic == 1, city, active))
                if rng.random() < 0.001:
                    files.sirets.append(siret)
    return files


def _sample_name(files: Files, name: str, rare: set[str], rng: random.Random) -> None:
    if len(files.rare_names) < 2000 and any(word in rare for word in name.split()):
        files.rare_names.append(name)
    elif len(files.names) < 2000 and rng.random() < 0.01:
        files.names.append(name)


def _company_row(siren: str, denomination: str, first_name: str, last_name: str, active: bool) -> dict[str, str]:
    return {
        "siren": siren,
        "statutDiffusionUniteLegale": "O",
        "denominationUniteLegale": denomination,
        "prenom1UniteLegale": first_name,
        "nomUniteLegale": last_name,
        "etatAdministratifUniteLegale": "A" if active else "C",
    }


def _establishment_row(gen: Generator, siret: str, head: bool, city: tuple[str, str, str], active: bool) -> dict:
    rng = gen.rng
    return {
        "siren": siret[:9],
        "nic": siret[9:],
        "siret": siret,
        "statutDiffusionEtablissement": "O",
        "etablissementSiege": "true" if head else "false",
        "numeroVoieEtablissement": str(rng.randint(1, 250)),
        "typeVoieEtablissement": rng.choice(STREET_TYPES),
        "libelleVoieEtablissement": rng.choice(STREET_NAMES),
        "codePostalEtablissement": city[1],
        "libelleCommuneEtablissement": city[0],
        "codeCommuneEtablissement": city[2],
        "etatAdministratifEtablissement": "A" if active and rng.random() > 0.15 else "F",
        "enseigne1Etablissement": gen.enseigne(city[0]),
        "activitePrincipaleEtablissement": rng.choice(NAF),
    }
