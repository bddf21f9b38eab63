"""Every page of SOFI over its demo data passes axe-core, for an organisation's gestionnaire and for the
Carif-Oref's validator: the dashboard and its lists, the annuaire and its forms, the tunnel's sheets and
récapitulatif, the Certifinfo search, the validation queue and its detail pages, the public catalogue."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

import rp_sofi
from idp.extensions import db as idp_db
from rp_sofi.demo import load_demo
from rp_sofi.extensions import db
from rp_sofi.models import Action, ActionStatus, RecordStatus, Site
from tests.e2e.conftest_sso import Services, services  # noqa: F401  (the fixture)
from tests.idp.factories import PASSWORD, make_account
from tests.integration.sso import grant

pytestmark = pytest.mark.e2e

FORMALOIRE = "99791566500019"
CARIF = "99654944000013"


def demo_ids(sofi_database: str) -> dict[str, int]:
    """SOFI's demo data loaded in the test database, and the objects whose pages the sweep opens."""
    app = rp_sofi.create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": sofi_database})
    with app.app_context():
        load_demo(db.session)
        mine = select(Action).where(Action.siret == FORMALOIRE)
        bundle = next(
            action for action in db.session.scalars(mine) if action.sessions and action.sessions[0].dispositifs
        )
        pending = db.session.scalars(select(Action).where(Action.status == ActionStatus.EN_ATTENTE_VALIDATION)).first()
        new_site = db.session.scalars(select(Site).where(Site.status == RecordStatus.EN_ATTENTE_VALIDATION)).first()
        main = db.session.scalars(select(Site).where(Site.siret == FORMALOIRE, Site.is_main.is_(True))).one()
        assert pending is not None and new_site is not None
        ids = {
            "formation": bundle.formation_id, "action": bundle.id, "session": bundle.sessions[0].id,
            "dispositif": bundle.sessions[0].dispositifs[0].id, "pending": pending.id, "site": new_site.id,
            "main_site": main.id,
        }  # fmt: skip
        db.session.remove()  # its connection back to the pool, which dispose() then closes
        db.engine.dispose()
    return ids


def log_in(page: Page, sofi: str, email: str) -> None:
    page.goto(sofi + "/connexion")
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()


def sweep(page: Page, base: str, paths: dict[str, str], visit: Callable[[str], None]) -> None:
    for name, path in paths.items():
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        visit(name)


def test_every_sofi_page_passes_axe(
    page: Page,
    services: Services,  # noqa: F811  (the fixture imported above)
    sofi_database: str,
    visit: Callable[[str], None],
) -> None:
    ids = demo_ids(sofi_database)
    manager = make_account(idp_db.session, email="gestion@formaloire.example", siret=FORMALOIRE)
    grant(manager, "sofi", "gestionnaire", "Gestionnaire de l'autosaisie", FORMALOIRE)
    validator = make_account(idp_db.session, email="valideur@carif.example", siret=CARIF)
    grant(validator, "sofi", "valideur_carif", "Valideur Carif-Oref", CARIF)

    log_in(page, services.sofi, "gestion@formaloire.example")
    sweep(page, services.sofi, {
        "of-loupe-saisie": "/?liste=en-saisie", "of-loupe-sessions": "/?liste=sessions-actives",
        "of-annuaire": "/annuaire", "of-site-nouveau": f"/annuaire/{FORMALOIRE}/sites/nouveau",
        "of-contact-nouveau": f"/annuaire/sites/{ids['main_site']}/contacts/nouveau",
        "of-formations": "/formations", "of-recherche": "/formations/creer?mode=intitule&q=titre",
        "of-formation": f"/formations/{ids['formation']}", "of-action": f"/actions/{ids['action']}",
        "of-session": f"/sessions/{ids['session']}", "of-dispositif": f"/dispositifs/{ids['dispositif']}",
        "of-recapitulatif": f"/actions/{ids['action']}/recapitulatif",
        "of-nouvelle-session": f"/actions/{ids['action']}/sessions/nouvelle",
        "catalogue": "/catalogue?formacode=&lieu=44",
    }, visit)  # fmt: skip
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter avec Mes démarches")).to_be_visible()

    log_in(page, services.sofi, "valideur@carif.example")
    sweep(page, services.sofi, {
        "carif-tableau-de-bord": "/?departement=85&liste=attente-validation", "carif-file": "/validation",
        "carif-action": f"/validation/actions/{ids['pending']}",
        "carif-site": f"/validation/annuaire/site/{ids['site']}",
        "carif-formation-aif": "/validation/formations/creer",
        "carif-annuaire": f"/annuaire?siret={FORMALOIRE}",
    }, visit)  # fmt: skip
