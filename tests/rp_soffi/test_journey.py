"""Issue 17 « Done when », on the real rendered pages: the collector fills and deposits its statement, an agent
takes it and sends it back with a comment on one line, the collector corrects and re-deposits, the agent
validates, the dashboard shows it, and the consultation user reads it without any form."""

import time_machine
import webtest

from rp_soffi.models import Statement, StatementVersion
from rp_soffi.statement.amounts import format_amount
from rp_soffi.statement.catalogue import lines_for
from rp_soffi.statement.workflow import Status
from shared.db import DbSession
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import BEFORE_DUE, OPCO_SIRET, PDF, load, make_body, make_campaign
from tests.rp_soffi.web import count, form_to, fresh, messages_of, text, title

DEMO = load()


def fill(form: webtest.Form, body_type) -> None:
    """Every line of the demo statement typed as a person would: euros with a comma, spaces between thousands."""
    for line in lines_for(body_type):
        if not line.kind.typed:
            continue
        value = DEMO.value(line.code)
        if line.has_amount:
            euros, cents = divmod(value.amount_cents or 0, 100)
            form[f"montant-{line.code}"] = f"{euros:,}".replace(",", " ") + f",{cents:02d}"
        if line.has_count:
            form[f"nombre-{line.code}"] = str(value.count or 0)


def test_the_whole_journey_of_a_statement(session: DbSession, soffi: webtest.TestApp, log_in: LogIn) -> None:
    body, campaign = make_body(session), make_campaign(session)
    with time_machine.travel(BEFORE_DUE, tick=False):
        # The collector: « Mes campagnes » › « Saisir l'état ».
        log_in("organisme_collecteur", OPCO_SIRET)
        home = soffi.get("/").click(href="/campagnes", index=0)
        assert title(home).startswith("Mes campagnes")
        page = form_to(home, f"/campagnes/{campaign.id}/etat").submit().follow()
        statement_id = session.scalar(Statement.__table__.select().with_only_columns(Statement.id))
        assert title(page).startswith(f"État 2024 — {body.name}")
        form = form_to(page, f"/etats/{statement_id}")
        fill(form, body.body_type)
        page = form.submit("action", value="enregistrer").follow()
        assert "L'état a été enregistré." in text(page)
        assert text(page, "total-RT") == " ".join(format_amount(DEMO.amount("RT")).split())  # computed
        # The certified accounts, then « Déposer l'état » with the certification.
        upload = form_to(page, f"/etats/{statement_id}/pieces-jointes")
        upload["kind"] = "COMPTES_CERTIFIES"
        upload["fichier"] = webtest.Upload("comptes 2024.pdf", PDF, "application/pdf")
        page = upload.submit().follow()
        deposit = form_to(page, f"/etats/{statement_id}/deposer")
        deposit["certified"] = True
        deposit["alerts"] = True
        page = deposit.submit().follow()
        assert "L'état a été déposé." in text(page)
        assert "Déposé" in text(page, "statut")
        assert f"/etats/{statement_id}" not in [f.action for f in page.forms.values()]  # read-only now

        # The agent: « Prendre en instruction », a comment on E8, « Renvoyer pour correction ».
        log_in("agent_dgefp", AGENT_SIRET)
        listing = soffi.get("/").click(description="ACCÉDEZ À SOFFI")
        assert body.name in text(listing, "etats")
        page = soffi.get(f"/etats/{statement_id}")
        page = form_to(page, f"/etats/{statement_id}/instruire").submit().follow()
        comment = form_to(page, f"/etats/{statement_id}/commentaires")
        comment["line_code"], comment["text"] = "E8", "Justifiez la hausse des frais de gestion."
        page = comment.submit().follow()
        back = form_to(page, f"/etats/{statement_id}/corriger")
        back["corriger-comment"] = "Merci de revoir la ligne E8."
        page = back.submit().follow()
        assert "À corriger" in text(page, "statut")

        # The collector sees the comment next to E8, corrects and files again.
        log_in("organisme_collecteur", OPCO_SIRET)
        page = soffi.get(f"/etats/{statement_id}")
        assert "Justifiez la hausse des frais de gestion." in messages_of(page, "ligne-E8")
        assert "Merci de revoir la ligne E8." in text(page, "demande-correction")
        form = form_to(page, f"/etats/{statement_id}")
        form["commentaire-E8"] = "Frais de mission exceptionnels (fusion de branches)."
        page = form.submit("action", value="enregistrer").follow()
        deposit = form_to(page, f"/etats/{statement_id}/deposer")
        deposit["certified"], deposit["alerts"] = True, True
        page = deposit.submit().follow()
        assert "Déposé" in text(page, "statut")

        # The agent validates.
        log_in("agent_dgefp", AGENT_SIRET)
        page = form_to(soffi.get(f"/etats/{statement_id}"), f"/etats/{statement_id}/instruire").submit().follow()
        page = form_to(page, f"/etats/{statement_id}/valider").submit().follow()
        assert "Validé" in text(page, "statut")
        dashboard = soffi.get("/admin")
        assert "Opérateur de compétences" in text(dashboard, "totaux")
        assert dashboard.html.select_one("svg[role=img]") is not None
        assert "2024" in text(dashboard, "evolution")

        # The consultation user reads it, with no form to change it.
        log_in("consultation", OPCO_SIRET)
        page = soffi.get(f"/etats/{statement_id}")
        assert "Validé" in text(page, "statut")
        assert [f.action for f in page.forms.values()] == ["/deconnexion"]
    fresh()
    assert session.get(Statement, statement_id).status is Status.VALIDE
    assert count(StatementVersion) == 2
