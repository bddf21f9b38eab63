"""Demo data: `flask --app rp_sofi demo load` loads the reference tables, then a few organisations of the demo
directory (demo_data/) across the five départements, with their annuaire and an offer in every state of
sofi.md §4: en cours de saisie (some unfinished, with no session), en attente de validation, en attente de
réponses, refused, answered, Certifinfo replaced, validated with sessions active, ending within a month and
ended, validated then edited again, and actions of the regional programme (public).

Session dates are relative to the day of the load, so that the demo looks alive. The offer is typed in as the
tunnel would have saved it (sessions now over included: they were entered when they were not), then moved
through its states by the workflow services, with a demo Carif-Oref validator: journal and publication are the
real ones. Loading again changes nothing: an organisation that has actions keeps them, existing sites and
contacts are kept. No CAP boucher (31999) for IDMV: the end-to-end journey creates that one."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from rp_sofi.access import Scope
from rp_sofi.models import Action, Certification, Dispositif, Formation, RecordStatus, Session, Site
from rp_sofi.reference import load_all
from rp_sofi.services import annuaire, workflow
from rp_sofi.services.transaction import transaction
from shared.clock import in_paris, utcnow
from shared.db import DbSession

CARIF_SIRET = "99654944000013"  # CARIF-OREF DEMO PAYS DE LA LOIRE
CARIF = Scope(CARIF_SIRET, frozenset({"valideur_carif"}), "demo-carif", "Valideur DÉMO Carif-Oref")
QUESTION = "Pouvez-vous préciser les prérequis d'entrée et le nombre d'heures en entreprise ?"


@dataclass(frozen=True)
class DemoSite:
    nom: str
    adresse: str
    code_postal: str
    commune: str
    contact: tuple[str, str, str, str]  # civilité, nom, prénom, fonction
    pending: bool = False  # created by the gestionnaire, not yet accepted by the Carif-Oref


@dataclass(frozen=True)
class DemoAction:
    certifinfo: int
    state: str  # see STATES
    sessions: tuple[tuple[int, int], ...] = ()  # (début, fin) in days from today
    complement: str = ""
    site: int = 0  # index in the organisation's sites (0: the main one)
    dispositifs: tuple[str, ...] = ("PRIVE",)


@dataclass(frozen=True)
class DemoOrganisation:
    siret: str
    nda: str
    domaines: list[str]
    description: str
    gestionnaire: str  # the name the journal shows for the organisation's own steps
    sites: tuple[DemoSite, ...]
    actions: tuple[DemoAction, ...]
    pending_changes: bool = False  # the établissement's changes submitted, waiting for the Carif-Oref


STATES = ("brouillon", "saisie", "attente", "question", "repondue", "refusee", "validee", "reouverte", "remplacee",
          "publique")  # fmt: skip
LIVE, SOON, ENDED, NEXT = (-60, 240), (-120, 12), (-200, -20), (30, 300)  # typical sessions

# fmt: off
ORGANISATIONS = (
    DemoOrganisation(
        "99791566500019", "52440123444", ["32652", "99004", "99005", "99006"],
        "Conseil et formation en gestion, paie et bureautique pour les entreprises de Loire-Atlantique.",
        "Camille DEMOLOIRE",
        (DemoSite("FORMA'LOIRE CONSEIL", "", "", "", ("Mme", "DEMOLOIRE", "Camille", "Gestionnaire de l'offre")),
         DemoSite("FORMA'LOIRE - Centre Beaulieu", "12 boulevard Général De Gaulle", "44200", "NANTES",
                  ("M", "EXEMPLAIRE", "Hugo", "Responsable pédagogique")),
         DemoSite("FORMA'LOIRE - Rezé", "4 rue de la Démo", "44400", "REZE", ("Mme", "FICTIF", "Léa", "Accueil"),
                  pending=True)),
        (DemoAction(999031, "validee", (LIVE, SOON, ENDED), "parcours certifiant"),
         DemoAction(999004, "validee", (NEXT, (5, 40), (-300, -200)), site=1),
         DemoAction(999004, "brouillon", complement="à distance"),
         DemoAction(999005, "attente", (NEXT,)),
         DemoAction(999006, "question", (NEXT, (90, 200))),
         DemoAction(999007, "saisie", ((14, 120),), site=1, dispositifs=("PRIVE", "CPF")),
         DemoAction(999022, "refusee", ((20, 60),))),
    ),
    DemoOrganisation(
        "99966088900018", "52850000085", ["99001", "99002"],
        "Centre de formation aux métiers de la viande : boucherie, charcuterie, hygiène alimentaire.",
        "Gestionnaire DÉMO IDMV",
        (DemoSite("INSTITUT DEMO DES METIERS DE LA VIANDE", "", "", "",
                  ("M", "DEMOBOUCHER", "Paul", "Directeur")),
         DemoSite("IDMV - Atelier de découpe", "15 rue des Halles Démo", "85000", "LA ROCHE-SUR-YON",
                  ("Mme", "EXEMPLE", "Nadia", "Formatrice")),
         DemoSite("IDMV - Laboratoire", "2 impasse du Froid", "85000", "LA ROCHE-SUR-YON",
                  ("M", "FICTIF", "Marc", "Technicien"), pending=True)),
        (DemoAction(999001, "validee", (LIVE, SOON, ENDED), "en contrat de professionnalisation", site=1,
                    dispositifs=("CONTRAT_PRO",)),
         DemoAction(999002, "publique", ((-30, 150), (10, 25)), dispositifs=("REGION", "PRIVE")),
         DemoAction(999002, "question", (NEXT,), "pour salariés"),
         DemoAction(999009, "saisie", ((7, 8), (40, 41)))),
    ),
    DemoOrganisation(
        "99966088900026", "52850000085", ["99001", "99002"], "Antenne de l'IDMV dans le Choletais.",
        "Gestionnaire DÉMO IDMV Cholet",
        (DemoSite("IDMV ANTENNE CHOLET", "", "", "", ("Mme", "DEMOCHOLET", "Anne", "Responsable d'antenne")),),
        (DemoAction(999001, "validee", (LIVE, (-100, 3))),
         DemoAction(999002, "brouillon")),
    ),
    DemoOrganisation(
        "99673406700019", "52440067300", ["99011", "99012", "99014", "99015"],
        "Formation continue des adultes : bâtiment, logistique, services à la personne.",
        "Gestionnaire DÉMO GRETA",
        (DemoSite("RESEAU DEMO GRETA OCEAN", "", "", "", ("M", "OCEANDEMO", "Yann", "Conseiller en formation")),
         DemoSite("GRETA Océan - Plateau technique BTP", "Zone de la Démo", "44600", "SAINT-NAZAIRE",
                  ("M", "EXEMPLE", "Loïc", "Coordinateur BTP")),
         DemoSite("GRETA Océan - Antenne Pornic", "1 quai Démo", "44210", "PORNIC",
                  ("Mme", "FICTIVE", "Sophie", "Assistante"), pending=True)),
        (DemoAction(999011, "validee", (LIVE, NEXT), site=1),
         DemoAction(999012, "publique", (LIVE, SOON, ENDED), site=1, dispositifs=("REGION",)),
         DemoAction(999020, "remplacee", (NEXT,)),
         DemoAction(999015, "attente", ((15, 100),)),
         DemoAction(999014, "reouverte", (LIVE, (-10, 20))),
         DemoAction(999015, "repondue", ((45, 140),), "module cariste"),
         DemoAction(999009, "validee", ((-40, -39), (-5, -4), (3, 4), (17, 18), (45, 46), (80, 81)), site=1)),
        pending_changes=True,
    ),
    DemoOrganisation(
        "99826024400012", "52720260412", ["99017", "42602", "42623"],
        "École des métiers du tourisme et de l'accueil.",
        "Gestionnaire DÉMO EDTA",
        (DemoSite("ECOLE DEMO DU TOURISME ATLANTIQUE", "", "", "", ("Mme", "TOURISDEMO", "Claire", "Directrice")),
         DemoSite("EDTA - Site du Vieux Mans", "3 place Démo", "72000", "LE MANS",
                  ("M", "GUIDEDEMO", "Jean", "Responsable des stages"))),
        (DemoAction(82182, "validee", (NEXT, SOON)),
         DemoAction(85556, "validee", (ENDED, (-400, -250)), site=1),
         DemoAction(999017, "question", (NEXT,)),
         DemoAction(92893, "brouillon")),
    ),
    DemoOrganisation(
        "99168352500018", "52530168300", ["99008", "99013", "99014"],
        "Association d'insertion : français langue étrangère, remise à niveau, préparation aux concours.",
        "Gestionnaire DÉMO ADIF",
        (DemoSite("ASSOCIATION DEMO INSERTION PAR LA FORMATION", "", "", "",
                  ("M", "INSERDEMO", "Karim", "Coordinateur")),
         DemoSite("ADIF - Quartier Saint-Nicolas", "8 rue Démo", "53000", "LAVAL",
                  ("Mme", "EXEMPLE", "Julie", "Formatrice FLE"))),
        (DemoAction(999008, "publique", (LIVE, (0, 28)), site=1, dispositifs=("REGION", "AIF")),
         DemoAction(999019, "repondue", (NEXT,)),
         DemoAction(999014, "validee", ((-30, 60), ENDED))),
    ),
    DemoOrganisation(
        "99811663600015", "52850811600", ["99016"], "Formations aux métiers de l'animation sportive.",
        "Gestionnaire DÉMO ADFS",
        (DemoSite("ASSOCIATION DEMO FORMATION SPORT", "", "", "", ("M", "SPORTDEMO", "Théo", "Président")),),
        (DemoAction(999016, "validee", (LIVE, NEXT)),
         DemoAction(999024, "saisie", ((60, 200),))),
    ),
    DemoOrganisation(
        "99884237100010", "52490884200", ["14201", "15254", "99007", "99008"],
        "Langues vivantes et cultures étrangères, du débutant au diplôme universitaire.",
        "Gestionnaire DÉMO CDLC",
        (DemoSite("CENTRE DEMO LANGUES ET CULTURES", "", "", "", ("Mme", "LINGUADEMO", "Eva", "Directrice")),
         DemoSite("CDLC - Campus Belle-Beille", "5 boulevard Démo", "49000", "ANGERS",
                  ("M", "EXEMPLE", "Tom", "Professeur"))),
        (DemoAction(92891, "validee", ((-150, 120),), site=1),
         DemoAction(999007, "validee", (SOON, (20, 90), (100, 170))),
         DemoAction(999008, "attente", (NEXT,))),
    ),
)
# fmt: on


def _scope(organisation: DemoOrganisation) -> Scope:
    name = organisation.gestionnaire
    return Scope(organisation.siret, frozenset({"gestionnaire"}), f"demo-{organisation.siret}", name)


def _annuaire(db: DbSession, organisation: DemoOrganisation, now: datetime) -> list[Site]:
    """The établissement accepted with its NDA and domains (or those changes waiting for the Carif-Oref), its
    sites and their contacts. Returns the sites in the order of `organisation.sites`."""
    etablissement = annuaire.ensure_etablissement(db, organisation.siret)
    if etablissement.nda is None and not etablissement.locked:
        scope = _scope(organisation) if organisation.pending_changes else CARIF
        annuaire.update_etablissement(db, etablissement, scope, etablissement.version, nda=organisation.nda,
                                      description=organisation.description, domaines=organisation.domaines)  # fmt: skip
        db.flush()
        annuaire.submit_record(db, etablissement, scope, etablissement.version, now)
    sites = []
    for index, wanted in enumerate(organisation.sites):
        site = next((s for s in etablissement.sites if s.is_main), None) if index == 0 else None
        site = site or next((s for s in etablissement.sites if s.nom_usage == wanted.nom), None)
        if site is None:
            scope = _scope(organisation) if wanted.pending else CARIF
            fields = {"nom_usage": wanted.nom, "adresse": wanted.adresse, "code_postal": wanted.code_postal,
                      "commune": wanted.commune, "telephone": "02 40 00 00 00", "courriel": "", "url": "",
                      "dispensateur": True, "lieu": True}  # fmt: skip
            site = annuaire.create_site(db, etablissement, scope, now, fields)
        civilite, nom, prenom, fonction = wanted.contact
        if not any(contact.nom == nom for contact in site.contacts):
            annuaire.add_contact(db, site, CARIF, {"civilite": civilite, "nom": nom, "prenom": prenom,
                                                  "fonction": fonction, "telephone": "02 40 00 00 01",
                                                  "courriel": f"{prenom.lower()}@demo.example"})  # fmt: skip
        sites.append(site)
    db.flush()
    return sites


def _entered(db: DbSession, siret: str, wanted: DemoAction, site: Site, today: date) -> Action:
    """The action as the tunnel saved it: a formation copied from Certifinfo, sessions and dispositifs."""
    certification = db.get(Certification, wanted.certifinfo)
    assert certification is not None, wanted.certifinfo  # demo_data/certifinfo.csv
    formation: Formation = workflow.formation_for(db, siret, certification)
    public = wanted.state == "publique"
    action = Action(
        formation=formation, siret=siret, site_dispensateur=site, complement_intitule=wanted.complement,
        niveau_entree="4" if (certification.niveau or "") <= "4" else "5", type_parcours="1",
        modalites_pedagogiques=["96414"], entrees_sorties="DATES_FIXES", duree_centre=420, duree_entreprise=140,
        duree_hebdo=35, commentaire_prerequis="Entretien de motivation.", url="https://formation.demo.example/",
        public=public,
    )  # fmt: skip
    db.add(action)
    for number, (start, end) in enumerate(wanted.sessions):
        session = Session(
            action=action, site_lieu=site, date_debut=today + timedelta(start), date_fin=today + timedelta(end),
            rythmes=["JOURNEE", "TEMPS_PLEIN"], modalites_enseignement="0", capacite=12, places_disponibles=12 - number,
            public=public,
        )  # fmt: skip
        for code in wanted.dispositifs:
            carif_entered = public and code != "PRIVE"
            session.dispositifs.append(Dispositif(
                dispositif=code, nb_places=6, cout_stagiaire=None if carif_entered else Decimal("3850.00"),
                prise_en_charge_frais_peda=carif_entered, nb_remuneres=4 if carif_entered else None,
                public=carif_entered,
            ))  # fmt: skip
        db.add(session)
    db.flush()
    return action


def _advance(db: DbSession, action: Action, state: str, scope: Scope, today: date, now: datetime) -> None:
    """Move the action from « en cours de saisie » to `state` through the workflow."""
    if state in ("brouillon", "saisie"):
        return
    if state == "publique":  # the regional programme: entered and validated by the Carif-Oref
        workflow.submit(db, action, CARIF, today, now)
        return
    workflow.submit(db, action, scope, today, now)
    if state == "remplacee":  # entered with a withdrawn code: the Carif-Oref puts the new one, then validates
        withdrawn = db.get(Certification, action.formation.certifinfo or 0)
        new_code = withdrawn.remplace_par if withdrawn and withdrawn.remplace_par else 999021
        workflow.replace_certifinfo(db, action, CARIF, new_code, "Nouvelle version du titre au RNCP.")
        db.flush()  # the new formation gets its creation date, which the publication's snapshot reads
    if state in ("question", "repondue"):
        workflow.ask(db, action, CARIF, QUESTION)
        if state == "repondue":
            workflow.answer(db, action, scope, "Les prérequis sont précisés dans le commentaire.", today)
    elif state == "refusee":
        workflow.refuse(db, action, CARIF, "Cette certification ne correspond pas au contenu décrit.")
    elif state in ("validee", "reouverte", "remplacee"):
        workflow.validate(db, action, CARIF, today, now)
    if state == "reouverte":  # edited after validation: back in « saisie », the validated version stays online
        workflow.before_edit(db, action, scope)
        action.complement_descriptif = "Nouveau programme à partir de la rentrée."


def load_organisation(db: DbSession, organisation: DemoOrganisation, today: date, now: datetime) -> int:
    """The organisation's annuaire, and its offer unless it has one already; returns the actions created."""
    sites = _annuaire(db, organisation, now)
    if db.scalar(select(func.count()).select_from(Action).where(Action.siret == organisation.siret)):
        return 0
    for wanted in organisation.actions:
        site = sites[wanted.site]
        assert site.status is RecordStatus.ACTIF, site.nom_usage  # sessions take place at accepted sites only
        action = _entered(db, organisation.siret, wanted, site, today)
        _advance(db, action, wanted.state, _scope(organisation), today, now)
    db.flush()
    return len(organisation.actions)


@transaction
def load_demo(db: DbSession, today: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """Everything, committed; loading twice gives the same data."""
    references = load_all(db)
    now = now or utcnow()
    today = today or in_paris(now).date()
    created = sum(load_organisation(db, organisation, today, now) for organisation in ORGANISATIONS)
    return references | {"organismes": len(ORGANISATIONS), "actions créées": created}
