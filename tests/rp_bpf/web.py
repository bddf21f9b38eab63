"""Driving Mon Activité Formation's rendered pages (WebTest): the forms a person fills, found by their id or the
address they post to, and the steps that bring an organisation to a registered declaration."""

import webtest
from sqlalchemy import select

from rp_bpf.extensions import db
from rp_bpf.models import Declaration
from tests.rp_bpf.conftest import DREETS_PDL, FORMALOIRE, LogIn, habilitation

DECLARATION = {
    "siret": FORMALOIRE,
    "denomination": "FORMA'LOIRE CONSEIL",
    "forme_juridique": "SAS",
    "code_naf": "8559a",
    "adresse": "14 RUE DE LA FORMATION CONTINUE",
    "code_postal": "44000",
    "commune": "NANTES",
    "adresse_publique": "oui",
    "telephone": "02 00 00 00 00",
    "courriel": "contact@formaloire.example",
    "dirigeant_nom": "DUPONT-DEMO Alix",
    "dirigeant_qualite": "Président",
}


def fresh() -> None:
    db.session.rollback()
    db.session.expire_all()


def form_to(page: webtest.TestResponse, action: str) -> webtest.Form:
    """The page's form posting to `action` (the header's « Se déconnecter » is a form too)."""
    found = [form for form in page.forms.values() if form.action == action]
    assert len(found) == 1, f"{len(found)} forms post to {action}"
    return found[0]


def submit(page: webtest.TestResponse, form_id: str, action: str | None = None, **fields: str) -> webtest.TestResponse:
    """Fill the form (by its id, or the address it posts to) and post it, with the button `name="action"` of that
    value when there are several (« Enregistrer », « Étape suivante », « Vérifier »)."""
    form = page.forms[form_id] if form_id in page.forms else form_to(page, form_id)
    for name, value in fields.items():
        form[name] = value
    if action:
        return form.submit("action", value=action, expect_errors=True)
    return form.submit(expect_errors=True)


def deposit(bpf: webtest.TestApp) -> webtest.TestResponse:
    page = bpf.get("/declaration/modifier")
    return submit(page, "form-declaration", **DECLARATION)


def register_as_control(bpf: webtest.TestApp, log_in: LogIn, region: str | None = "52") -> None:
    log_in(habilitation("controle_srf", DREETS_PDL, region=region), sub="sub-agent")
    declaration = db.session.scalar(select(Declaration))
    page = bpf.get(f"/controle/declarations/{declaration.id}")
    form_to(page, f"/controle/declarations/{declaration.id}/enregistrer").submit().follow()
