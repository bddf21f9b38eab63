"""Mon Activité Formation's pages as a person uses them (WebTest on the rendered pages): the organisation deposits
its déclaration d'activité, the control service of its région registers it, the organisation fills its BPF step
by step, sees each rule's message next to the line, transmits, downloads its receipt, rectifies; the control
service lists, exports and reopens. Another organisation's ids answer 404."""

import pytest
import webtest
from sqlalchemy import select

from rp_bpf import messages
from rp_bpf.extensions import db
from rp_bpf.models import Declaration
from tests.rp_bpf.conftest import DREETS_PDL, LogIn, habilitation
from tests.rp_bpf.web import DECLARATION, deposit, fresh, submit
from tests.rp_sofi.web import alert_text, field_error, text

pytestmark = pytest.mark.usefixtures("during_the_2025_campaign")


def test_a_new_organisation_deposits_its_declaration_and_waits_for_its_registration(
    bpf: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("declarant")
    home = bpf.get("/")
    assert "Déposer une déclaration d'activité" in text(home, "declaration")
    answer = deposit(bpf)
    assert answer.status_int == 302
    home = answer.follow()
    assert messages.DA_DEPOSITED in alert_text(home)
    assert "Déposée" in text(home, "declaration")
    assert "Numéro de déclaration d'activité Non attribué" in text(home, "organisme")
    fresh()
    stored = db.session.scalar(select(Declaration))
    assert (stored.code_naf, stored.telephone, stored.region) == ("85.59A", "02 00 00 00 00", "52")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "99643906300016", messages.DA_OTHER_SIREN),  # another organisation's SIRET
        ("siret", "12345678901234", "Ce numéro SIRET n'est pas valide."),
        ("code_naf", "8559", messages.NAF),
        ("code_postal", "96000", messages.DA_CODE_POSTAL),
        ("courriel", "pas-une-adresse", messages.EMAIL),
        ("denomination", "x" * 251, "Ce texte est trop long (250 caractères au maximum)."),
        ("commune", "NANTES\x00", "Ce champ contient un caractère non autorisé (caractère de contrôle)."),
    ],
)
def test_a_wrong_declaration_field_is_refused_next_to_it_and_nothing_is_written(
    bpf: webtest.TestApp, log_in: LogIn, field: str, value: str, message: str
) -> None:
    log_in("declarant")
    page = bpf.get("/declaration/modifier")
    answer = submit(page, "form-declaration", **(DECLARATION | {field: value}))
    assert answer.status_int == 422
    assert message in field_error(answer, field)
    assert db.session.scalar(select(Declaration)) is None


def test_the_control_service_registers_the_declaration_and_the_bpf_can_be_started(
    bpf: webtest.TestApp, log_in: LogIn, registered: None
) -> None:
    home = bpf.get("/")
    assert "52440000001" in text(home, "organisme")
    assert text(home, "echeance") == "Votre BPF 2025 est à transmettre avant le 30/04/2026."
    assert "Non commencé" in text(home, "exercice-2025")


def test_another_regions_agent_sees_no_such_declaration(bpf: webtest.TestApp, log_in: LogIn) -> None:
    log_in("declarant")
    deposit(bpf)
    log_in(habilitation("controle_srf", DREETS_PDL, region="11"), sub="sub-agent-idf")
    declaration = db.session.scalar(select(Declaration))
    assert bpf.get(f"/controle/declarations/{declaration.id}", expect_errors=True).status_int == 404
    page = bpf.get("/controle/organismes")
    assert "Aucun organisme" in text(page, "organismes")
