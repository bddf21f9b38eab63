"""« Se créer un compte » (guide 000, steps 6 to 10; guide 004 « Créer mon compte »)."""

import webtest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from idp.extensions import db
from idp.models import Account, AccountStatus, AuditEvent, AuditEventType, OutboxMessage
from tests.idp.factories import CLOSED_SIRET, SIRET, make_account
from tests.idp.web import field_error, form, solved_altcha

STRONG = "Un-Mot-De-Passe-Solide-2026"


def start(client: webtest.TestApp, siret: str = SIRET) -> webtest.TestResponse:
    results = client.get("/inscription", params={"q": siret})
    return form(results, "/inscription/etablissement").submit().follow()


def credentials(page: webtest.TestResponse, email: str, password: str = STRONG, confirm: str | None = None):
    step = form(page, "/inscription/identifiants")
    step["email"], step["password"], step["confirm"] = email, password, password if confirm is None else confirm
    return step.submit(expect_errors=True)


def coordonnees(client, page, altcha=None, **values):  # type: ignore[no-untyped-def]
    step = form(page, "/inscription/coordonnees")
    fields = {"civilite": "Mme", "nom": "TESTEUSE", "prenom": "Claire", "telephone": "06 12 34 56 78"}
    fields.update(values)
    for name, value in fields.items():
        if value is not None:
            step[name] = value
    # The ALTCHA widget adds its hidden "altcha" field in the browser, once the proof of work is solved.
    payload = solved_altcha(client) if altcha is None else altcha
    return client.post(step.action, [*step.submit_fields(), ("altcha", payload)], expect_errors=True)


def sign_up(client, email="claire.testeuse@exemple.fr", password=STRONG):  # type: ignore[no-untyped-def]
    return coordonnees(client, credentials(start(client), email, password).follow())


def account_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Account)) or 0


def test_sign_up_creates_a_pending_account_on_the_chosen_siret_and_mails_the_activation_link(client, inbox):
    done = sign_up(client).follow()
    assert "Vérifiez votre boîte mail" in done.text
    account = db.session.scalar(select(Account))
    assert account.email == "claire.testeuse@exemple.fr"
    assert account.status is AccountStatus.PENDING
    assert account.siret == SIRET
    assert account.telephone == "+33612345678"
    assert account.password_hash.startswith("$argon2id$")
    [mail] = inbox("claire.testeuse@exemple.fr")
    assert "Bonjour Claire TESTEUSE," in mail.text
    assert "Vous avez fait une demande de création de compte." in mail.text
    assert "Afin de valider votre inscription, cliquez sur le lien ci-dessous :" in mail.text
    assert mail.link("/activation/").startswith("http://localhost/activation/")
    assert db.session.scalar(select(AuditEvent.event)) is AuditEventType.SIGNUP


def test_establishment_search_by_siret_with_spaces_shows_one_result(client):
    page = client.get("/inscription", params={"q": "997 915 665 00019"})
    assert "Sélectionnez votre établissement dans la liste déroulante pour continuer" in page.text
    assert "1 résultat trouvé" in page.text
    assert "FORMA&#39;LOIRE" in page.text or "FORMA'LOIRE" in page.text


def test_establishment_search_by_siren_lists_every_establishment_of_the_company(client):
    page = client.get("/inscription", params={"q": "997915665"})
    assert "3 résultats trouvés" in page.text


def test_closed_establishment_is_shown_but_cannot_be_chosen(client):
    page = client.get("/inscription", params={"q": CLOSED_SIRET})
    assert "Établissement fermé" in page.text
    assert not any("/inscription/etablissement" in (f.action or "") for f in page.forms.values())
    # Posting it anyway (forged form) is refused.
    open_page = client.get("/inscription", params={"q": SIRET})
    forged = form(open_page, "/inscription/etablissement")
    forged["siret"].force_value(CLOSED_SIRET)
    refused = forged.submit(status=422)
    assert "Cet établissement est fermé" in refused.text
    assert client.get("/inscription/identifiants").status_code == 302


def test_invalid_siret_says_so_next_to_the_search_field(client):
    page = client.get("/inscription", params={"q": "99791566500018"})
    assert "Ce numéro SIRET n'est pas valide." in field_error(page, "q")


def test_unknown_establishment_posted_is_refused(client):
    page = client.get("/inscription", params={"q": SIRET})
    forged = form(page, "/inscription/etablissement")
    forged["siret"].force_value("12345678901234")
    assert "introuvable" in forged.submit(status=422).text


def test_bad_connection_details_get_french_messages_next_to_each_field(client):
    page = start(client)
    bad_email = credentials(page, "pas-une-adresse")
    assert bad_email.status_code == 422
    assert "Saisissez une adresse électronique valide" in field_error(bad_email, "email")
    short = credentials(page, "claire@exemple.fr", "Court-1")
    assert "au minimum 12 caractères" in field_error(short, "password")
    no_upper = credentials(page, "claire@exemple.fr", "tout-en-minuscules-42")
    assert "au moins une majuscule" in field_error(no_upper, "password")
    letters_only = credentials(page, "claire@exemple.fr", "SeulementDesLettres")
    assert "un chiffre ou un caractère spécial" in field_error(letters_only, "password")
    common = credentials(page, "claire@exemple.fr", "Motdepasse2024!")
    assert "trop courant" in field_error(common, "password")
    mismatch = credentials(page, "claire@exemple.fr", STRONG, STRONG + "x")
    assert "ne sont pas identiques" in field_error(mismatch, "confirm")
    assert account_count() == 0


def test_long_unicode_password_is_accepted_whole(client, inbox):
    passphrase = "Ça, c'est une phrase de passe très longue : 🙂 ĳ ß Ω — 2026 ! " * 2  # 120 characters
    sign_up(client, password=passphrase).follow()
    activation = client.get(inbox("claire.testeuse@exemple.fr")[0].link("/activation/").replace("http://localhost", ""))
    form(activation, "/activation/").submit()
    from tests.idp.web import log_in

    assert log_in(client, "claire.testeuse@exemple.fr", passphrase[:72]).status_code == 422  # no truncation
    assert log_in(client, "claire.testeuse@exemple.fr", passphrase).status_code == 303


def test_bad_contact_details_get_french_messages_and_create_nothing(client):
    page = credentials(start(client), "claire.testeuse@exemple.fr").follow()
    empty_names = coordonnees(client, page, nom="", prenom="   ")
    assert empty_names.status_code == 422
    assert "Ce champ est obligatoire." in field_error(empty_names, "nom")
    assert "Ce champ est obligatoire." in field_error(empty_names, "prenom")
    digits = coordonnees(client, page, nom="R2D2")
    assert "sans chiffres" in field_error(digits, "nom")
    phone = coordonnees(client, page, telephone="12")
    assert "numéro de téléphone valide" in field_error(phone, "telephone")
    no_civilite = form(client.get("/inscription/coordonnees"), "/inscription/coordonnees")
    no_civilite["nom"], no_civilite["prenom"] = "TESTEUSE", "Claire"
    missing = client.post(
        no_civilite.action, [*no_civilite.submit_fields(), ("altcha", solved_altcha(client))], status=422
    )
    assert "Sélectionnez votre civilité." in missing.text
    assert account_count() == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_bot_check_must_be_solved(client):
    page = credentials(start(client), "claire.testeuse@exemple.fr").follow()
    unsolved = coordonnees(client, page, altcha="")
    assert unsolved.status_code == 422
    assert "Confirmez que vous n'êtes pas une machine" in field_error(unsolved, "altcha")
    forged = coordonnees(client, page, altcha="eyJhbGdvcml0aG0iOiJTSEEtMjU2In0=")
    assert forged.status_code == 422
    assert account_count() == 0


def test_one_solved_bot_check_opens_one_sign_up_only(client):
    """The same solution posted again (it once created two accounts) is refused, as on another instance: the
    spent solutions are in the database."""
    payload = solved_altcha(client)
    first = coordonnees(client, credentials(start(client), "premiere@exemple.fr").follow(), altcha=payload)
    assert first.status_code == 302 and account_count() == 1
    other = webtest.TestApp(client.app, extra_environ={"REMOTE_ADDR": "198.51.100.9"})
    again = coordonnees(other, credentials(start(other), "seconde@exemple.fr").follow(), altcha=payload)
    assert again.status_code == 422
    assert "Confirmez que vous n'êtes pas une machine" in field_error(again, "altcha")
    assert account_count() == 1


def test_a_lost_wizard_step_creates_nothing_and_starts_again(client):
    lost = client.get("/inscription/coordonnees")
    assert lost.status_code == 302
    restart = lost.follow()
    assert "Votre saisie a expiré" in restart.text
    assert client.post("/inscription/coordonnees", {"nom": "X"}, expect_errors=True).status_code in (302, 400)
    assert account_count() == 0


def test_existing_address_gets_the_same_page_and_its_owner_is_told(client, inbox):
    make_account(db.session, email="deja.inscrite@exemple.fr")
    known = sign_up(client, email="Deja.Inscrite@exemple.fr").follow()
    other = webtest.TestApp(client.app, extra_environ={"REMOTE_ADDR": "198.51.100.8"})
    unknown = sign_up(other, email="nouvelle@exemple.fr").follow()
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("Deja.Inscrite@exemple.fr", "X") == unknown.text.replace("nouvelle@exemple.fr", "X")
    assert account_count() == 2
    [mail] = inbox("deja.inscrite@exemple.fr")
    assert "un compte existe déjà avec cette adresse" in mail.text
    assert "/activation/" not in mail.text


def test_too_many_matches_ask_for_a_more_precise_search(client, monkeypatch):
    from idp.services import directory

    monkeypatch.setattr(directory, "MAX_RESULTS", 2)
    page = client.get("/inscription", params={"q": "demo"})
    assert "Plus de 2 établissements correspondent" in page.text
    assert "Précisez votre recherche" in page.text


def test_error_summary_links_lead_to_a_control(client):
    page = credentials(start(client), "claire.testeuse@exemple.fr").follow()
    step = form(client.get("/inscription/coordonnees"), "/inscription/coordonnees")
    missing = client.post(step.action, [*step.submit_fields(), ("altcha", solved_altcha(client))], status=422)
    assert 'href="#civilite-0"' in missing.text  # the first radio button, not the fieldset
    assert 'href="#nom"' in missing.text
    assert page.status_code == 200


def test_the_professionnel_tab_is_selected_as_in_the_guide(client):
    """Guide 004, step 2: « L'onglet « professionnel » est par défaut sélectionné »."""
    tab = BeautifulSoup(client.get("/inscription").text, "html.parser").find(role="tab")
    assert tab.get_text(strip=True) == "Professionnel" and tab["aria-selected"] == "true"
