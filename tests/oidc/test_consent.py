"""Consent: asked once by a third-party service, never by the ministry's own services."""

from bs4 import BeautifulSoup

from tests.oidc.rp import callback_params

CONSENT_ACTION = "/oidc/authorize/consentement"


def consent_page(browser, rp, **extra):
    auth = rp.new_request(**extra)
    page = browser.until_client(browser.authorize(auth))
    assert page.status_code == 200, page.headers.get("location")
    return auth, page


def decide(browser, page, decision):
    return browser.submit(page, CONSENT_ACTION, decision=decision)


def test_third_party_service_asks_for_consent_listing_the_data(browser, third_party, account):
    _, page = consent_page(browser, third_party)
    text = BeautifulSoup(page.text, "html.parser").get_text(" ", strip=True)
    assert "Outil Partenaire demande l'accès à vos informations" in text
    for shared in ("Vos nom et prénom", "Votre adresse électronique", "Votre numéro de téléphone", "Vos habilitations"):
        assert shared in text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_refusing_sends_access_denied_back_with_the_issuer(browser, third_party, account):
    _, page = consent_page(browser, third_party, state="état & co")
    callback = callback_params(third_party, decide(browser, page, "refuse"))
    assert callback["error"] == "access_denied"
    assert callback["state"] == "état & co"
    assert callback["iss"] == third_party.provider.url
    assert "code" not in callback


def test_accepting_gives_a_code_and_is_remembered(browser, third_party, account):
    auth, page = consent_page(browser, third_party)
    callback = callback_params(third_party, decide(browser, page, "accept"))
    assert callback["state"] == auth.state and callback["iss"] == third_party.provider.url
    tokens = third_party.redeem(callback["code"], auth.verifier).json()
    assert third_party.verify_id_token(tokens["id_token"], auth.nonce)["email"]
    # Second time: no page.
    again = third_party.new_request()
    assert "code" in callback_params(third_party, browser.authorize(again))


def test_wider_scope_asks_again(browser, third_party, account):
    _, page = consent_page(browser, third_party, scope="openid email")
    decide(browser, page, "accept")
    _, page = consent_page(browser, third_party, scope="openid email phone")
    assert "Votre numéro de téléphone" in page.text


def test_ministry_services_skip_the_consent_page(browser, soffi, account):
    browser.log_in()
    assert "code" in callback_params(soffi, browser.authorize(soffi.new_request()))


def test_prompt_consent_shows_the_page_even_to_a_ministry_service(browser, soffi, account):
    browser.log_in()
    _, page = consent_page(browser, soffi, prompt="consent")
    assert "SOFFi demande l'accès" in page.text
    assert "code" in callback_params(soffi, decide(browser, page, "accept"))


def test_prompt_none_without_consent_answers_consent_required(browser, third_party, account):
    browser.log_in()
    auth = third_party.new_request(prompt="none")
    callback = callback_params(third_party, browser.authorize(auth))
    assert callback["error"] == "consent_required"
    assert callback["state"] == auth.state and callback["iss"] == third_party.provider.url


def test_tampered_consent_form_cannot_redirect_elsewhere(browser, third_party, account):
    _, page = consent_page(browser, third_party)
    response = browser.submit(page, CONSENT_ACTION, decision="accept", redirect_uri="https://evil.exemple.test/cb")
    assert response.status_code == 400
    assert "location" not in response.headers


def test_tampered_claims_in_the_consent_form_is_an_invalid_request(browser, third_party, account):
    _, page = consent_page(browser, third_party)
    callback = callback_params(third_party, browser.submit(page, CONSENT_ACTION, decision="accept", claims="{"))
    assert callback["error"] == "invalid_request"


def test_consent_form_needs_its_csrf_token(browser, third_party, account):
    _, page = consent_page(browser, third_party)
    response = browser.submit(page, CONSENT_ACTION, decision="accept", csrf_token="")
    assert response.status_code == 400
    assert "location" not in response.headers


def test_consent_after_logout_goes_back_to_the_login_form(browser, third_party, account):
    _, page = consent_page(browser, third_party)
    browser.log_out()
    response = decide(browser, page, "accept")
    assert response.status_code in (302, 400)
    assert "code=" not in response.headers.get("location", "")
