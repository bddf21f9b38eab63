"""SOFFi's home (guides 000 and 001, soffi.md §5.1): the wording of the guides, « >> Accéder à SOFFi << » at the
top right starting the login, the downloadable guides as files; logged in without a SOFFi role, « Aucun droit
d'accès à SOFFi »; a body not in the register, the message of §8; the gestionnaire's link to the gear."""

from rp_soffi import messages
from tests.rp_soffi.conftest import LogIn, habilitation
from tests.rp_soffi.factories import OPCO_SIRET, make_body
from tests.rp_soffi.web import text, title


def test_the_home_page_of_the_guides(soffi) -> None:
    page = soffi.get("/")
    assert title(page) == "Accueil - SOFFi"
    body = text(page)
    for words in (
        "Bienvenue sur l'application Mes collectes formation",
        "ACCÉDEZ À SOFFI",
        "AGENT DU MINISTÈRE ?",
        "Pour démarrer : Créez vous un compte. Validez votre accès. Accédez à votre démarche.",
        "ASSISTANCE : 0 805 032 430",
        "Actualités",
        "Guides téléchargeables",
    ):
        assert words in body, words
    tools = page.html.select_one(".fr-header__tools-links")
    assert ">> Accéder à SOFFi <<" in tools.get_text()
    assert tools.select_one("a")["href"] == "/connexion"
    assert page.html.find("a", string="ACCÉDEZ À SOFFI")["href"] == "/connexion"  # (no provider listens here)
    assert page.html.find("a", string="AGENT DU MINISTÈRE ?")["href"] == "/connexion"


def test_the_guides_download_as_pdf_files(soffi) -> None:
    guide = soffi.get("/").click(description="Guide d'authentification")
    assert guide.body.startswith(b"%PDF-")
    assert guide.headers["Content-Disposition"].startswith('attachment; filename="soffi-guide-authentification.pdf"')
    soffi.get("/guides/inconnu", status=404)


def test_without_a_soffi_role_the_page_says_so(soffi, log_in: LogIn) -> None:
    log_in(habilitation("consultation", OPCO_SIRET, expires_at="2020-01-01T00:00:00+00:00"))
    page = soffi.get("/")
    assert title(page).startswith(messages.NO_ACCESS)


def test_a_body_not_in_the_register_is_told_to_contact_the_dgefp(soffi, log_in: LogIn) -> None:
    log_in("organisme_collecteur", OPCO_SIRET)
    page = soffi.get("/campagnes", status=403)
    assert messages.NOT_REFERENCED in text(page)


def test_the_gestionnaire_finds_the_gear_of_mes_demarches(session, soffi_app, soffi, log_in: LogIn) -> None:
    make_body(session)
    log_in("gestionnaire", OPCO_SIRET)
    link = soffi.get("/campagnes").html.find("a", string=lambda s: s and "Gérer les accès" in s)
    assert link["href"] == soffi_app.config["RP_PORTAL_URL"].rstrip("/") + "/portail/services/soffi/utilisateurs"
    log_in("organisme_collecteur", OPCO_SIRET)
    assert "Gérer les accès" not in text(soffi.get("/campagnes"))


def test_a_delegated_third_party_acts_for_the_body_it_represents(session, soffi, log_in: LogIn) -> None:
    body = make_body(session)
    delegated = habilitation("organisme_collecteur", "99643906300016", delegated=True, on_behalf_of_siret=OPCO_SIRET)
    log_in(delegated)
    assert body.name in text(soffi.get("/campagnes"))
