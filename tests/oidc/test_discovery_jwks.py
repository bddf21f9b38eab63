"""Discovery advertises only what the provider accepts; the JWKS publishes the signing keys, rotated by a command."""

from datetime import timedelta

import jwt
import pytest
import time_machine

from tests.oidc.rp import callback_params, code_flow


def test_discovery_names_the_served_issuer_and_its_endpoints(provider):
    metadata = provider.metadata
    assert metadata["issuer"] == provider.url
    for endpoint in (
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "revocation_endpoint",
        "introspection_endpoint",
        "end_session_endpoint",
    ):
        assert metadata[endpoint].startswith(provider.url + "/"), endpoint


def test_discovery_advertises_the_code_flow_only(provider):
    metadata = provider.metadata
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["response_modes_supported"] == ["query"]
    assert sorted(metadata["grant_types_supported"]) == ["authorization_code", "refresh_token"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert metadata["subject_types_supported"] == ["public"]
    assert set(metadata["scopes_supported"]) == {"openid", "profile", "email", "phone", "habilitations"}
    assert "habilitations" in metadata["claims_supported"]
    assert metadata["claims_parameter_supported"] is True
    assert metadata["request_parameter_supported"] is False
    assert metadata["request_uri_parameter_supported"] is False
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    }
    assert "none" not in metadata["id_token_signing_alg_values_supported"]


@pytest.mark.parametrize("response_type", ["token", "id_token", "id_token token", "code id_token", "code token"])
def test_implicit_and_hybrid_response_types_are_refused(browser, soffi, account, response_type):
    browser.log_in()
    request = soffi.new_request(response_type=response_type)
    callback = callback_params(soffi, browser.authorize(request))
    assert callback["error"] == "unsupported_response_type"
    assert callback["state"] == request.state
    assert callback["iss"] == soffi.provider.url
    assert "code" not in callback and "access_token" not in callback and "id_token" not in callback


@pytest.mark.parametrize(
    "grant_type", ["password", "client_credentials", "implicit", "urn:ietf:params:oauth:grant-type:device_code"]
)
def test_other_grants_are_refused_at_the_token_endpoint(soffi, account, grant_type):
    response = soffi.token(grant_type=grant_type, username=account.email, password="Correct-Horse-Battery-42")
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert response.headers["cache-control"] == "no-store"


def test_jwks_publishes_public_rsa_keys_only(provider):
    keys = provider.jwks()["keys"]
    assert keys
    for key in keys:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["kid"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_id_tokens_are_rs256_with_a_published_kid(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    header = jwt.get_unverified_header(tokens.id_token)
    assert header["alg"] == "RS256"
    assert header["kid"] in {key["kid"] for key in soffi.provider.jwks()["keys"]}


def test_rotated_key_signs_new_tokens_while_the_old_one_stays_published(idp_app, new_browser, soffi, account):
    before = code_flow(new_browser(), soffi)
    old_kid = jwt.get_unverified_header(before.id_token)["kid"]

    result = idp_app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output

    after = code_flow(new_browser(), soffi)
    new_kid = jwt.get_unverified_header(after.id_token)["kid"]
    assert new_kid != old_kid
    assert {old_kid, new_kid} <= {key["kid"] for key in soffi.provider.jwks()["keys"]}
    # A relying party that received the old token before the rotation can still verify it.
    assert soffi.verify_id_token(before.id_token, before.request.nonce)["sub"] == after.claims["sub"]


def test_retired_key_leaves_the_jwks_two_days_after_the_rotation(idp_app, provider):
    with time_machine.travel(timedelta(0)) as traveller:
        (old,) = [key["kid"] for key in provider.jwks()["keys"]]
        assert idp_app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
        traveller.shift(timedelta(days=1, hours=23))
        assert old in {key["kid"] for key in provider.jwks()["keys"]}
        traveller.shift(timedelta(hours=2))
        assert old not in {key["kid"] for key in provider.jwks()["keys"]}
        assert len(provider.jwks()["keys"]) == 1
