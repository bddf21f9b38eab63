"""French départements and régions (INSEE codes, the 2016 régions): where an organisation is, from its postal
code. A control service's `region` claim holds such a code; none means national."""

REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

_DEPARTEMENTS_BY_REGION = {
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
    "11": "75 77 78 91 92 93 94 95",
    "24": "18 28 36 37 41 45",
    "27": "21 25 39 58 70 71 89 90",
    "28": "14 27 50 61 76",
    "32": "02 59 60 62 80",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "52": "44 49 53 72 85",
    "53": "22 29 35 56",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "93": "04 05 06 13 83 84",
    "94": "2A 2B",
}

REGION_OF_DEPARTEMENT = {
    departement: region for region, listed in _DEPARTEMENTS_BY_REGION.items() for departement in listed.split()
}


def departement_of(code_postal: str) -> str | None:
    """The département of a French postal code (five digits), or None for a code no département has. Corsica's
    codes start with 20 (200xx–201xx: Corse-du-Sud, 202xx–206xx: Haute-Corse); overseas ones with 97."""
    if len(code_postal) != 5 or not code_postal.isascii() or not code_postal.isdigit():
        return None
    if code_postal.startswith("20"):
        departement = "2A" if code_postal < "20200" else "2B"
    elif code_postal.startswith("97"):
        departement = code_postal[:3]
    else:
        departement = code_postal[:2]
    return departement if departement in REGION_OF_DEPARTEMENT else None


def region_of(code_postal: str) -> str | None:
    departement = departement_of(code_postal)
    return REGION_OF_DEPARTEMENT[departement] if departement else None
