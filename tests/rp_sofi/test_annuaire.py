"""« Annuaire » (sofi.md §3, §4.3, guide 003): the établissement read (SIRENE reminder, outside the region, closed,
another organisation's records answering 404, read-only roles), saved with its rules, submitted (locked until the
Carif-Oref decides), accepted or rejected (previous values back), edited by the Carif-Oref with a final validation;
a save from a stale page or caught at flush refused."""

import pytest
import webtest
from sqlalchemy import update

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.models import Contact, Etablissement, JournalEvent, RecordStatus, Site
from rp_sofi.services import annuaire
from rp_sofi.services.errors import Invalid, NotAllowed
from tests.rp_sofi import factories as f
from tests.rp_sofi.annuaire_web import IDMV_NAME, annuaire_page, etablissement
from tests.rp_sofi.annuaire_web import idmv as idmv  # the fixture
from tests.rp_sofi.conftest import CARIF, CLOSED_SIRET, FORMALOIRE, IDMV, PARIS_SIRET, LogIn
from tests.rp_sofi.web import fresh, journal, text

# Reading


def test_first_visit_shows_the_sirene_reminder_and_creates_the_etablissement(
    sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("gestionnaire")
    page = annuaire_page(sofi)
    assert "Rappel de mes informations" in text(page)
    assert "9 RUE DES BOUCHERS DEMO, 85000 LA ROCHE-SUR-YON" in text(page)
    assert "j'en informe le Cariforef par mail" in text(page) and "offre@cariforef-pdl.org" in text(page)
    created = etablissement()
    main = f.main_site(created)
    assert created.status is RecordStatus.ACTIF
    assert f"Site {main.id} - {main.nom_usage}" in text(page)
    assert page.html.find("title").text.startswith("Annuaire")


def test_outside_the_region_a_page_says_so(sofi: webtest.TestApp, log_in: LogIn) -> None:
    log_in("gestionnaire", siret=PARIS_SIRET)
    page = annuaire_page(sofi)
    assert page.status_code == 200
    assert messages.OUTSIDE_REGION in text(page)
    fresh()
    assert db.session.get(Etablissement, PARIS_SIRET) is None


def test_domains_are_shown_as_the_guide_shows_them(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    idmv.domaines = ["14201", "14207"]
    db.session.commit()
    log_in("consultation")
    page = annuaire_page(sofi)
    assert "14201 - Culture civilisation, 14207 - Archéologie" in text(page)


@pytest.mark.parametrize("role", ["consultation", "contributeur"])
def test_other_roles_read_only(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement, role: str) -> None:
    site_id = f.main_site(idmv).id
    log_in(role)
    page = annuaire_page(sofi)
    assert "form-etablissement" not in page.forms and "form-site" not in page.forms
    assert "Créer un site" not in text(page) and "Créer un contact" not in text(page)
    assert "14201 - Culture civilisation" in text(page)
    assert sofi.get(f"/annuaire/{IDMV}/sites/nouveau", status=403).status_code == 403
    assert sofi.get(f"/annuaire/sites/{site_id}/contacts/nouveau", status=403).status_code == 403
    assert sofi.get(f"/annuaire/sites/{site_id}/valider", status=403).status_code == 403


def test_another_organisations_records_answer_404(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    other = f.make_etablissement(db.session, FORMALOIRE)
    other_site = f.main_site(other)
    db.session.add(Contact(site=other_site, nom="AUTRE"))
    db.session.commit()
    contact_id = other_site.contacts[0].id
    log_in("gestionnaire")
    annuaire_page(sofi, siret=FORMALOIRE, status=404)
    annuaire_page(sofi, site=other_site.id, status=404)
    sofi.get(f"/annuaire/sites/{other_site.id}/valider", status=404)
    sofi.get(f"/annuaire/sites/{other_site.id}/contacts/nouveau", status=404)
    sofi.get(f"/annuaire/{FORMALOIRE}/sites/nouveau", status=404)
    sofi.get(f"/annuaire/{FORMALOIRE}/valider", status=404)
    # A forged POST: the token of a real page, the id of another organisation's contact.
    token = annuaire_page(sofi).forms["form-etablissement"]["csrf_token"].value
    sofi.post(f"/annuaire/contacts/{contact_id}/supprimer", {"csrf_token": token}, status=404)
    sofi.post(f"/annuaire/sites/{other_site.id}", {"csrf_token": token, "site-nom_usage": "X"}, status=404)
    fresh()
    assert db.session.get(Contact, contact_id) is not None


def test_choosing_a_site_shows_its_sheet(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    annexe = f.make_site(db.session, IDMV, "IDMV atelier")
    db.session.commit()
    log_in("gestionnaire")
    form = annuaire_page(sofi).forms["choix-site"]
    form["site"] = str(annexe.id)
    page = form.submit()
    assert f"Site {annexe.id} - IDMV atelier" in page.html.find(id="site-courant").text
    assert page.forms["form-site"]["site-nom_usage"].value == "IDMV atelier"


def test_closed_establishment_is_read_only_with_a_banner(sofi: webtest.TestApp, log_in: LogIn) -> None:
    log_in("gestionnaire", siret=CLOSED_SIRET)
    page = annuaire_page(sofi)
    assert messages.CLOSED_ESTABLISHMENT in text(page)
    assert "form-etablissement" not in page.forms and "form-site" not in page.forms
    assert "Créer un site" not in text(page)
    closed = etablissement(CLOSED_SIRET)
    with pytest.raises(NotAllowed, match="fermé"):
        annuaire.update_etablissement(
            db.session, closed, f.of_scope(CLOSED_SIRET), closed.version, nda=None, description="x", domaines=["14201"]
        )
    form = sofi.get(f"/annuaire/{CLOSED_SIRET}/sites/nouveau").forms["form-site"]  # the page shows…
    for name, value in {"site-nom_usage": "Nouveau", "site-adresse": "1 rue", "site-code_postal": "44000",
                        "site-commune": "NANTES"}.items():  # fmt: skip
        form[name] = value
    refused = form.submit(status=409)  # …but creating is refused
    assert messages.CLOSED_ESTABLISHMENT in text(refused)
    assert len(etablissement(CLOSED_SIRET).sites) == 1


# Saving the établissement


def test_gestionnaire_saves_the_etablissement(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    form = annuaire_page(sofi).forms["form-etablissement"]
    assert form["etab-domaines"].value == "14201 - Culture civilisation"
    form["etab-nda"] = "52 85 00000 99"
    form["etab-description"] = "Centre de formation aux métiers de la viande."
    form["etab-domaines"] = "14201 - Culture civilisation, 14207"
    page = form.submit("enregistrer").follow()
    assert messages.SAVED in text(page)
    saved = etablissement()
    assert (saved.nda, saved.domaines) == ("52850000099", ["14201", "14207"])
    assert saved.status is RecordStatus.ACTIF  # saved, not yet sent to the Carif-Oref
    assert saved.previous == {"nda": f.DEMO_NDA, "description": "", "domaines": ["14201"]}
    assert (
        "14201 - Culture civilisation, 14207 - Archéologie" in page.forms["form-etablissement"]["etab-domaines"].value
    )


@pytest.mark.parametrize(
    ("domaines", "nda", "field", "message"),
    [
        ("", "52850000099", "etab-domaines", messages.NO_DOMAIN),
        ("14201, 99999", "52850000099", "etab-domaines", messages.FORMACODE_UNKNOWN),
        ("14201", "5285", "etab-nda", messages.NDA_FORMAT),
        ("14201", "5285000009A", "etab-nda", messages.NDA_FORMAT),
    ],
)
def test_etablissement_rules(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement, domaines: str, nda: str, field: str, message: str
) -> None:
    log_in("gestionnaire")
    form = annuaire_page(sofi).forms["form-etablissement"]
    form["etab-domaines"], form["etab-nda"] = domaines, nda
    page = form.submit("enregistrer", status=422)
    assert message in page.html.find(id=f"{field}-messages").text
    assert page.html.find(id="error-summary") is not None
    assert page.html.find("title").text.startswith("Erreur")
    unchanged = etablissement()
    assert (unchanged.nda, unchanged.domaines, unchanged.previous) == (f.DEMO_NDA, ["14201"], None)


# Submitting, locking, the Carif-Oref's decision


def _save_and_validate(sofi: webtest.TestApp, domaines: str = "14207") -> webtest.TestResponse:
    form = annuaire_page(sofi).forms["form-etablissement"]
    form["etab-domaines"] = domaines
    return form.submit("valider").follow()


def test_validate_asks_for_confirmation_then_locks(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    confirm = _save_and_validate(sofi)
    assert "Attention, dès que je valide, je ne peux plus revenir dessus !" in text(confirm)
    assert (
        "Une fois enregistrée, la fiche sera bloquée jusqu'à la validation des modifications par le Cariforef."
        in text(confirm)
    )
    assert "14201 - Culture civilisation" in text(confirm) and "14207 - Archéologie" in text(confirm)
    assert etablissement().status is RecordStatus.ACTIF  # not before the confirmation
    page = confirm.forms["form-valider"].submit().follow()
    assert messages.RECORD_SUBMITTED in text(page)
    locked = etablissement()
    assert locked.status is RecordStatus.EN_ATTENTE_VALIDATION and locked.locked
    assert locked.previous == {"nda": f.DEMO_NDA, "description": "", "domaines": ["14201"]}
    assert "form-etablissement" not in page.forms
    assert messages.LOCKED in text(page)
    assert [(e.object_type, e.object_id, e.actor_sub) for e in journal(JournalEvent.RECORD_SUBMITTED)] == [
        ("etablissement", IDMV, "sub-claire")
    ]


def test_a_locked_record_refuses_any_edit(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    stale_form = annuaire_page(sofi).forms["form-etablissement"]
    _save_and_validate(sofi).forms["form-valider"].submit()
    stale_form["etab-description"] = "Changée après l'envoi"
    page = stale_form.submit("enregistrer", status=409)
    assert messages.LOCKED in text(page)
    assert etablissement().description == ""
    scope = f.of_scope(IDMV)
    locked = etablissement()
    with pytest.raises(NotAllowed, match="modification impossible"):
        annuaire.update_etablissement(db.session, locked, scope, locked.version, nda=None, description="x",
                                      domaines=["14201"])  # fmt: skip
    with pytest.raises(NotAllowed):
        annuaire.submit_record(db.session, locked, scope, locked.version, f.now_of(f.date.today()))


def test_nothing_to_submit_without_saved_changes(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    page = sofi.get(f"/annuaire/{IDMV}/valider")
    assert messages.NOTHING_TO_SUBMIT in text(page) and "form-valider" not in page.forms
    token = annuaire_page(sofi).forms["form-etablissement"]["csrf_token"].value
    refused = sofi.post(f"/annuaire/{IDMV}/valider", {"csrf_token": token, "confirmer-version": "1"}, status=409)
    assert messages.NOTHING_TO_SUBMIT in text(refused)
    assert etablissement().status is RecordStatus.ACTIF


def test_accepting_keeps_the_new_values(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    _save_and_validate(sofi).forms["form-valider"].submit()
    record = etablissement()
    annuaire.accept_record(db.session, record, f.carif_scope(), record.version)
    db.session.commit()
    accepted = etablissement()
    assert (accepted.status, accepted.domaines, accepted.previous) == (RecordStatus.ACTIF, ["14207"], None)
    assert [e.actor_name for e in journal(JournalEvent.RECORD_ACCEPTED)] == ["Valérie CARIF"]
    assert "form-etablissement" in annuaire_page(sofi).forms  # unlocked


def test_rejecting_restores_the_accepted_values_and_shows_the_reason(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    log_in("gestionnaire")
    _save_and_validate(sofi).forms["form-valider"].submit()
    record = etablissement()
    with pytest.raises(Invalid):
        annuaire.reject_record(db.session, record, f.carif_scope(), "  ")
    annuaire.reject_record(db.session, record, f.carif_scope(), "Domaine sans rapport avec l'activité.")
    db.session.commit()
    rejected = etablissement()
    assert (rejected.status, rejected.domaines, rejected.previous) == (RecordStatus.ACTIF, ["14201"], None)
    assert [e.comment for e in journal(JournalEvent.RECORD_REJECTED)] == ["Domaine sans rapport avec l'activité."]
    assert "Domaine sans rapport avec l'activité." in annuaire_page(sofi).html.find(id="refus").text


def test_only_the_carif_decides_and_only_on_pending_records(idmv: Etablissement) -> None:
    with pytest.raises(NotAllowed, match=messages.RECORD_NOT_PENDING[:20]):
        annuaire.accept_record(db.session, idmv, f.carif_scope())
    idmv.status = RecordStatus.EN_ATTENTE_VALIDATION
    db.session.commit()  # stored: a refused service rolls back what is not
    with pytest.raises(NotAllowed):
        annuaire.accept_record(db.session, idmv, f.of_scope(IDMV))
    with pytest.raises(NotAllowed):
        annuaire.reject_record(db.session, idmv, f.of_scope(IDMV), "motif")
    assert idmv.status is RecordStatus.EN_ATTENTE_VALIDATION


def test_the_carif_edits_any_etablissement_and_its_validation_is_final(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    log_in("valideur_carif", siret=CARIF)
    form = annuaire_page(sofi, siret=IDMV).forms["form-etablissement"]
    form["etab-domaines"] = "14207"
    confirm = form.submit("valider").follow()
    page = confirm.forms["form-valider"].submit().follow()
    assert messages.RECORD_ACCEPTED in text(page) and f"Annuaire : {IDMV_NAME}" in text(page)
    record = etablissement()
    assert (record.status, record.domaines, record.previous) == (RecordStatus.ACTIF, ["14207"], None)
    assert len(journal(JournalEvent.RECORD_SUBMITTED)) == len(journal(JournalEvent.RECORD_ACCEPTED)) == 1


# Optimistic locking


def test_a_save_from_a_stale_page_is_refused(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    first, second = (annuaire_page(sofi).forms["form-etablissement"] for _ in range(2))
    first["etab-description"] = "Première"
    first.submit("enregistrer")
    second["etab-description"] = "Seconde"
    page = second.submit("enregistrer", status=409)
    assert messages.STALE in text(page)
    assert etablissement().description == "Première"


def test_a_concurrent_save_caught_at_flush_is_refused(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request commits between this one's version check and its flush: StaleDataError, the same message."""
    site_id = f.main_site(idmv).id
    original = annuaire.check_version

    def racing(*args: object, **kwargs: object) -> None:
        original(*args, **kwargs)  # type: ignore[arg-type]
        with db.engine.begin() as other:
            other.execute(update(Site).where(Site.id == site_id).values(version=Site.version + 1, commune="AILLEURS"))

    monkeypatch.setattr(annuaire, "check_version", racing)
    log_in("gestionnaire")
    form = annuaire_page(sofi).forms["form-site"]
    form["site-commune"] = "LA ROCHE"
    page = form.submit("enregistrer", status=409)
    assert messages.STALE in text(page)
    fresh()
    assert db.session.get(Site, site_id).commune == "AILLEURS"  # type: ignore[union-attr]
