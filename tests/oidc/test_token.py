"""The token endpoint: client authentication, codes single use, short-lived and bound, standard JSON errors."""

import base64
import dataclasses
from datetime import timedelta

import pytest
import time_machine

from idp.extensions import db
from idp.models import AccountStatus, OAuthClient
from tests.idp.factories import PASSWORD
from tests.oidc.rp import EMAIL, callback_params, code_flow, new_private_key


def code_for(browser, rp, **extra):
    """Log in if needed and get a code; returns (code, verifier)."""
    auth = rp.new_request(**extra)
    callback = callback_params(rp, browser.until_client(browser.authorize(auth)))
    return callback["code"], auth.verifier


def assert_oauth_error(response, status, error):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["error"] == error
    return response.json()


def assert_invalid_client(response):
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"]


# Client authentication


@pytest.mark.parametrize("client", ["soffi", "post_rp", "jwt_rp", "public_rp"])
def test_every_registered_authentication_method_gets_tokens(request, browser, account, client):
    rp = request.getfixturevalue(client)
    tokens = code_flow(browser, rp)
    assert tokens.claims["aud"] == rp.client_id
    assert tokens.response["expires_in"] <= 600
    assert tokens.refresh_token
    assert rp.userinfo(tokens.access_token).json()["email"] == EMAIL


@pytest.mark.parametrize("client", ["soffi", "post_rp"])
@pytest.mark.parametrize("secret", ["mauvais-secret", ""])
def test_wrong_secret_is_invalid_client_with_www_authenticate(request, browser, account, client, secret):
    rp = request.getfixturevalue(client)
    code, verifier = code_for(browser, rp)
    assert_invalid_client(dataclasses.replace(rp, client_secret=secret).redeem(code, verifier))


def test_unknown_client_is_invalid_client(browser, soffi, account):
    code, verifier = code_for(browser, soffi)
    for method in ("client_secret_basic", "client_secret_post"):
        stranger = dataclasses.replace(soffi, client_id="inconnu", auth_method=method)
        assert_invalid_client(stranger.redeem(code, verifier))


def test_client_must_use_the_method_it_registered(browser, soffi, post_rp, account):
    code, verifier = code_for(browser, soffi)
    assert_invalid_client(dataclasses.replace(soffi, auth_method="client_secret_post").redeem(code, verifier))
    assert_invalid_client(dataclasses.replace(soffi, auth_method="none").redeem(code, verifier))
    code, verifier = code_for(browser, post_rp)
    assert_invalid_client(dataclasses.replace(post_rp, auth_method="client_secret_basic").redeem(code, verifier))


def test_without_any_client_authentication_is_invalid_client(soffi, account):
    response = soffi.provider.back_channel.post(
        soffi.provider.metadata["token_endpoint"], data={"grant_type": "authorization_code", "code": "x"}
    )
    assert_invalid_client(response)


def test_malformed_basic_header_is_invalid_client(soffi, account):
    for header in ("Basic !!!", "Basic " + "YQ==", "Basic", "Bearer abc", "Basic " + "w6k6w6k="):
        response = soffi.provider.back_channel.post(
            soffi.provider.metadata["token_endpoint"],
            data={"grant_type": "authorization_code", "code": "x", "redirect_uri": soffi.redirect_uri},
            headers={"Authorization": header},
        )
        assert response.status_code in (400, 401), header
        assert response.json()["error"] in ("invalid_client", "invalid_request")


@pytest.mark.parametrize("endpoint", ["token_endpoint", "revocation_endpoint", "introspection_endpoint"])
def test_basic_credentials_that_are_not_utf8_are_invalid_client(soffi, account, endpoint):
    """Authlib decoded them and let the error out: a server error on the three authenticated endpoints."""
    header = "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode()
    response = soffi.provider.back_channel.post(
        soffi.provider.metadata[endpoint], data={"grant_type": "authorization_code", "code": "x", "token": "x"},
        headers={"Authorization": header},
    )  # fmt: skip
    assert_invalid_client(response)


def test_private_key_jwt_assertion_is_accepted_once(browser, jwt_rp, account):
    assertion = jwt_rp.client_assertion()
    code, verifier = code_for(browser, jwt_rp)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": jwt_rp.redirect_uri}
    assert jwt_rp.token(assertion=assertion, code_verifier=verifier, **data).status_code == 200
    code, verifier = code_for(browser, jwt_rp)
    data["code"] = code
    assert_invalid_client(jwt_rp.token(assertion=assertion, code_verifier=verifier, **data))


def test_private_key_jwt_assertion_must_be_signed_by_the_registered_key(browser, jwt_rp, account):
    impostor = dataclasses.replace(jwt_rp, private_key=new_private_key())
    code, verifier = code_for(browser, jwt_rp)
    assert_invalid_client(impostor.redeem(code, verifier))


@pytest.mark.parametrize("audience", ["https://autre.exemple.test/token", ""])
def test_private_key_jwt_assertion_for_another_audience_is_refused(browser, jwt_rp, account, audience):
    code, verifier = code_for(browser, jwt_rp)
    assertion = jwt_rp.client_assertion(audience=audience or "x")
    assert_invalid_client(
        jwt_rp.token(
            assertion=assertion,
            grant_type="authorization_code",
            code=code,
            redirect_uri=jwt_rp.redirect_uri,
            code_verifier=verifier,
        )
    )


@pytest.mark.parametrize("assertion", ["pas-un-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
def test_garbage_client_assertion_is_invalid_client(browser, jwt_rp, account, assertion):
    code, verifier = code_for(browser, jwt_rp)
    response = jwt_rp.token(
        assertion=assertion,
        grant_type="authorization_code",
        code=code,
        redirect_uri=jwt_rp.redirect_uri,
        code_verifier=verifier,
    )
    assert_invalid_client(response)


def test_public_client_cannot_pretend_to_be_confidential(browser, public_rp, soffi, account):
    """A confidential client's code redeemed without its secret (as a public client would) is refused."""
    code, verifier = code_for(browser, soffi)
    assert_invalid_client(dataclasses.replace(soffi, auth_method="none").redeem(code, verifier))


# Codes


def test_code_is_single_use_and_a_replay_revokes_its_tokens(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    assert soffi.userinfo(tokens.access_token).status_code == 200
    replay = soffi.redeem(tokens.callback["code"], tokens.request.verifier)
    assert_oauth_error(replay, 400, "invalid_grant")
    assert soffi.userinfo(tokens.access_token).status_code == 401
    assert_oauth_error(soffi.refresh(tokens.refresh_token), 400, "invalid_grant")


def test_code_lives_sixty_seconds(browser, soffi, account):
    with time_machine.travel(timedelta(0)) as traveller:
        late, late_verifier = code_for(browser, soffi)
        in_time, verifier = code_for(browser, soffi)
        traveller.shift(timedelta(seconds=58))
        assert soffi.redeem(in_time, verifier).status_code == 200
        traveller.shift(timedelta(seconds=3))  # 61 s after issue
        assert_oauth_error(soffi.redeem(late, late_verifier), 400, "invalid_grant")


def test_code_of_another_client_is_refused(browser, soffi, bpf, account):
    code, verifier = code_for(browser, soffi)
    assert_oauth_error(bpf.redeem(code, verifier, redirect_uri=soffi.redirect_uri), 400, "invalid_grant")
    assert_oauth_error(bpf.redeem(code, verifier), 400, "invalid_grant")


def test_code_is_bound_to_its_redirect_uri(browser, register, account):
    rp = register(redirect_uri="https://soffi.exemple.test/a")
    second = "https://soffi.exemple.test/b"
    client = db.session.query(OAuthClient).filter_by(client_id=rp.client_id).one()
    client.redirect_uris = [rp.redirect_uri, second]
    db.session.commit()
    code, verifier = code_for(browser, rp)
    assert_oauth_error(rp.redeem(code, verifier, redirect_uri=second), 400, "invalid_grant")


@pytest.mark.parametrize("code", ["inconnu", "", "x" * 5000])
def test_unknown_code_is_invalid_grant(soffi, account, code):
    response = soffi.token(
        grant_type="authorization_code", code=code, redirect_uri=soffi.redirect_uri, code_verifier="v" * 43
    )
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_grant", "invalid_request")


def test_code_of_a_disabled_account_gives_no_tokens(browser, soffi, account):
    code, verifier = code_for(browser, soffi)
    account.status = AccountStatus.DISABLED
    db.session.commit()
    assert_oauth_error(soffi.redeem(code, verifier), 400, "invalid_grant")


# The endpoint itself


def test_errors_are_json_per_rfc_6749(soffi, account):
    missing_grant = assert_oauth_error(soffi.token(code="x"), 400, "unsupported_grant_type")
    assert set(missing_grant) <= {"error", "error_description", "error_uri"}
    assert_oauth_error(soffi.token(grant_type="authorization_code"), 400, "invalid_request")


def test_token_endpoint_takes_post_only(soffi, account):
    response = soffi.provider.back_channel.get(soffi.provider.metadata["token_endpoint"])
    assert response.status_code == 405


def test_successful_token_response_is_not_cached(browser, soffi, account):
    tokens = code_flow(browser, soffi)  # code_flow checks Cache-Control: no-store
    assert set(tokens.response) >= {"access_token", "token_type", "expires_in", "refresh_token", "id_token", "scope"}
    assert soffi.userinfo(tokens.access_token).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"grant_type": "authorization_code", "code": "x", "redirect_uri": "x" * 5000, "code_verifier": "v" * 43},
        {"grant_type": "authorization_code", "code": "x", "code_verifier": "é" * 50},
        {"grant_type": "authorization_code", "code": "x", "code_verifier": "v" * 500},
        {"grant_type": "refresh_token", "refresh_token": "x", "scope": "openid " * 500},
        {"grant_type": "authorization_code", "code": ["a", "b"]},
        {"grant_type": ["authorization_code", "refresh_token"]},
        {"grant_type": ""},
    ],
)
def test_odd_token_requests_get_oauth_errors_never_a_server_error(soffi, account, data):
    response = soffi.token(**data)
    assert response.status_code == 400, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["error"] in ("invalid_request", "invalid_grant", "unsupported_grant_type")


def test_json_body_is_not_a_token_request(soffi, account):
    response = soffi.provider.back_channel.post(
        soffi.provider.metadata["token_endpoint"],
        json={"grant_type": "authorization_code", "code": "x"},
        auth=(soffi.client_id, soffi.client_secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "unsupported_grant_type")


def test_every_advertised_assertion_algorithm_is_accepted(browser, register, provider, account):
    algorithms = provider.metadata["token_endpoint_auth_signing_alg_values_supported"]
    assert "none" not in algorithms and not any(alg.startswith("HS") for alg in algorithms)
    for alg in algorithms:
        callback = f"https://{alg.lower()}.exemple.test/callback"
        rp = register(f"Appli {alg}", "agora", callback, None, auth_method="private_key_jwt", key_alg=alg)
        code_flow(browser, rp)


def test_code_issued_before_a_logout_gives_no_tokens(browser, soffi, account):
    """Tokens from a code redeemed after the logout would escape the logout's revocation."""
    code, verifier = code_for(browser, soffi)
    browser.log_out()
    assert_oauth_error(soffi.redeem(code, verifier), 400, "invalid_grant")


def test_code_issued_before_a_password_reset_elsewhere_gives_no_tokens(browser, new_browser, soffi, account):
    code, verifier = code_for(browser, soffi)
    other = new_browser()
    other.log_in()
    page = other.get("/mon-compte")
    new = "Autre-Cheval-Batterie-97"
    changed = other.submit(page, "/mon-compte/mot-de-passe", current=PASSWORD, password=new, confirm=new)
    assert changed.status_code == 302
    assert_oauth_error(soffi.redeem(code, verifier), 400, "invalid_grant")
