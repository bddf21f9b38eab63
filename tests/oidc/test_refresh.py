"""Refresh tokens: rotated at every use, a replay revokes the family, bound to client and scope, and ended by
their absolute lifetime, a password change and the logout of the session they come from."""

import dataclasses
from datetime import timedelta

import time_machine

from idp.extensions import db
from idp.models import AccountStatus
from tests.idp.factories import PASSWORD
from tests.oidc.rp import code_flow

NEW_PASSWORD = "Autre-Cheval-Batterie-97"


def refreshed(rp, refresh_token):
    response = rp.refresh(refresh_token)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


def refused(rp, refresh_token):
    response = rp.refresh(refresh_token)
    assert response.status_code == 400, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["error"] == "invalid_grant"


def test_refresh_rotates_the_refresh_token(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    seen = {tokens.refresh_token}
    current = tokens.refresh_token
    for _ in range(3):
        body = refreshed(soffi, current)
        assert body["refresh_token"] not in seen
        assert soffi.userinfo(body["access_token"]).status_code == 200
        seen.add(body["refresh_token"])
        current = body["refresh_token"]


def test_refreshed_id_token_keeps_the_original_login(browser, soffi, account):
    with time_machine.travel(timedelta(0)) as traveller:
        tokens = code_flow(browser, soffi)
        traveller.shift(timedelta(minutes=20))
        body = refreshed(soffi, tokens.refresh_token)
        claims = soffi.verify_id_token(body["id_token"], tokens.request.nonce, refreshed=True)
    assert claims["sub"] == tokens.claims["sub"]
    assert claims["auth_time"] == tokens.claims["auth_time"]
    assert claims["iat"] >= tokens.claims["iat"] + 20 * 60


def test_replayed_refresh_token_revokes_the_whole_family(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    newer = refreshed(soffi, tokens.refresh_token)
    newest = refreshed(soffi, newer["refresh_token"])
    assert soffi.userinfo(newest["access_token"]).status_code == 200

    refused(soffi, tokens.refresh_token)  # the first one, stolen and replayed

    assert soffi.userinfo(newest["access_token"]).status_code == 401
    refused(soffi, newest["refresh_token"])


def test_replay_does_not_touch_other_families(browser, new_browser, soffi, account):
    mine = code_flow(browser, soffi)
    other = code_flow(new_browser(), soffi)
    refreshed(soffi, mine.refresh_token)
    refused(soffi, mine.refresh_token)
    assert soffi.userinfo(other.access_token).status_code == 200
    refreshed(soffi, other.refresh_token)


def test_refresh_token_is_bound_to_its_client(browser, soffi, bpf, account):
    tokens = code_flow(browser, soffi)
    refused(bpf, tokens.refresh_token)
    refreshed(soffi, tokens.refresh_token)


def test_refresh_needs_the_clients_authentication(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    response = dataclasses.replace(soffi, client_secret="mauvais").refresh(tokens.refresh_token)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    refreshed(soffi, tokens.refresh_token)


def test_refresh_is_bound_to_the_granted_scope(browser, soffi, account):
    tokens = code_flow(browser, soffi, scope="openid email")
    wider = soffi.token(grant_type="refresh_token", refresh_token=tokens.refresh_token, scope="openid email phone")
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"
    narrower = soffi.token(grant_type="refresh_token", refresh_token=tokens.refresh_token, scope="openid")
    assert narrower.status_code == 200
    assert narrower.json()["scope"] == "openid"
    assert "email" not in soffi.userinfo(narrower.json()["access_token"]).json()


def test_public_client_refreshes_with_its_client_id(browser, public_rp, account):
    tokens = code_flow(browser, public_rp)
    body = refreshed(public_rp, tokens.refresh_token)
    refused(public_rp, tokens.refresh_token)
    refused(public_rp, body["refresh_token"])


def test_refresh_ends_with_the_absolute_lifetime(browser, soffi, account):
    with time_machine.travel(timedelta(0)) as traveller:
        tokens = code_flow(browser, soffi)
        traveller.shift(timedelta(hours=11, minutes=59))
        current = refreshed(soffi, tokens.refresh_token)["refresh_token"]
        traveller.shift(timedelta(minutes=2))  # 12 h 01 after the login, 2 min after the last refresh
        refused(soffi, current)


def test_garbage_refresh_tokens_are_invalid_grant(soffi, account):
    for value in ("inconnu", "x" * 5000, "é"):
        refused(soffi, value)
    response = soffi.token(grant_type="refresh_token")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_password_change_ends_refresh_and_access_tokens(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    page = browser.get("/mon-compte")
    changed = browser.submit(
        page, "/mon-compte/mot-de-passe", current=PASSWORD, password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )
    assert changed.status_code == 302, changed.text
    refused(soffi, tokens.refresh_token)
    assert soffi.userinfo(tokens.access_token).status_code == 401
    # The person is still logged in at the provider (they changed it themselves): new tokens work.
    again = code_flow(browser, soffi, prompt="none")
    refreshed(soffi, again.refresh_token)


def test_logout_of_the_provider_session_ends_its_tokens(browser, new_browser, soffi, account):
    tokens = code_flow(browser, soffi)
    elsewhere = code_flow(new_browser(), soffi)  # the same person in another browser
    newer = refreshed(soffi, tokens.refresh_token)

    assert browser.log_out().status_code == 302

    refused(soffi, newer["refresh_token"])
    assert soffi.userinfo(newer["access_token"]).status_code == 401
    # Only the session that ended: the other browser's tokens still work.
    refreshed(soffi, elsewhere.refresh_token)


def test_disabled_account_can_no_longer_refresh(browser, soffi, account):
    tokens = code_flow(browser, soffi)
    account.status = AccountStatus.DISABLED
    db.session.commit()
    refused(soffi, tokens.refresh_token)
    assert soffi.userinfo(tokens.access_token).status_code == 401
