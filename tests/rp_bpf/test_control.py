"""The control services' pages (bpf.md §5.4, §9): the campaign's counters, the organisations of the région with
filters and pages, the campaign CSV, a declaration's decisions, a BPF reopened with a reason, national control's
campaign dates; odd filters are ignored, never a server error."""

import csv
import io

import pytest
import time_machine
import webtest
from sqlalchemy import select
from stdnum.fr import siret as siret_number

from rp_bpf import messages
from rp_bpf.extensions import db
from rp_bpf.models import Bpf, BpfStatus, Campaign, Declaration, DeclarationStatus, OutboxMessage
from rp_bpf.services import bpfs, declarations, transmission
from rp_bpf.services.transmission import Signature
from shared.db import DbSession
from tests.rp_bpf.conftest import AGENT, DECLARANT, DREETS_PDL, IN_TIME, LogIn, habilitation
from tests.rp_bpf.factories import declaration_data, make_content
from tests.rp_bpf.web import fresh, submit
from tests.rp_sofi.web import alert_text, text

pytestmark = pytest.mark.usefixtures("during_the_2025_campaign")
NANTES, ANGERS, LE_MANS, PARIS = "991000019", "991000027", "991000035", "991000043"  # fictional SIRENs


def siret_of(siren: str) -> str:
    return next(f"{siren}0001{digit}" for digit in range(10) if siret_number.is_valid(f"{siren}0001{digit}"))


def organisation(session: DbSession, siren: str, code_postal: str, transmitted: bool, **lines: object) -> None:
    """An organisation (fictional SIREN) registered in the département of `code_postal`, its BPF 2025 transmitted
    or not."""
    siret = siret_of(siren)
    data = declaration_data(siret=siret, code_postal=code_postal, denomination=f"ORGANISME {siren}")
    deposited = declarations.deposit(session, DECLARANT, siren, data, IN_TIME)
    declarations.register(session, AGENT, deposited.id, None, IN_TIME)
    if transmitted:
        draft = bpfs.start(session, DECLARANT, siren, 2025, IN_TIME)
        saved = bpfs.save(session, DECLARANT, siren, draft.id, draft.lock, make_content(**lines), IN_TIME)
        transmission.transmit(session, DECLARANT, siren, saved.id, saved.lock, Signature(True, "A", "B"), IN_TIME)


@pytest.fixture
def campaign(session: DbSession) -> None:
    """In Pays de la Loire: two transmitted (Nantes, Angers), one not (Le Mans); one in Paris, transmitted."""
    organisation(session, NANTES, "44000", True)
    organisation(session, ANGERS, "49000", True, c1=84001, d_total=118001)
    organisation(session, LE_MANS, "72000", False)
    organisation(session, PARIS, "75011", True)


def agent(log_in: LogIn, region: str | None = "52") -> None:
    log_in(habilitation("controle_srf", DREETS_PDL, region=region), sub="sub-agent")


def test_the_dashboard_counts_the_regions_organisations_only(
    bpf: webtest.TestApp, log_in: LogIn, campaign: None
) -> None:
    agent(log_in)
    page = bpf.get("/", status=302).follow()
    counters = {key: text(page, f"compteur-{key}").split()[-1] for key in ("a_enregistrer", "transmis", "non_transmis")}
    assert counters == {"a_enregistrer": "3", "transmis": "2", "non_transmis": "1"}
    agent(log_in, region=None)  # national control
    page = bpf.get("/controle")
    assert text(page, "compteur-transmis").split()[-1] == "3"


def test_the_list_filters_by_state_and_departement_and_exports_the_same_rows(
    bpf: webtest.TestApp, log_in: LogIn, campaign: None
) -> None:
    agent(log_in)
    page = bpf.get("/controle/organismes", {"exercice": "2025", "etat": "non_transmis"})
    assert "1 organisme" in text(page, "nombre") and f"ORGANISME {LE_MANS}" in text(page, "organismes")
    page = bpf.get("/controle/organismes", {"exercice": "2025", "departement": "49"})
    assert f"ORGANISME {ANGERS}" in text(page, "organismes") and "1 organisme" in text(page, "nombre")
    export = bpf.get("/controle/organismes.csv", {"exercice": "2025", "etat": "transmis"})
    assert export.headers["Content-Disposition"] == 'attachment; filename="bpf-2025-organismes.csv"'
    assert export.body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(export.body.decode("utf-8-sig")), delimiter=";"))
    assert sorted(row["denomination"] for row in rows) == [f"ORGANISME {NANTES}", f"ORGANISME {ANGERS}"]
    assert {row["c1"] for row in rows} == {"84000", "84001"}


@pytest.mark.parametrize(
    "query",
    [
        {"exercice": "99999999999999999999"},
        {"exercice": "٢٠٢٥"},
        {"etat": "'; DROP TABLE bpf; --"},
        {"departement": "x" * 5000},
        {"naf": "\x00"},
        {"page": "-1"},
        {"page": "99999999999"},
    ],
)
def test_odd_filters_are_ignored(bpf: webtest.TestApp, log_in: LogIn, campaign: None, query: dict[str, str]) -> None:
    agent(log_in)
    for path in ("/controle", "/controle/organismes", "/controle/organismes.csv"):
        assert bpf.get(path, query, expect_errors=True).status_int in (200, 400), path


def test_a_declaration_is_refused_with_its_reason_and_the_organisation_reads_it(
    bpf: webtest.TestApp, log_in: LogIn, session: DbSession
) -> None:
    deposited = declarations.deposit(session, DECLARANT, "997915665", declaration_data(), IN_TIME)
    agent(log_in)
    page = bpf.get(f"/controle/declarations/{deposited.id}")
    empty = submit(page, f"/controle/declarations/{deposited.id}/refuser", motif="  ").follow()
    assert messages.MOTIF_REQUIRED in alert_text(empty)
    refused = submit(page, f"/controle/declarations/{deposited.id}/refuser", motif="Convention absente").follow()
    assert messages.DA_REFUSED in alert_text(refused)
    log_in("declarant")
    home = bpf.get("/")
    assert "Refusée" in text(home, "declaration") and "Convention absente" in text(home, "declaration")


def test_a_bpf_is_reopened_with_a_reason_as_a_new_version(bpf: webtest.TestApp, log_in: LogIn, campaign: None) -> None:
    agent(log_in)
    sent = db.session.scalar(select(Bpf).where(Bpf.siren == NANTES))
    page = bpf.get(f"/controle/bilans/{sent.id}")
    assert "Accusé de réception (PDF)" in text(page, "contenu")
    assert bpf.get(f"/controle/bilans/{sent.id}/accuse-de-reception.pdf").content_type == "application/pdf"
    reopened = submit(page, f"/controle/bilans/{sent.id}/rouvrir", motif="Chiffres du cadre C à revoir").follow()
    assert messages.BPF_REOPENED in alert_text(reopened)
    fresh()
    versions = bpfs.versions(db.session, NANTES, 2025)
    assert [(v.version, v.status, v.reopen_motif) for v in versions] == [
        (2, BpfStatus.BROUILLON_RECTIFICATIF, "Chiffres du cadre C à revoir"),
        (1, BpfStatus.TRANSMIS, None),
    ]
    paris = db.session.scalar(select(Bpf).where(Bpf.siren == PARIS))
    assert bpf.get(f"/controle/bilans/{paris.id}", expect_errors=True).status_int == 404  # another région's


def test_only_national_control_sets_the_campaigns_dates(bpf: webtest.TestApp, log_in: LogIn) -> None:
    agent(log_in)
    assert bpf.get("/controle/campagnes/2025", expect_errors=True).status_int == 404
    agent(log_in, region=None)
    page = bpf.get("/controle/campagnes/2025")
    refused = submit(page, "/controle/campagnes/2025", deadline="2025-12-01")
    assert refused.status_int == 422 and messages.CAMPAIGN_DEADLINE in text(refused, "contenu")
    saved = submit(page, "/controle/campagnes/2025", deadline="2026-05-31").follow()
    assert "31/05/2026" in text(saved, "contenu")
    fresh()
    assert db.session.get(Campaign, 2025).deadline.isoformat() == "2026-05-31"


def test_a_declarant_has_no_control_page_and_an_agent_no_organisation_page(bpf: webtest.TestApp, log_in: LogIn) -> None:
    log_in("declarant")
    assert bpf.get("/controle", expect_errors=True).status_int == 403
    agent(log_in)
    assert bpf.get("/declaration/modifier", expect_errors=True).status_int == 403
    assert db.session.scalar(select(Declaration)) is None


def test_declarations_without_a_bpf_are_declared_caduques_after_the_deadline_each_told_by_e_mail(
    bpf: webtest.TestApp, log_in: LogIn, campaign: None, session: DbSession
) -> None:
    agent(log_in)
    before = bpf.get("/controle/caducite")
    assert "1 déclaration enregistrée sans bilan" in text(before, "nombre-sans-bilan")
    assert messages.CADUCITY_BEFORE_DEADLINE in text(before, "contenu")
    assert not [form for form in before.forms.values() if form.action == "/controle/caducite?exercice=2025"]
    with time_machine.travel("2026-05-04 08:00:00+00:00", tick=False):
        agent(log_in)  # two months later: a new session
        page = bpf.get("/controle/caducite")
        assert f"ORGANISME {LE_MANS}" in text(page, "sans-bilan")
        assert submit(page, "/controle/caducite?exercice=2025", motif="  ").status_int == 422
        stale = submit(page, "/controle/caducite?exercice=2025", expected="2", motif="Aucun BPF 2025")
        assert stale.status_int == 409 and messages.CADUCITY_MOVED in alert_text(stale)
        done = submit(page, "/controle/caducite?exercice=2025", expected="1", motif="Aucun BPF 2025 transmis").follow()
    assert messages.CADUCITY_DONE.format(count=1) in alert_text(done)
    fresh()
    caduques = db.session.scalars(select(Declaration).where(Declaration.status == DeclarationStatus.CADUQUE)).all()
    assert [(found.siren, found.motif) for found in caduques] == [(LE_MANS, "Aucun BPF 2025 transmis")]
    told = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.recipient == "contact@formaloire.example")
    )
    assert "Mon Activité Formation : votre déclaration d'activité est caduque" in list(told)


def test_each_decision_on_a_declaration_is_e_mailed_to_the_organisation(
    bpf: webtest.TestApp, log_in: LogIn, session: DbSession
) -> None:
    deposited = declarations.deposit(session, DECLARANT, NANTES, declaration_data(siret=siret_of(NANTES)), IN_TIME)
    declarations.refuse(session, AGENT, deposited.id, None, "Convention absente", IN_TIME)
    declarations.deposit(session, DECLARANT, NANTES, declaration_data(siret=siret_of(NANTES)), IN_TIME)
    declarations.register(session, AGENT, deposited.id, None, IN_TIME)
    mails = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [mail.subject for mail in mails] == [
        "Mon Activité Formation : votre déclaration d'activité est refusée",
        "Mon Activité Formation : votre déclaration d'activité est enregistrée",
    ]
    assert "Convention absente" in mails[0].body_text and "52440000001" in mails[1].body_text
