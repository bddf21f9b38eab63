"""Userinfo: the access token in a Bearer header (or a form body), never in the query string; RFC 6750 errors."""

from datetime import timedelta

import pytest
import time_machine

from tests.oidc.rp import EMAIL, bearer, callback_params, code_flow


@pytest.fixture
def tokens(browser, soffi, account):
    return code_flow(browser, soffi)


def userinfo_url(rp):
    return rp.provider.metadata["userinfo_endpoint"]


def assert_invalid_token(response):
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="invalid_token"' in challenge
    assert response.headers["cache-control"] == "no-store"


def test_get_with_a_bearer_header(soffi, tokens):
    response = soffi.provider.back_channel.get(userinfo_url(soffi), headers=bearer(tokens.access_token))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    info = response.json()
    assert info["sub"] == tokens.claims["sub"]
    assert info["email"] == EMAIL


def test_post_with_a_bearer_header(soffi, tokens):
    response = soffi.provider.back_channel.post(userinfo_url(soffi), headers=bearer(tokens.access_token))
    assert response.status_code == 200
    assert response.json()["sub"] == tokens.claims["sub"]


def test_post_with_the_token_in_the_form_body(soffi, tokens):
    response = soffi.provider.back_channel.post(userinfo_url(soffi), data={"access_token": tokens.access_token})
    assert response.status_code == 200
    assert response.json()["sub"] == tokens.claims["sub"]


def test_bearer_scheme_is_case_insensitive(soffi, tokens):
    response = soffi.provider.back_channel.get(
        userinfo_url(soffi), headers={"Authorization": f"bearer {tokens.access_token}"}
    )
    assert response.status_code == 200


def test_token_in_the_query_string_is_refused(soffi, tokens):
    for method in ("GET", "POST"):
        response = soffi.provider.back_channel.request(
            method, userinfo_url(soffi), params={"access_token": tokens.access_token}
        )
        assert response.status_code == 400
        assert 'error="invalid_request"' in response.headers["www-authenticate"]
        assert response.json()["error"] == "invalid_request"


def test_missing_token_gets_a_challenge_without_error(soffi, account):
    for method in ("GET", "POST"):
        response = soffi.provider.back_channel.request(method, userinfo_url(soffi))
        assert response.status_code == 401
        challenge = response.headers["www-authenticate"]
        assert challenge.startswith("Bearer ")
        assert "error=" not in challenge


@pytest.mark.parametrize("header", ["Bearer inconnu", "Bearer " + "x" * 5000, "Bearer é", "Bearer  a b"])
def test_invalid_tokens_are_refused(soffi, account, header):
    response = soffi.provider.back_channel.get(userinfo_url(soffi), headers={"Authorization": header.encode("latin-1")})
    assert_invalid_token(response)


@pytest.mark.parametrize("header", ["Bearer", "Basic YTpi", "Token abc", ""])
def test_other_authorization_schemes_count_as_no_token(soffi, account, header):
    response = soffi.provider.back_channel.get(userinfo_url(soffi), headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")


def test_access_token_lives_ten_minutes(browser, soffi, account):
    with time_machine.travel(timedelta(0)) as traveller:
        tokens = code_flow(browser, soffi)
        traveller.shift(timedelta(minutes=9, seconds=50))
        assert soffi.userinfo(tokens.access_token).status_code == 200
        traveller.shift(timedelta(seconds=20))
        assert_invalid_token(soffi.userinfo(tokens.access_token))


def test_revoked_token_is_refused(soffi, tokens):
    assert soffi.revoke(tokens.access_token).status_code == 200
    assert_invalid_token(soffi.userinfo(tokens.access_token))


def test_refresh_token_is_not_an_access_token(soffi, tokens):
    assert_invalid_token(soffi.userinfo(tokens.refresh_token))


def test_id_token_is_not_an_access_token(soffi, tokens):
    assert_invalid_token(soffi.userinfo(tokens.id_token))


def test_claims_follow_the_scopes(browser, soffi, account):
    only_openid = code_flow(browser, soffi, scope="openid")
    assert set(soffi.userinfo(only_openid.access_token).json()) == {"sub"}
    email = code_flow(browser, soffi, scope="openid email")
    assert set(soffi.userinfo(email.access_token).json()) == {"sub", "email", "email_verified"}
    profile = code_flow(browser, soffi, scope="openid profile phone")
    assert set(soffi.userinfo(profile.access_token).json()) == {
        "sub",
        "given_name",
        "family_name",
        "updated_at",
        "phone_number",
        "phone_number_verified",
    }


def test_token_without_openid_scope_is_refused_at_userinfo(browser, soffi, account):
    """A plain OAuth access token (no `openid` scope) does not open userinfo (RFC 6750: insufficient_scope)."""
    browser.log_in()
    auth = soffi.new_request(scope="email")
    code = callback_params(soffi, browser.authorize(auth))["code"]
    body = soffi.redeem(code, auth.verifier).json()
    assert "id_token" not in body
    response = soffi.userinfo(body["access_token"])
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


def test_disabled_client_tokens_stop_working(idp_app, soffi, tokens):
    result = idp_app.test_cli_runner().invoke(args=["clients", "disable", soffi.client_id])
    assert result.exit_code == 0, result.output
    assert_invalid_token(soffi.userinfo(tokens.access_token))
