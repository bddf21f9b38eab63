"""The consistency rules of sofi.md §6 (rp_sofi.services.rules), on both sides of each boundary. Plain objects,
no database: the rules read only what they are given."""

from datetime import date
from decimal import Decimal

import pytest

from rp_sofi import messages
from rp_sofi.models import Action, Dispositif, RecordStatus, Session, Site
from rp_sofi.services import rules

SIRET = "99966088900018"
TODAY = date(2026, 3, 10)
START, END = date(2026, 9, 1), date(2027, 6, 30)


def action(**values: object) -> Action:
    return Action(**({"date_debut": None, "date_fin": None, "public": False, "siret": SIRET} | values))


def session_errors(
    debut: date = START, fin: date = END, capacite: int = 12, places: int | None = 8,
    periodes: list[tuple[date, date]] | None = None, new: bool = True, of: Action | None = None,
) -> rules.Errors:  # fmt: skip
    return rules.session_errors(debut, fin, capacite, places, periodes or [], of or action(), TODAY, new)


def dispositif_errors(
    code: str = "PRIVE", places: int | None = 8, cout: str | None = "100", capacite: int = 12, carif: bool = False,
    public_action: bool = False,
) -> rules.Errors:  # fmt: skip
    return rules.dispositif_errors(
        code, places, None if cout is None else Decimal(cout), capacite, carif, public_action
    )


# Action


@pytest.mark.parametrize(
    ("centre", "entreprise", "expected"),
    [
        (0, 0, {"duree_centre": messages.NO_DURATION}),
        (None, None, {"duree_centre": messages.NO_DURATION}),
        (0, 1, {}),
        (1, 0, {}),
        (-1, 10, {"duree_centre": messages.NEGATIVE_DURATION}),
        (10, -1, {"duree_entreprise": messages.NEGATIVE_DURATION}),
    ],
)
def test_at_least_one_duration_and_none_negative(centre: int | None, entreprise: int | None, expected: dict) -> None:
    assert rules.action_errors(centre, entreprise, None, "") == expected


@pytest.mark.parametrize(
    ("hebdo", "expected"),
    [
        (35, {}),  # equal to the total (20 + 15)
        (36, {"duree_hebdo": messages.WEEKLY_OVER_TOTAL}),
        (1, {}),
        (0, {"duree_hebdo": messages.WEEKLY_RANGE}),
        (None, {}),
    ],
)
def test_weekly_duration_within_the_total(hebdo: int | None, expected: dict) -> None:
    assert rules.action_errors(20, 15, hebdo, "") == expected


@pytest.mark.parametrize(("hebdo", "expected"), [(60, {}), (61, {"duree_hebdo": messages.WEEKLY_RANGE})])
def test_weekly_duration_at_most_sixty_hours(hebdo: int, expected: dict) -> None:
    assert rules.action_errors(400, 0, hebdo, "") == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://idmv.example.fr/cap", {}),
        ("HTTP://IDMV.EXAMPLE.FR", {}),
        ("", {}),
        ("www.idmv.fr", {"url": messages.URL_SCHEME}),
        ("ftp://idmv.fr", {"url": messages.URL_SCHEME}),
        ("javascript:alert(1)", {"url": messages.URL_SCHEME}),
    ],
)
def test_url_must_be_http_or_https(url: str, expected: dict) -> None:
    assert rules.action_errors(10, 0, None, url) == expected


@pytest.mark.parametrize(
    ("fin", "expected"), [(START, {}), (date(2026, 8, 31), {"date_fin": messages.DATE_ORDER}), (None, {})]
)
def test_action_period_end_on_or_after_its_start(fin: date | None, expected: dict) -> None:
    assert rules.action_errors(10, 0, None, "", START, fin) == expected


# Session


@pytest.mark.parametrize(("fin", "expected"), [(START, {}), (date(2026, 8, 31), {"date_fin": messages.DATE_ORDER})])
def test_session_end_on_or_after_its_start(fin: date, expected: dict) -> None:
    assert session_errors(START, fin) == expected


@pytest.mark.parametrize(
    ("fin", "new", "expected"),
    [
        (TODAY, True, {}),  # ends today: still to come
        (date(2026, 3, 9), True, {"date_fin": messages.SESSION_IN_PAST}),
        (date(2026, 3, 9), False, {}),  # an existing session may have ended
    ],
)
def test_a_new_session_cannot_be_entirely_in_the_past(fin: date, new: bool, expected: dict) -> None:
    assert session_errors(date(2026, 1, 5), fin, new=new) == expected


@pytest.mark.parametrize(
    ("debut", "fin", "expected"),
    [
        (START, END, {}),  # exactly the action's period
        (date(2026, 8, 31), END, {"date_debut": messages.SESSION_OUTSIDE_ACTION}),
        (START, date(2027, 7, 1), {"date_debut": messages.SESSION_OUTSIDE_ACTION}),
    ],
)
def test_session_within_the_action_period(debut: date, fin: date, expected: dict) -> None:
    assert session_errors(debut, fin, of=action(date_debut=START, date_fin=END)) == expected


@pytest.mark.parametrize(
    ("periodes", "expected"),
    [
        ([(START, END)], {}),  # the whole session
        ([(START, date(2026, 12, 18)), (date(2027, 1, 4), END)], {}),
        ([(date(2027, 1, 4), END), (START, date(2026, 12, 18))], {}),  # in any order
        ([(START, date(2026, 12, 18)), (date(2026, 12, 19), END)], {}),  # one day after the other
        ([(START, date(2026, 12, 18)), (date(2026, 12, 18), END)], {"periodes": messages.PERIODS}),  # a shared day
        ([(START, date(2027, 1, 10)), (date(2027, 1, 4), END)], {"periodes": messages.PERIODS}),  # overlapping
        ([(date(2026, 8, 31), date(2026, 12, 18))], {"periodes": messages.PERIODS}),  # starts before the session
        ([(date(2027, 1, 4), date(2027, 7, 1))], {"periodes": messages.PERIODS}),  # ends after it
        ([(date(2026, 12, 18), START)], {"periodes": messages.PERIODS}),  # ends before it starts
    ],
)
def test_periods_inside_the_session_without_overlapping(periodes: list[tuple[date, date]], expected: dict) -> None:
    assert session_errors(periodes=periodes) == expected


@pytest.mark.parametrize(
    ("capacite", "places", "expected"),
    [
        (12, 12, {}),
        (12, 13, {"places_disponibles": messages.PLACES_OVER_CAPACITY}),
        (12, 0, {}),
        (12, None, {}),
        (12, -1, {"places_disponibles": messages.POSITIVE}),
        (1, None, {}),
        (0, None, {"capacite": messages.CAPACITY}),
    ],
)
def test_places_within_the_capacity(capacite: int, places: int | None, expected: dict) -> None:
    assert session_errors(capacite=capacite, places=places) == expected


# Sites


def site(**values: object) -> Site:
    return Site(**({"id": 36231, "siret": SIRET, "nom_usage": "IDMV", "status": RecordStatus.ACTIF} | values))


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (site(), {}),
        (site(status=RecordStatus.EN_ATTENTE_VALIDATION), {"site_lieu_id": messages.SITE_NOT_ACTIVE}),
        (site(siret="99791566500019"), {"site_lieu_id": messages.SITE_NOT_OURS}),
        (None, {"site_lieu_id": messages.SITE_NOT_OURS}),
    ],
)
def test_a_site_of_this_establishment_accepted_by_the_carif_oref(chosen: Site | None, expected: dict) -> None:
    assert rules.site_errors(chosen, SIRET, "site_lieu_id") == expected


# Dispositif


@pytest.mark.parametrize(
    ("places", "expected"),
    [
        (12, {}),
        (13, {"nb_places": messages.DISPOSITIF_OVER_CAPACITY}),
        (0, {}),
        (None, {}),
        (-1, {"nb_places": messages.POSITIVE}),
    ],
)
def test_dispositif_places_within_the_session_capacity(places: int | None, expected: dict) -> None:
    assert dispositif_errors(places=places, capacite=12) == expected


@pytest.mark.parametrize(
    ("cout", "expected"),
    [("0", {}), ("0.01", {}), (None, {}), ("-0.01", {"cout_stagiaire": messages.COST})],
)
def test_cost_is_a_positive_amount(cout: str | None, expected: dict) -> None:
    assert dispositif_errors(cout=cout) == expected


@pytest.mark.parametrize(
    ("code", "carif", "public_action", "expected"),
    [
        ("PRIVE", False, False, {}),
        ("CPF", False, False, {}),
        ("AIF", False, False, {"dispositif": messages.DISPOSITIF_CARIF_ONLY}),
        ("AIF", True, False, {}),
        ("PRIVE", False, True, {}),
        ("CPF", False, True, {"dispositif": messages.PUBLIC_PRIVATE_ONLY}),
        ("REGION", True, True, {}),
        ("INCONNU", False, False, {"dispositif": messages.REQUIRED}),
        ("", False, False, {"dispositif": messages.REQUIRED}),
    ],
)
def test_which_dispositif_who_may_choose(code: str, carif: bool, public_action: bool, expected: dict) -> None:
    assert dispositif_errors(code=code, carif=carif, public_action=public_action) == expected


# The bundle, before « Valider »


def bundle(sessions: int = 1, dispositifs: int = 1) -> Action:
    dispensateur = site()
    item = action(
        site_dispensateur=dispensateur, duree_centre=400, duree_entreprise=0, duree_hebdo=35, url="",
    )  # fmt: skip
    for _ in range(sessions):
        session = Session(
            site_lieu=dispensateur, date_debut=START, date_fin=END, periodes=[], capacite=12, places_disponibles=8
        )
        session.dispositifs = [
            Dispositif(dispositif="PRIVE", nb_places=8, cout_stagiaire=Decimal(100), public=False)
            for _ in range(dispositifs)
        ]
        item.sessions.append(session)
    return item


def test_a_complete_bundle_can_be_sent() -> None:
    assert rules.bundle_errors(bundle(), "52850000085", TODAY) == []


@pytest.mark.parametrize(("sessions", "dispositifs"), [(0, 0), (1, 0), (2, 0)])
def test_each_action_needs_a_session_and_each_session_a_dispositif(sessions: int, dispositifs: int) -> None:
    assert rules.bundle_errors(bundle(sessions, dispositifs), "52850000085", TODAY) == [messages.INCOMPLETE_BUNDLE]


def test_the_nda_is_required_before_sending() -> None:
    assert rules.bundle_errors(bundle(), None, TODAY) == [messages.NDA_REQUIRED]


def test_stored_values_breaking_a_rule_are_listed_once() -> None:
    item = bundle(sessions=2)
    for session in item.sessions:
        session.places_disponibles = 13
    item.duree_hebdo = 500
    assert rules.bundle_errors(item, "52850000085", TODAY) == [
        messages.WEEKLY_RANGE,
        messages.PLACES_OVER_CAPACITY,
    ]


def test_a_site_no_longer_accepted_stops_the_bundle() -> None:
    item = bundle()
    item.sessions[0].site_lieu = site(id=36232, status=RecordStatus.EN_ATTENTE_VALIDATION)
    assert rules.bundle_errors(item, "52850000085", TODAY) == [messages.SITE_NOT_ACTIVE]
