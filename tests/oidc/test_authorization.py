"""The authorization endpoint: PKCE, redirect URIs, state, nonce, iss, prompt, max_age, hints and extra parameters."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup

from tests.idp.factories import PASSWORD
from tests.oidc.rp import EMAIL, callback_params, code_flow, pkce_pair, query, shows_login_form

CLIENTS = ["soffi", "public_rp"]  # confidential and public: the PKCE rules are the same


def french_error_page(response):
    """An unknown client or unregistered redirect URI: a French page, status 400, and no redirect."""
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "Connexion impossible" in response.text
    return BeautifulSoup(response.text, "html.parser").get_text(" ", strip=True)


def error_redirect(rp, request, response, error):
    callback = callback_params(rp, response)
    assert callback["error"] == error, callback
    assert callback["state"] == request.state
    assert callback["iss"] == rp.provider.url  # RFC 9207, on errors too
    assert "code" not in callback
    return callback


# PKCE


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize(
    "pkce",
    [
        {"code_challenge": None, "code_challenge_method": None},
        {"code_challenge": None},
        {"code_challenge_method": None},
        {"code_challenge_method": "plain"},
        {"code_challenge_method": "S512"},
        {"code_challenge": "trop-court"},
    ],
    ids=["no-pkce", "no-challenge", "no-method", "plain", "unknown-method", "malformed-challenge"],
)
def test_authorization_without_pkce_s256_is_refused(request, browser, account, client, pkce):
    rp = request.getfixturevalue(client)
    browser.log_in()
    auth = rp.new_request(**pkce)
    error_redirect(rp, auth, browser.authorize(auth), "invalid_request")


def test_plain_challenge_equal_to_the_verifier_is_refused(browser, soffi, account):
    browser.log_in()
    verifier, _ = pkce_pair()
    auth = soffi.new_request(code_challenge=verifier, code_challenge_method="plain")
    error_redirect(soffi, auth, browser.authorize(auth), "invalid_request")


@pytest.mark.parametrize("client", CLIENTS)
def test_code_is_refused_with_a_wrong_or_missing_verifier(request, browser, account, client):
    rp = request.getfixturevalue(client)
    browser.log_in()
    for verifier, errors in [(pkce_pair()[0], {"invalid_grant"}), ("", {"invalid_request", "invalid_grant"})]:
        auth = rp.new_request()
        code = callback_params(rp, browser.authorize(auth))["code"]
        response = rp.redeem(code, verifier)
        assert response.status_code == 400
        assert response.json()["error"] in errors
        assert response.headers["cache-control"] == "no-store"
        # The right verifier, afterwards, cannot rescue a code presented with a wrong one.
        assert rp.redeem(code, auth.verifier).json()["error"] == "invalid_grant"


# redirect_uri and client_id


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://soffi.exemple.test/oidc/callback/",
        "https://soffi.exemple.test/oidc/callback?next=/admin",
        "https://soffi.exemple.test:8443/oidc/callback",
        "https://soffi.exemple.test/oidc/callback/evil",
        "https://soffi.exemple.test/oidc/callbackevil",
        "http://soffi.exemple.test/oidc/callback",
        "https://SOFFI.exemple.test/oidc/callback",
        "https://soffi.exemple.test/oidc/callback#fragment",
        "https://evil.exemple.test/oidc/callback",
        None,
    ],
    ids=[
        "trailing-slash",
        "added-query",
        "other-port",
        "path-suffix",
        "name-suffix",
        "http",
        "case",
        "fragment",
        "other-host",
        "missing",
    ],
)
def test_unregistered_redirect_uri_gets_a_french_page_never_a_redirect(browser, soffi, account, redirect_uri):
    browser.log_in()
    auth = soffi.new_request(redirect_uri=redirect_uri)
    for method in ("GET", "POST"):
        text = french_error_page(browser.authorize(auth, method))
        assert "adresse de retour" in text


@pytest.mark.parametrize("client_id", ["inconnu", "", None])
def test_unknown_client_gets_a_french_page_never_a_redirect(browser, soffi, account, client_id):
    browser.log_in()
    auth = soffi.new_request(client_id=client_id)
    text = french_error_page(browser.authorize(auth))
    assert "n'est pas reconnu" in text


def test_bad_redirect_uri_wins_over_other_errors(browser, soffi, account):
    """Whatever else is wrong, an unverified address is never redirected to."""
    browser.log_in()
    auth = soffi.new_request(redirect_uri="https://evil.exemple.test/", response_type="token", code_challenge=None)
    french_error_page(browser.authorize(auth))
    french_error_page(browser.authorize(soffi.new_request(redirect_uri="https://evil.exemple.test/", prompt="none")))


def test_redirect_uri_is_required_and_compared_at_the_token_endpoint(browser, soffi, account):
    browser.log_in()
    for redirect_uri in [None, soffi.redirect_uri + "/", soffi.redirect_uri + "?a=b"]:
        auth = soffi.new_request()
        code = callback_params(soffi, browser.authorize(auth))["code"]
        data = {"grant_type": "authorization_code", "code": code, "code_verifier": auth.verifier}
        if redirect_uri is not None:
            data["redirect_uri"] = redirect_uri
        response = soffi.token(**data)
        assert response.status_code == 400
        assert response.json()["error"] in ("invalid_request", "invalid_grant")


# state, nonce, iss


def test_state_is_echoed_exactly(browser, soffi, account):
    state = "a b+c/d?e=f&g=h#i%25j~k'l\"m<n>é✓"
    tokens = code_flow(browser, soffi, state=state)
    assert tokens.callback["state"] == state


def test_state_is_echoed_exactly_on_errors(browser, soffi, account):
    state = "x&iss=https://evil.exemple.test&error=none"
    auth = soffi.new_request(state=state, prompt="none")
    callback = error_redirect(soffi, auth, browser.authorize(auth), "login_required")
    assert callback["state"] == state


def test_without_state_none_is_returned(browser, soffi, account):
    browser.log_in()
    callback = callback_params(soffi, browser.authorize(soffi.new_request(state=None)))
    assert "state" not in callback and "code" in callback
    assert callback["iss"] == soffi.provider.url


def test_nonce_is_echoed_in_the_id_token_and_optional(browser, soffi, account):
    tokens = code_flow(browser, soffi, nonce="n-0S6_WzA2Mj")
    assert tokens.claims["nonce"] == "n-0S6_WzA2Mj"
    without = code_flow(browser, soffi, nonce=None)
    assert "nonce" not in without.claims


def test_authorization_request_by_post(browser, soffi, account):
    tokens = code_flow(browser, soffi, method="POST")
    assert tokens.claims["email"] == EMAIL
    # Already logged in: the POST gets its code straight away.
    code_flow(browser, soffi, method="POST")


# Single sign-on, prompt, max_age


def test_second_service_needs_no_password(browser, soffi, bpf, account):
    code_flow(browser, soffi)
    auth = bpf.new_request()
    callback = callback_params(bpf, browser.authorize(auth))
    assert callback["state"] == auth.state and "code" in callback


def test_without_session_the_login_form_comes_first_with_the_hint(browser, soffi, account):
    auth = soffi.new_request(login_hint=EMAIL)
    page = browser.authorize(auth)
    assert page.status_code == 200 and "<title>Connexion" in page.text
    email = BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": "email"})
    assert email is not None and email.get("value") == EMAIL
    # The login answers the service at once: no second visit to the authorization endpoint.
    callback = callback_params(soffi, browser.log_in(page=page))
    assert callback["state"] == auth.state and "code" in callback and callback["iss"] == soffi.provider.url
    assert soffi.redeem(callback["code"], auth.verifier).status_code == 200


def test_an_authorization_request_by_post_shows_the_login_form_too(browser, soffi, account):
    auth = soffi.new_request()
    page = browser.authorize(auth, method="POST")
    assert page.status_code == 200 and "Connectez-vous" in page.text
    callback = callback_params(soffi, browser.log_in(page=page))
    assert callback["state"] == auth.state
    assert soffi.redeem(callback["code"], auth.verifier).status_code == 200


def test_a_wrong_password_on_the_form_of_the_endpoint_keeps_the_way_to_the_service(browser, soffi, account):
    auth = soffi.new_request()
    page = browser.authorize(auth)
    refused = browser.submit(page, "/connexion", email=EMAIL, password="Pas-le-bon-mot-de-passe-1")
    assert refused.status_code == 422 and "Connectez-vous" in refused.text
    callback = callback_params(soffi, browser.submit(refused, "/connexion", email=EMAIL, password=PASSWORD))
    assert callback["state"] == auth.state and "code" in callback


def test_a_login_for_someone_else_than_the_hinted_person_asks_again(browser, soffi, account):
    from idp.extensions import db
    from tests.idp.factories import make_account

    make_account(db.session, email="autre.personne@exemple.fr")
    first = code_flow(browser, soffi)
    browser.log_out()
    auth = soffi.new_request(id_token_hint=first.id_token)
    page = browser.authorize(auth)
    # Logged in as another person than the token's: the service is not given that person's code.
    back = browser.log_in(email="autre.personne@exemple.fr", page=page)
    assert back.status_code == 303 and urlsplit(back.headers["location"]).path == "/oidc/authorize"
    assert shows_login_form(browser.follow(back))


def test_prompt_none_without_session_answers_login_required(browser, soffi, account):
    auth = soffi.new_request(prompt="none")
    error_redirect(soffi, auth, browser.authorize(auth), "login_required")


def test_prompt_none_with_session_answers_at_once(browser, soffi, account):
    browser.log_in()
    auth = soffi.new_request(prompt="none")
    callback = callback_params(soffi, browser.authorize(auth))
    assert "code" in callback and callback["iss"] == soffi.provider.url


def test_prompt_none_with_another_prompt_is_invalid(browser, soffi, account):
    browser.log_in()
    auth = soffi.new_request(prompt="none login")
    error_redirect(soffi, auth, browser.authorize(auth), "invalid_request")


def test_prompt_login_shows_the_form_even_with_a_session(browser, soffi, account):
    with time_machine.travel(timedelta(0)) as traveller:
        first = code_flow(browser, soffi)
        traveller.shift(timedelta(minutes=5))
        auth = soffi.new_request(prompt="login")
        page = browser.authorize(auth)
        assert shows_login_form(page), "the login form must be shown, not skipped because of the session"
        callback = callback_params(soffi, browser.log_in(page=page))
        tokens = soffi.redeem(callback["code"], auth.verifier).json()
        claims = soffi.verify_id_token(tokens["id_token"], auth.nonce)
    assert claims["auth_time"] >= first.claims["auth_time"] + 300
    assert claims["sub"] == first.claims["sub"]


def test_max_age_forces_a_new_login_when_the_session_is_older(browser, soffi, account):
    with time_machine.travel(timedelta(0)) as traveller:
        first = code_flow(browser, soffi)
        traveller.shift(timedelta(seconds=5))
        auth = soffi.new_request(max_age="1")
        page = browser.authorize(auth)
        assert shows_login_form(page)
        callback = callback_params(soffi, browser.log_in(page=page))
        tokens = soffi.redeem(callback["code"], auth.verifier).json()
        claims = soffi.verify_id_token(tokens["id_token"], auth.nonce)
    assert claims["auth_time"] >= first.claims["auth_time"] + 5


def test_max_age_with_a_recent_session_needs_no_login_and_gives_auth_time(browser, soffi, account):
    first = code_flow(browser, soffi)
    auth = soffi.new_request(max_age="3600")
    callback = callback_params(soffi, browser.authorize(auth))
    claims = soffi.verify_id_token(soffi.redeem(callback["code"], auth.verifier).json()["id_token"], auth.nonce)
    assert claims["auth_time"] == first.claims["auth_time"]


def test_prompt_none_with_an_expired_max_age_answers_login_required(browser, soffi, account):
    with time_machine.travel(timedelta(0)) as traveller:
        browser.log_in()
        traveller.shift(timedelta(seconds=5))
        auth = soffi.new_request(prompt="none", max_age="1")
        error_redirect(soffi, auth, browser.authorize(auth), "login_required")


# Extra parameters


def test_optional_and_unknown_parameters_are_accepted(browser, soffi, account):
    tokens = code_flow(
        browser,
        soffi,
        ui_locales="fr-FR en",
        claims_locales="fr-FR",
        acr_values="eidas1",
        display="page",
        response_mode="query",
        id_token_hint="ignored",
        parametre_inconnu="valeur",
    )
    assert tokens.claims["email"] == EMAIL


def test_unknown_scopes_are_ignored(browser, soffi, account):
    """OpenID Connect Core §3.1.2.1: scope values that are not understood are ignored."""
    tokens = code_flow(browser, soffi, scope="openid email offline_access inconnu")
    assert set(tokens.response["scope"].split()) == {"openid", "email"}


@pytest.mark.parametrize("claims", ["{", "[]", '"texte"', "null", '{"userinfo": "x"}', '{"userinfo": {"email": 3}}'])
def test_malformed_claims_parameter_is_an_invalid_request(browser, soffi, account, claims):
    browser.log_in()
    auth = soffi.new_request(claims=claims)
    response = browser.authorize(auth)
    if claims in ('{"userinfo": {"email": 3}}',):
        # A wrong member value is ignored (OpenID Connect Core §5.5): the request goes through.
        assert "code" in callback_params(soffi, response)
        return
    error_redirect(soffi, auth, response, "invalid_request")


@pytest.mark.parametrize(
    "params",
    [
        {"max_age": "-1"},
        {"max_age": "abc"},
        {"prompt": "n'importe quoi"},
        {"scope": ""},
        {"scope": None},
        {"response_type": None},
        {"response_type": ""},
        {"nonce": "n" * 5000},
        {"state": "s" * 5000},
        {"code_challenge": "c" * 200},
        {"request": "eyJhbGciOiJub25lIn0.e30."},
        {"request_uri": "https://evil.exemple.test/request.jwt"},
        {"claims": '{"id_token": {"auth_time": {"essential": true}}, "userinfo": null}'},
    ],
)
def test_odd_authorization_requests_never_fail_with_a_server_error(browser, soffi, account, params):
    browser.log_in()
    response = browser.authorize(soffi.new_request(**params))
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        callback = query(response.headers["location"])
        assert callback["iss"] == soffi.provider.url


@pytest.mark.parametrize("redirect_uri", ['http://x/"', "http://x/\\", "http://x/é", "http://x/\t", "http://x/\x7f"])
def test_an_unregistered_redirect_uri_with_odd_characters_gets_the_french_page(browser, soffi, redirect_uri):
    """Before any login: Authlib refused to quote such characters in its error description (a server error)."""
    params = {"client_id": "soffi", "response_type": "code", "redirect_uri": redirect_uri}
    text = french_error_page(browser.get(soffi.provider.metadata["authorization_endpoint"], **params))
    assert redirect_uri not in text


@pytest.mark.parametrize("response_type", ["token", 'code"', "code\\", "codé", "code\x7f"])
def test_a_response_type_with_odd_characters_is_refused_like_an_unknown_one(browser, soffi, account, response_type):
    """Authlib refused to quote such characters in its error description (a server error)."""
    browser.log_in()
    auth = soffi.new_request(response_type=response_type)
    error_redirect(soffi, auth, browser.authorize(auth), "unsupported_response_type")


def test_request_objects_are_refused(browser, soffi, account):
    """Discovery says request and request_uri are not supported: OpenID Connect Core §6 wants an error."""
    browser.log_in()
    for name, value in [("request", "eyJhbGciOiJub25lIn0.e30."), ("request_uri", "https://evil.exemple.test/r")]:
        auth = soffi.new_request(**{name: value})
        error_redirect(soffi, auth, browser.authorize(auth), f"{name}_not_supported")


def test_duplicated_parameters_are_refused(browser, soffi, account):
    browser.log_in()
    auth = soffi.new_request()
    url = soffi.provider.metadata["authorization_endpoint"]
    params = [*auth.params.items(), ("state", "second")]
    response = browser.http.get(url, params=params)
    assert response.status_code in (302, 400)
    assert "code=" not in response.headers.get("location", "")


# The login page of the provider


def test_login_page_sends_security_headers(browser, soffi, account):
    page = browser.authorize(soffi.new_request())
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-content-type-options"] == "nosniff"
    error_page = browser.authorize(soffi.new_request(redirect_uri="https://evil.exemple.test/"))
    assert "frame-ancestors 'none'" in error_page.headers["content-security-policy"]
    assert error_page.headers["cache-control"] == "no-store"


def test_registered_redirect_uri_with_a_query_keeps_it_and_gets_iss(browser, register, account):
    rp = register(redirect_uri="https://kiss.exemple.test/cb?kiss=1&mode=oidc")
    browser.log_in()
    auth = rp.new_request()
    response = browser.authorize(auth)
    params = query(response.headers["location"])
    assert params["kiss"] == "1" and params["mode"] == "oidc"
    assert params["iss"] == rp.provider.url
    assert params["state"] == auth.state


def test_login_hint_is_escaped_in_the_form(browser, soffi, account):
    hint = '"><script>alert(1)</script>'
    page = browser.authorize(soffi.new_request(login_hint=hint))
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find("input", attrs={"name": "email"}).get("value") == hint
    assert "<script>alert(1)</script>" not in page.text


def test_id_token_hint_for_someone_else_is_not_answered_with_the_current_session(browser, new_browser, soffi, account):
    """OIDC Core §3.1.2.1: the provider must not answer for another person than the hint names."""
    from idp.extensions import db
    from tests.idp.factories import make_account

    make_account(db.session, email="autre.personne@exemple.fr")
    other = new_browser()
    other_tokens = code_flow(other, soffi, email="autre.personne@exemple.fr")
    browser.log_in()
    silent = soffi.new_request(prompt="none", id_token_hint=other_tokens.id_token)
    error_redirect(soffi, silent, browser.authorize(silent), "login_required")
    own = code_flow(browser, soffi)
    same_person = soffi.new_request(prompt="none", id_token_hint=own.id_token)
    assert "code" in callback_params(soffi, browser.authorize(same_person))
