"""The établissement's sites and contacts in the « Annuaire » (sofi.md §3, §4.3): a site saved with its rules and its
contact details normalised, exactly one main site, a site submitted and locked then restored by a rejection, a new
site usable only once the Carif-Oref accepts it (removed if rejected); contacts created, refused without a name or
with a wrong e-mail, and deleted."""

import pytest
import webtest
from sqlalchemy import select

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.models import Contact, Etablissement, JournalEvent, RecordStatus, Site
from rp_sofi.services import annuaire, rules
from tests.rp_sofi import factories as f
from tests.rp_sofi.annuaire_web import IDMV_NAME, annuaire_page, etablissement
from tests.rp_sofi.annuaire_web import idmv as idmv  # the fixture
from tests.rp_sofi.conftest import IDMV, LogIn
from tests.rp_sofi.web import fresh, journal, text

# Sites


def _fill_site(form: webtest.forms.Form, **values: str) -> webtest.forms.Form:
    defaults = {"site-nom_usage": "IDMV Atelier de découpe", "site-adresse": "3 rue des Halles",
                "site-code_postal": "85000", "site-commune": "LA ROCHE-SUR-YON"}  # fmt: skip
    for name, value in (defaults | values).items():
        form[name] = value
    return form


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("site-nom_usage", "", messages.REQUIRED),
        ("site-code_postal", "8500", messages.POSTAL_CODE),
        ("site-code_postal", "85OOO", messages.POSTAL_CODE),
        ("site-courriel", "contact@", messages.EMAIL_INVALID),
        ("site-url", "www.idmv.fr", messages.URL_SCHEME),
        ("site-url", "ftp://idmv.fr", messages.URL_SCHEME),
        ("site-telephone", "02 40", messages.PHONE_INVALID),
    ],
)
def test_site_rules(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement, field: str, value: str, message: str
) -> None:
    log_in("gestionnaire")
    form = _fill_site(annuaire_page(sofi).forms["form-site"], **{field: value})
    page = form.submit("enregistrer", status=422)
    assert message in page.html.find(id=f"{field}-messages").text
    site = f.main_site(etablissement())
    assert (site.nom_usage, site.previous) == (IDMV_NAME, None)


def test_site_saved_with_its_contact_details_normalised(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    log_in("gestionnaire")
    form = _fill_site(annuaire_page(sofi).forms["form-site"], **{
        "site-telephone": "0240204020", "site-courriel": "accueil@idmv.fr", "site-url": "https://www.idmv.fr",
    })  # fmt: skip
    form["site-lieu"] = False
    form.submit("enregistrer").follow()
    site = f.main_site(etablissement())
    assert (site.nom_usage, site.telephone, site.courriel, site.url) == (
        "IDMV Atelier de découpe",
        "02 40 20 40 20",
        "accueil@idmv.fr",
        "https://www.idmv.fr",
    )
    assert (site.dispensateur, site.lieu, site.status) == (True, False, RecordStatus.ACTIF)
    assert site.previous is not None and site.previous["nom_usage"] == IDMV_NAME and site.previous["lieu"] is True


def test_exactly_one_main_site(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    main = f.main_site(idmv)
    annexe = f.make_site(db.session, IDMV, "IDMV atelier")
    db.session.commit()
    log_in("gestionnaire")
    form = annuaire_page(sofi).forms["form-site"]
    form["site-is_main"] = False
    page = form.submit("enregistrer", status=422)
    assert messages.MAIN_SITE in page.html.find(id="site-is_main-messages").text
    assert f.main_site(etablissement()).id == main.id
    form = annuaire_page(sofi, site=annexe.id).forms["form-site"]
    form["site-is_main"] = True
    form.submit("enregistrer")
    sites = {site.id: site.is_main for site in etablissement().sites}
    assert sites == {main.id: False, annexe.id: True}


def test_submitting_a_site_locks_it_and_a_rejection_restores_it(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    site_id = f.main_site(idmv).id
    log_in("gestionnaire")
    confirm = _fill_site(annuaire_page(sofi).forms["form-site"]).submit("valider").follow()
    assert "IDMV Atelier de découpe" in text(confirm)
    page = confirm.forms["form-valider"].submit().follow()
    assert "form-site" not in page.forms and messages.LOCKED in text(page)
    fresh()
    site = db.session.get(Site, site_id)
    assert site is not None and site.status is RecordStatus.EN_ATTENTE_VALIDATION
    annuaire.reject_record(db.session, site, f.carif_scope(), "Adresse erronée.")
    db.session.commit()
    fresh()
    restored = db.session.get(Site, site_id)
    assert restored is not None
    assert (restored.nom_usage, restored.adresse, restored.status) == (
        IDMV_NAME,
        "9 RUE DES BOUCHERS DEMO",
        RecordStatus.ACTIF,
    )


def test_a_new_site_is_usable_only_once_accepted(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    form = _fill_site(sofi.get(f"/annuaire/{IDMV}/sites/nouveau").forms["form-site"])
    page = form.submit().follow()
    assert messages.SITE_CREATED in text(page)
    site = next(each for each in etablissement().sites if not each.is_main)
    assert (site.status, site.previous, site.dispensateur, site.lieu) == (
        RecordStatus.EN_ATTENTE_VALIDATION,
        None,
        True,
        True,
    )
    assert f"Site {site.id} - IDMV Atelier de découpe (en attente de validation)" in text(page)
    assert rules.site_errors(site, IDMV, "site_lieu_id") == {"site_lieu_id": messages.SITE_NOT_ACTIVE}
    assert journal(JournalEvent.RECORD_SUBMITTED)[0].object_id == str(site.id)
    annuaire.accept_record(db.session, site, f.carif_scope())
    db.session.commit()
    assert rules.site_errors(site, IDMV, "site_lieu_id") == {}


def test_new_site_rules_and_rejection_removes_it(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    form = _fill_site(sofi.get(f"/annuaire/{IDMV}/sites/nouveau").forms["form-site"], **{"site-code_postal": "123"})
    page = form.submit(status=422)
    assert messages.POSTAL_CODE in text(page)
    assert len(etablissement().sites) == 1
    _fill_site(page.forms["form-site"]).submit()
    site = next(each for each in etablissement().sites if not each.is_main)
    annuaire.reject_record(db.session, site, f.carif_scope(), "Doublon du site principal.")
    db.session.commit()
    assert len(etablissement().sites) == 1


# Contacts


def test_contacts_are_created_and_deleted(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    form = annuaire_page(sofi).click("Créer un contact").forms["form-contact"]
    form["contact-civilite"] = "Mme"
    form["contact-nom"], form["contact-prenom"], form["contact-fonction"] = "MARTIN", "Sophie", "Responsable"
    form["contact-courriel"] = "sophie.martin@"
    page = form.submit(status=422)
    assert messages.EMAIL_INVALID in text(page)
    page.forms["form-contact"]["contact-courriel"] = "sophie.martin@idmv.fr"
    page.forms["form-contact"]["contact-telephone"] = "02 51 00 00 00"
    page = page.forms["form-contact"].submit().follow()
    assert messages.CONTACT_CREATED in text(page)
    contact = f.main_site(etablissement()).contacts[0]
    assert (contact.civilite, contact.nom, contact.telephone) == ("Mme", "MARTIN", "02 51 00 00 00")
    assert "sophie.martin@idmv.fr" in page.html.find(id=f"contact-{contact.id}").text
    page = page.forms[f"supprimer-contact-{contact.id}"].submit().follow()
    assert messages.CONTACT_DELETED in text(page)
    assert f.main_site(etablissement()).contacts == []


def test_a_contact_needs_a_name(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    log_in("gestionnaire")
    page = annuaire_page(sofi).click("Créer un contact").forms["form-contact"].submit(status=422)
    assert messages.REQUIRED in page.html.find(id="contact-nom-messages").text
    fresh()
    assert db.session.scalar(select(Contact.id)) is None
