"""Revocation (RFC 7009) and introspection (RFC 7662)."""

import dataclasses
from datetime import timedelta

import pytest
import time_machine

from tests.oidc.rp import code_flow


@pytest.fixture
def tokens(browser, soffi, account):
    return code_flow(browser, soffi)


# Revocation


@pytest.mark.parametrize("hint", [None, "access_token", "refresh_token"])
def test_revoking_the_access_token_ends_the_grant(soffi, tokens, hint):
    response = soffi.revoke(tokens.access_token, hint)
    assert response.status_code == 200
    assert soffi.userinfo(tokens.access_token).status_code == 401
    assert soffi.refresh(tokens.refresh_token).json()["error"] == "invalid_grant"


@pytest.mark.parametrize("hint", [None, "refresh_token", "access_token"])
def test_revoking_the_refresh_token_ends_the_grant(soffi, tokens, hint):
    response = soffi.revoke(tokens.refresh_token, hint)
    assert response.status_code == 200
    assert soffi.refresh(tokens.refresh_token).json()["error"] == "invalid_grant"
    assert soffi.userinfo(tokens.access_token).status_code == 401


@pytest.mark.parametrize("token", ["inconnu", "x" * 5000])
def test_revoking_an_unknown_token_answers_200(soffi, account, token):
    assert soffi.revoke(token).status_code == 200


def test_revoking_twice_answers_200(soffi, tokens):
    assert soffi.revoke(tokens.access_token).status_code == 200
    assert soffi.revoke(tokens.access_token).status_code == 200


def test_another_client_cannot_revoke_someone_elses_token(soffi, post_rp, tokens):
    response = post_rp.revoke(tokens.access_token)
    assert response.status_code in (200, 400)
    assert soffi.userinfo(tokens.access_token).status_code == 200


def test_revocation_needs_client_authentication(soffi, tokens):
    response = dataclasses.replace(soffi, client_secret="mauvais").revoke(tokens.access_token)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"]
    assert soffi.userinfo(tokens.access_token).status_code == 200


def test_public_client_revokes_with_its_client_id(browser, public_rp, account):
    tokens = code_flow(browser, public_rp)
    assert public_rp.revoke(tokens.refresh_token).status_code == 200
    assert public_rp.userinfo(tokens.access_token).status_code == 401


def test_revocation_without_token_is_invalid_request(soffi, account):
    response = soffi.post("revocation_endpoint", {})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


# Introspection


def test_owner_introspects_an_active_token(soffi, tokens):
    response = soffi.introspect(tokens.access_token)
    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True
    assert body["client_id"] == soffi.client_id
    assert body["sub"] == tokens.claims["sub"]
    assert body["iss"] == soffi.provider.url
    assert set(body["scope"].split()) == set(tokens.response["scope"].split())
    assert body["exp"] > body["iat"]


def test_revoked_and_unknown_tokens_are_inactive(soffi, tokens):
    assert soffi.introspect("inconnu").json() == {"active": False}
    soffi.revoke(tokens.access_token)
    assert soffi.introspect(tokens.access_token).json() == {"active": False}


def test_rotated_access_token_is_inactive_after_a_replay(soffi, tokens):
    soffi.refresh(tokens.refresh_token)
    soffi.refresh(tokens.refresh_token)  # replay: the family is revoked
    assert soffi.introspect(tokens.access_token).json() == {"active": False}


def test_another_client_learns_nothing(soffi, post_rp, jwt_rp, tokens):
    for other in (post_rp, jwt_rp):
        response = other.introspect(tokens.access_token)
        assert response.status_code in (200, 401, 403)
        if response.status_code == 200:
            assert response.json() == {"active": False}


def test_public_clients_cannot_introspect(browser, public_rp, account):
    tokens = code_flow(browser, public_rp)
    response = public_rp.introspect(tokens.access_token)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_introspection_needs_client_authentication(soffi, tokens):
    response = dataclasses.replace(soffi, client_secret="mauvais").introspect(tokens.access_token)
    assert response.status_code == 401
    assert response.headers["www-authenticate"]


def test_refresh_token_is_introspected_on_its_own_state(soffi, tokens):
    body = soffi.introspect(tokens.refresh_token).json()
    assert body["active"] is True
    assert body["client_id"] == soffi.client_id
    assert "token_type" not in body  # not a Bearer access token
    soffi.refresh(tokens.refresh_token)
    # Used once: the old refresh token is spent, though the access token of its pair still runs out its time.
    assert soffi.introspect(tokens.refresh_token).json() == {"active": False}
    assert soffi.introspect(tokens.access_token).json()["active"] is True


def test_refresh_token_stays_active_after_its_access_token_expired(browser, soffi, account):
    with time_machine.travel(timedelta(0)) as traveller:
        tokens = code_flow(browser, soffi)
        traveller.shift(timedelta(minutes=11))
        assert soffi.introspect(tokens.access_token).json() == {"active": False}
        assert soffi.introspect(tokens.refresh_token).json()["active"] is True


def test_unknown_token_type_hint_is_unsupported(soffi, tokens):
    for endpoint in ("revocation_endpoint", "introspection_endpoint"):
        response = soffi.post(endpoint, {"token": tokens.access_token, "token_type_hint": "id_token"})
        assert response.status_code == 400
        assert response.json()["error"] == "unsupported_token_type"
    assert soffi.userinfo(tokens.access_token).status_code == 200
