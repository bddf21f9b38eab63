"""RP-initiated logout: id_token_hint, registered post_logout_redirect_uri, state, confirmation without a hint."""

from datetime import timedelta

import time_machine
from bs4 import BeautifulSoup

from idp.extensions import db
from tests.idp.factories import make_account
from tests.oidc.rp import callback_params, code_flow, query, without_query


def end_session(browser, method="GET", **params):
    endpoint = browser.provider.metadata["end_session_endpoint"]
    if method == "POST":
        return browser.http.post(endpoint, data=params)
    return browser.http.get(endpoint, params=params)


def provider_session_alive(browser, rp):
    """What a relying party learns with prompt=none: is the person still logged in at the provider?"""
    auth = rp.new_request(prompt="none")
    callback = callback_params(rp, browser.authorize(auth))
    if "code" in callback:
        return True
    assert callback["error"] == "login_required"
    return False


def test_logout_with_hint_ends_the_session_and_returns_to_the_service(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    state = "retour & suite=1"
    response = end_session(
        browser,
        id_token_hint=tokens.id_token,
        post_logout_redirect_uri=soffi.post_logout_redirect_uri,
        state=state,
    )
    assert response.status_code == 302
    location = response.headers["location"]
    assert without_query(location) == soffi.post_logout_redirect_uri
    assert query(location) == {"state": state}
    assert not provider_session_alive(browser, soffi)
    assert soffi.userinfo(tokens.access_token).status_code == 401
    assert soffi.refresh(tokens.refresh_token).json()["error"] == "invalid_grant"


def test_logout_by_post(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    response = end_session(
        browser, "POST", id_token_hint=tokens.id_token, post_logout_redirect_uri=soffi.post_logout_redirect_uri
    )
    assert response.status_code == 302
    assert response.headers["location"] == soffi.post_logout_redirect_uri
    assert not provider_session_alive(browser, soffi)


def test_logout_with_client_id_and_hint(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    response = end_session(
        browser,
        id_token_hint=tokens.id_token,
        client_id=soffi.client_id,
        post_logout_redirect_uri=soffi.post_logout_redirect_uri,
    )
    assert response.headers["location"] == soffi.post_logout_redirect_uri


def test_logout_ends_the_session_for_every_service(browser, soffi, bpf, account):
    soffi_tokens = code_flow(browser, soffi)
    bpf_tokens = code_flow(browser, bpf)
    end_session(browser, id_token_hint=soffi_tokens.id_token, post_logout_redirect_uri=soffi.post_logout_redirect_uri)
    assert not provider_session_alive(browser, bpf)
    assert bpf.userinfo(bpf_tokens.access_token).status_code == 401


def test_unregistered_post_logout_redirect_uri_is_not_followed(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    for uri in ("https://evil.exemple.test/", soffi.post_logout_redirect_uri + "/", soffi.redirect_uri):
        response = end_session(browser, id_token_hint=tokens.id_token, post_logout_redirect_uri=uri)
        assert response.status_code in (200, 400)
        assert "location" not in response.headers
    # The hint was valid: the person is logged out all the same.
    assert not provider_session_alive(browser, soffi)


def test_another_clients_post_logout_redirect_uri_is_not_followed(browser, soffi, register, account):
    other = register(
        "Autre", "autre", "https://autre.exemple.test/cb", post_logout_redirect_uri="https://autre.exemple.test/bye"
    )
    tokens = code_flow(browser, soffi)
    response = end_session(
        browser, id_token_hint=tokens.id_token, post_logout_redirect_uri=other.post_logout_redirect_uri
    )
    assert "location" not in response.headers


def test_without_hint_a_confirmation_is_asked_and_nothing_ends(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    page = end_session(
        browser, client_id=soffi.client_id, post_logout_redirect_uri=soffi.post_logout_redirect_uri, state="s"
    )
    assert page.status_code == 200
    assert "location" not in page.headers
    assert "Voulez-vous vous déconnecter ?" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert provider_session_alive(browser, soffi)
    assert soffi.userinfo(tokens.access_token).status_code == 200
    # The person confirms with the page's own form.
    confirmed = browser.submit(page, "/deconnexion")
    assert confirmed.status_code == 302
    assert not provider_session_alive(browser, soffi)


def test_hint_of_another_person_asks_for_confirmation(browser, new_browser, soffi, account):
    make_account(db.session, email="autre.personne@exemple.fr")
    someone_else = code_flow(new_browser(), soffi, email="autre.personne@exemple.fr")
    code_flow(browser, soffi)
    page = end_session(
        browser, id_token_hint=someone_else.id_token, post_logout_redirect_uri=soffi.post_logout_redirect_uri
    )
    assert page.status_code == 200
    assert "location" not in page.headers
    assert provider_session_alive(browser, soffi)


def test_forged_or_garbage_hint_is_refused_without_redirect(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    header, payload, signature = tokens.id_token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    for hint in (forged, "pas-un-jeton", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."):
        response = end_session(browser, id_token_hint=hint, post_logout_redirect_uri=soffi.post_logout_redirect_uri)
        assert response.status_code in (200, 400)
        assert "location" not in response.headers
    assert provider_session_alive(browser, soffi)


def test_hint_for_another_client_id_is_refused(browser, soffi, bpf, account):
    tokens = code_flow(browser, soffi)
    response = end_session(
        browser,
        id_token_hint=tokens.id_token,
        client_id=bpf.client_id,
        post_logout_redirect_uri=soffi.post_logout_redirect_uri,
    )
    assert "location" not in response.headers
    assert provider_session_alive(browser, soffi)


def test_expired_hint_is_still_accepted(browser, soffi, account):
    """RP-Initiated Logout §2: the OP should accept an ID token whose exp has passed."""
    with time_machine.travel(timedelta(0)) as traveller:
        tokens = code_flow(browser, soffi)
        traveller.shift(timedelta(minutes=25))  # the ID token lived 10 minutes; the session is still alive
        response = end_session(
            browser, id_token_hint=tokens.id_token, post_logout_redirect_uri=soffi.post_logout_redirect_uri
        )
        assert response.headers["location"] == soffi.post_logout_redirect_uri
        assert not provider_session_alive(browser, soffi)


def test_hint_signed_with_a_rotated_key_is_still_accepted(idp_app, browser, soffi, account):
    tokens = code_flow(browser, soffi)
    assert idp_app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
    response = end_session(
        browser, id_token_hint=tokens.id_token, post_logout_redirect_uri=soffi.post_logout_redirect_uri
    )
    assert response.headers["location"] == soffi.post_logout_redirect_uri


def test_logout_when_the_provider_session_is_already_over(browser, new_browser, soffi, account):
    tokens = code_flow(browser, soffi)
    browser.log_out()
    response = end_session(
        new_browser(), id_token_hint=tokens.id_token, post_logout_redirect_uri=soffi.post_logout_redirect_uri
    )
    assert response.headers["location"] == soffi.post_logout_redirect_uri


def test_logout_without_anything_shows_the_logged_out_page(browser, soffi, account):
    response = end_session(browser)
    assert response.status_code == 200
    text = BeautifulSoup(response.text, "html.parser").get_text(" ", strip=True)
    assert "déconnecté" in text


def test_logout_after_a_forced_re_login_still_ends_the_earlier_tokens(browser, soffi, bpf, account):
    """prompt=login starts a new provider session: what services got before must follow it."""
    earlier = code_flow(browser, bpf)
    auth = soffi.new_request(prompt="login")
    later_code = callback_params(soffi, browser.until_client(browser.authorize(auth)))["code"]
    later = soffi.redeem(later_code, auth.verifier).json()
    end_session(browser, id_token_hint=later["id_token"], post_logout_redirect_uri=soffi.post_logout_redirect_uri)
    assert bpf.userinfo(earlier.access_token).status_code == 401
    assert bpf.refresh(earlier.refresh_token).json()["error"] == "invalid_grant"
