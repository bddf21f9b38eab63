"""SOFI answers odd input clearly, never with a 500: every route of its URL map, the query parameters its views
read and every form of its pages, walked (1) logged out, (2) as the gestionnaire of IDMV (an organisme with its
sites, contacts, formations, actions, sessions and dispositifs) and (3) as the Carif-Oref's valideur (an action sent
for validation, annuaire records waiting for it); then the pages shown only with a query, with odd values beside
sensible ones, and the decisions of the Carif-Oref on items kept pending for them.

One test walks the three: that every route was reached is asserted at its end, whatever order pytest runs in."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import webtest
from flask import Flask, request, request_started

from rp_sofi.extensions import db
from rp_sofi.models import Contact
from rp_sofi.services import annuaire
from shared.clock import in_paris, utcnow
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import CARIF, CLOSED_SIRET, FORMALOIRE, IDMV, IDMV_CHOLET, PARIS_SIRET, LogIn
from tests.security.oddities import ODD_VALUES
from tests.security.walker import (
    Identity,
    Pairs,
    Walker,
    parse_forms,
    pretend_provider,
    refresher,
    report,
    rule_key,
    walk,
)

# Routes that cannot be walked, with the reason. None: the static folders are walked too (odd file names,
# traversal, NUL give a 404), /connexion and /deconnexion reach the provider's (stubbed) discovery document, and
# /callback refuses every state it did not issue.
UNWALKABLE: set[str] = set()


# Digits Python reads differently: « ² » passes str.isdigit() but not int(); Arabic-Indic and full-width digits
# pass both, and the regular expressions' \d.
DIGITS = ("²".encode(), "١٢".encode(), "３１９９９".encode())
# SOFI's ids are 32-bit INTEGER columns on PostgreSQL; the walker gives this one to `<int:…>` only, SOFI reads ids
# from the query (?site=) and from a string in the path (/validation/annuaire/site/<record_id>) too.
PAST_32_BITS = b"2147483648"
NUMERIC = re.compile(r"[\d\s,.]*\d[\d\s,.]*")  # an id, a version, a code, an amount, a phone number…


@dataclass
class World:
    """Real ids for every path argument. The rule walk posts a bare CSRF token to every route with the ids of
    `real_values`, which changes some of them (a contact is deleted, a pending record accepted): the forms that
    must find their object as it was are walked on twins that only the identities' `pages` show."""

    today: date
    site: int  # IDMV's « Site de la gare », with the contact `contact`
    main_site: int  # with the contact `kept`
    sent_site: int  # changes sent to the Carif-Oref: locked
    contact: int  # deleted by the rule walk
    kept: int  # its « Supprimer » form is walked
    formation: int
    sent: int  # waiting for the Carif-Oref: the organisation sees its sheets, without a form
    sent_session: int
    sent_dispositif: int
    writing: int  # en cours de saisie, with its session and dispositif
    session: int
    dispositif: int
    twin: int  # the same, for its sheets' forms
    twin_session: int
    twin_dispositif: int
    asked: int  # a question of the Carif-Oref waits for IDMV's answer
    reserved: list[int]  # sent too, one per decision walked on its own (« Demander des précisions », « Refuser »)
    new_site: int  # created by IDMV, waiting for the Carif-Oref: its « Refuser » (which deletes it) walked alone


def _pending_etablissement(siret: str, description: str) -> None:
    etablissement = f.make_etablissement(db.session, siret, domaines=["14201"])
    scope = f.of_scope(siret)
    annuaire.update_etablissement(
        db.session, etablissement, scope, etablissement.version, nda="52850000099", description=description,
        domaines=["14201"],
    )  # fmt: skip
    db.session.flush()
    annuaire.submit_record(db.session, etablissement, scope, etablissement.version, utcnow())


@pytest.fixture
def world(sofi_app: Flask) -> World:
    today = in_paris(utcnow()).date()
    dates = [(today + timedelta(days=60), today + timedelta(days=300))]
    etablissement = f.make_etablissement(db.session, IDMV, domaines=["14201"])
    main = f.main_site(etablissement)
    site = f.make_site(db.session, IDMV, "Site de la gare")
    sent_site = f.make_site(db.session, IDMV, "Site du port")
    contact = Contact(site=site, nom="DUPONT", prenom="Jean", courriel="jean.dupont@idmv.example")
    kept = Contact(site=main, nom="MARTIN", prenom="Léa", telephone="0240000000")
    db.session.add_all([contact, kept])
    sent = f.submit(db.session, f.make_action(db.session, IDMV, sessions=dates), today)
    writing = f.make_action(db.session, IDMV, sessions=dates)
    twin = f.make_action(db.session, IDMV, sessions=dates, complement_intitule="En alternance")
    asked = f.ask(db.session, f.make_action(db.session, IDMV, sessions=dates), today)
    reserved = [f.submit(db.session, f.make_action(db.session, IDMV, sessions=dates), today) for _ in range(2)]
    f.validate(db.session, f.make_action(db.session, IDMV, sessions=dates), today)  # the catalogue's, the lists'
    db.session.flush()
    scope = f.of_scope(IDMV)
    annuaire.update_site(db.session, sent_site, scope, sent_site.version, {"nom_usage": "Site du quai"}, False)
    db.session.flush()
    annuaire.submit_record(db.session, sent_site, scope, sent_site.version, utcnow())
    fields = {"nom_usage": "Site des halles", "adresse": "3 rue des Halles", "code_postal": "85000",
              "commune": "LA ROCHE-SUR-YON", "telephone": "", "courriel": "", "url": "", "dispensateur": True,
              "lieu": True}  # fmt: skip
    new_site = annuaire.create_site(db.session, etablissement, scope, utcnow(), fields)
    # Waiting for the Carif-Oref too: IDMV Cholet, FORMA'LOIRE (its page's forms are walked).
    _pending_etablissement(IDMV_CHOLET, "Antenne de Cholet")
    _pending_etablissement(FORMALOIRE, "Conseil en formation")
    db.session.commit()

    return World(
        today=today, site=site.id, main_site=main.id, sent_site=sent_site.id, contact=contact.id, kept=kept.id,
        formation=writing.formation_id, sent=sent.id, sent_session=sent.sessions[0].id,
        sent_dispositif=sent.sessions[0].dispositifs[0].id, writing=writing.id, session=writing.sessions[0].id,
        dispositif=writing.sessions[0].dispositifs[0].id, twin=twin.id, twin_session=twin.sessions[0].id,
        twin_dispositif=twin.sessions[0].dispositifs[0].id, asked=asked.id, reserved=[item.id for item in reserved],
        new_site=new_site.id,
    )  # fmt: skip


@pytest.fixture
def provider(sofi_app: Flask) -> None:
    pretend_provider(sofi_app)


# --- who walks -----------------------------------------------------------------------------------------------------


def sensible(world: World) -> Callable[[str, list[str]], str]:
    """What a person would type in a field the page leaves empty."""
    start, end = world.today + timedelta(days=90), world.today + timedelta(days=200)
    typed = {
        "nda": "52850000099", "domaines": "14201", "formacodes": "14201", "nom_usage": "Site des halles",
        "adresse": "3 rue des Halles", "code_postal": "85000", "commune": "LA ROCHE-SUR-YON",
        "telephone": "02 40 00 00 01", "courriel": "lea.martin@idmv.example", "url": "https://idmv.example.fr/cap",
        "nom": "MARTIN", "prenom": "Léa", "fonction": "Formatrice", "certifinfo": "31999", "siret": IDMV,
        "q": "boucher", "formacode": "14201", "lieu": "La Roche", "date": start.isoformat(),
        "depuis": "01/01/2020", "date_debut": start.strftime("%d/%m/%Y"), "date_fin": end.strftime("%d/%m/%Y"),
        "duree_centre": "400", "duree_entreprise": "140", "duree_hebdo": "35", "capacite": "12",
        "places_disponibles": "8", "nb_places": "8", "cout_stagiaire": "4 200,50", "nb_remuneres": "2",
        "codes_externes": "EXT-43", "question": "Pouvez-vous préciser les prérequis ?",
        "reason": "Cette formation n'est pas dispensée sur ce site.", "answer": "Entrée sur entretien.",
        "intitule": "Découpe et désossage", "objectif": "Désosser.", "programme": "Découpe.",
    }  # fmt: skip

    def value(name: str, options: list[str]) -> str:
        if options:
            return options[0]
        return typed.get(name.rsplit("-", 1)[-1], "")  # periods, comments, … may stay empty

    return value


def real_values(world: World, carif: bool = False) -> dict[str, list[str]]:
    """The first value of each is the one every other argument of the path is walked with: for the organisation,
    the action sent to the Carif-Oref, whose sheets it only reads (the twin's forms are walked)."""
    return {
        "siret": [IDMV, PARIS_SIRET, CLOSED_SIRET] if carif else [IDMV, CARIF],  # outside the region; closed
        "site_id": [str(world.site), str(world.main_site), str(world.sent_site)],
        "contact_id": [str(world.contact)],
        "formation_id": [str(world.formation)],
        "action_id": [str(world.sent), str(world.writing), str(world.asked)],
        "session_id": [str(world.sent_session), str(world.session)],
        "dispositif_id": [str(world.sent_dispositif), str(world.dispositif)],
        "kind": ["site", "etablissement"],
        "record_id": [str(world.sent_site), IDMV_CHOLET, PAST_32_BITS.decode()],  # the last one: no site's
        "decision": ["refuser", "valider"],
        "filename": ["app.css", "dsfr.min.css", "altcha.js", "dsfr/dsfr.min.css"],
    }


def logged_out(sofi: webtest.TestApp, world: World) -> Identity:
    def ensure() -> webtest.TestResponse:
        sofi.reset()
        return sofi.get("/")

    pages = ["/catalogue?formacode=14201&lieu=La+Roche", "/connexion?next=%2Fannuaire"]
    return Identity("logged out", ensure, sensible(world), real_values(world), pages)


def logged_in(
    sofi: webtest.TestApp, log_in: LogIn, role: str, siret: str, home: str
) -> Callable[[], webtest.TestResponse]:
    """`ensure`: a new session when the walk ended this one (« Se déconnecter », a forged cookie)."""

    def ensure() -> webtest.TestResponse:
        page = sofi.get(home, expect_errors=True)
        if page.status_int != 200:
            log_in(role, siret=siret)
            page = sofi.get(home)
        return page

    return ensure


def gestionnaire_pages(world: World) -> list[str]:
    return [
        f"/actions/{world.twin}",
        f"/sessions/{world.twin_session}",
        f"/dispositifs/{world.twin_dispositif}",
        f"/actions/{world.twin}/sessions/nouvelle",
        f"/sessions/{world.twin_session}/dispositifs/nouveau",
        f"/actions/{world.asked}/recapitulatif",  # « Répondre »
        f"/actions/{world.twin}/recapitulatif",  # « Valider », walked after the twin's sheets
        "/formations/creer?mode=intitule&q=boucher",  # the results' « Choisir »
    ]


def gestionnaire(sofi: webtest.TestApp, log_in: LogIn, world: World) -> Identity:
    ensure = logged_in(sofi, log_in, "gestionnaire", IDMV, "/annuaire")
    return Identity("gestionnaire", ensure, sensible(world), real_values(world), gestionnaire_pages(world))


# The valideur may change any organisation's annuaire and offer, through the same forms and views as the
# gestionnaire, who walks them: the valideur walks its own pages (the validation queue, « Créer » for an
# organisation, the region-wide dashboard), and the annuaire's with a query only (`queries`).
CARIF_SKIPS = {
    "/annuaire", "/annuaire/<siret>/etablissement", "/annuaire/sites/<int:site_id>", "/annuaire/<siret>/valider",
    "/annuaire/sites/<int:site_id>/valider", "/annuaire/<siret>/sites/nouveau",
    "/annuaire/sites/<int:site_id>/contacts/nouveau", "/annuaire/contacts/<int:contact_id>/supprimer",
    "/formations/<int:formation_id>/actions/nouvelle", "/actions/<int:action_id>",
    "/actions/<int:action_id>/sessions/nouvelle", "/sessions/<int:session_id>",
    "/sessions/<int:session_id>/dispositifs/nouveau", "/dispositifs/<int:dispositif_id>",
}  # fmt: skip


def carif(sofi: webtest.TestApp, log_in: LogIn, world: World) -> Identity:
    pages = [
        "/validation?type=actions&departement=85&depuis=01%2F01%2F2020",
        f"/validation/annuaire/etablissement/{FORMALOIRE}",
        f"/formations/creer?mode=intitule&q=boucher&siret={IDMV}",
        "/?departement=85&liste=annuaire-attente",
    ]
    ensure = logged_in(sofi, log_in, "valideur_carif", CARIF, "/validation")
    return Identity("valideur Carif-Oref", ensure, sensible(world), real_values(world, carif=True), pages)


# --- beyond the generic walk ---------------------------------------------------------------------------------------


def queries(world: World) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """Pages shown with a query, by identity: `walk` sends each parameter alone, these keep the others sensible
    (a list of the dashboard with an odd page number, the queue filtered with an odd date or paged oddly, …)."""
    return {
        "logged out": [("/catalogue", {"formacode": "14201", "lieu": "Roche", "date": "2020-01-01", "page": "2"})],
        "gestionnaire": [
            ("/", {"liste": "en-saisie", "page": "2"}),
            ("/formations", {"page": "2"}),
            ("/formations/creer", {"mode": "intitule", "q": "31999"}),
            ("/annuaire", {"site": str(world.site)}),
        ],
        "valideur Carif-Oref": [
            ("/", {"departement": "85", "liste": "annuaire-attente", "page": "2"}),
            ("/validation", {"type": "annuaire", "departement": "44", "depuis": "2020-01-01"}),
            ("/validation", {"page_actions": "2", "page_reponses": "2", "page_annuaire": "2"}),
            ("/formations/creer", {"mode": "rncp", "q": "RNCP12345", "siret": IDMV}),
            ("/annuaire", {"siret": IDMV, "site": str(world.site)}),
        ],
    }


def with_query(walker: Walker, path: str, base: dict[str, str]) -> None:
    """Each parameter in turn given each odd value (and those above), the others sensible."""
    for name in base:
        for value in (*ODD_VALUES, *DIGITS, PAST_32_BITS):
            pairs = [(key, old.encode()) for key, old in base.items() if key != name]
            walker.send("GET", path, [*pairs, (name, value)])


def decide_alone(walker: Walker, who: Identity, page: str, action: str) -> None:
    """One decision's form walked on an item still pending for it: on a shared page, « Valider » (walked first)
    decides, and the forms after it only reach the « not pending » refusal."""
    who.ensure()
    shown = walker.send("GET", page)
    assert shown is not None and shown.status_int == 200, page
    specs = [spec for spec in parse_forms(shown, who.sensible) if urlsplit(spec.action).path == action]
    assert specs, f"no form to {action} on {page}"
    walker.fuzz_form(specs[0], refresher(walker, who))


def numbers_on(world: World) -> dict[str, list[str]]:
    """The pages of each identity's posted forms."""
    twin = [page for page in gestionnaire_pages(world) if "?" not in page]
    return {
        "logged out": [],
        "gestionnaire": ["/annuaire", f"/annuaire/{IDMV}/sites/nouveau",
                         f"/annuaire/sites/{world.site}/contacts/nouveau",
                         f"/formations/{world.formation}/actions/nouvelle", *twin],
        "valideur Carif-Oref": ["/formations/creer", "/validation/formations/creer",
                                f"/validation/actions/{world.reserved[0]}",
                                f"/validation/annuaire/etablissement/{FORMALOIRE}"],
    }  # fmt: skip


def odd_digits(walker: Walker, who: Identity, pages: list[str], fuzzed: Callable[[str], bool] | None = None) -> None:
    """Each field of these pages' posted forms that holds a number given each of DIGITS, the others sensible (only
    the `fuzzed` ones when given)."""
    refresh = refresher(walker, who)
    for page in pages:
        who.ensure()
        shown = walker.send("GET", page)
        for spec in parse_forms(shown, who.sensible) if shown is not None and shown.status_int == 200 else []:
            if spec.method != "POST" or urlsplit(spec.action).path == "/deconnexion":
                continue
            current = refresh(spec)
            numeric = {
                name
                for name, value in current.fields
                if name != "csrf_token" and NUMERIC.fullmatch(value) and (fuzzed is None or fuzzed(name))
            }
            for name in sorted(numeric):
                for value in DIGITS:
                    pairs: Pairs = [(key, value if key == name else old.encode()) for key, old in current.fields]
                    walker.send(current.method, current.action, body=pairs)


def test_every_route_and_form_of_sofi_answers_odd_input(
    sofi_app: Flask, sofi: webtest.TestApp, log_in: LogIn, world: World, provider: None
) -> None:
    """The three identities in one test, so that the last assertion (every route reached) holds whatever runs
    before or after it."""
    reached: set[str] = set()

    def note(sender: Flask, **extra: object) -> None:
        if request.url_rule is not None:
            reached.add(rule_key(request.url_rule))

    identities = [logged_out(sofi, world), gestionnaire(sofi, log_in, world), carif(sofi, log_in, world)]
    excluded = {"logged out": UNWALKABLE, "gestionnaire": UNWALKABLE, "valideur Carif-Oref": UNWALKABLE | CARIF_SKIPS}
    request_started.connect(note, sofi_app)
    try:
        with Walker("sofi", sofi_app, sofi) as walker:
            for who in identities:
                walk(walker, who, excluded[who.label])
                who.ensure()
                for path, base in queries(world)[who.label]:
                    with_query(walker, path, base)
                odd_digits(walker, who, numbers_on(world)[who.label])
            valideur = identities[2]
            for action, decision in zip(world.reserved, ("preciser", "refuser"), strict=True):
                path = f"/validation/actions/{action}"
                decide_alone(walker, valideur, path, f"{path}/{decision}")
            path = f"/validation/annuaire/site/{world.new_site}"
            decide_alone(walker, valideur, path, f"{path}/refuser")
    finally:
        request_started.disconnect(note, sofi_app)
    assert not walker.errors, report(walker.errors)
    missed = sorted(rule_key(rule) for rule in walker.rules(UNWALKABLE) if rule_key(rule) not in reached)
    assert missed == [], "routes no identity reached: walk them, or say in UNWALKABLE why they cannot be"
