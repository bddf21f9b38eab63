"""Back-Channel Logout 1.0, as any client sees the provider over HTTP: discovery says it is supported, ID tokens carry
the login session's `sid` (the same after a refresh and after logging in again, another one in another browser),
`clients create` registers the URI; and the logout token the worker would send (§2.4), decoded as a client would."""

import json

import jwt
import pytest
from sqlalchemy import select

from idp.extensions import db
from idp.models import OAuthClient
from idp.services import backchannel_logout
from shared.oidc_client.backchannel import LOGOUT_EVENT
from shared.oidc_client.claims import RIGHTS_CHANGED_EVENT
from tests.oidc.rp import code_flow
from tests.oidc.test_clients import CALLBACK, cli, created  # noqa: F401  (fixture)


def test_discovery_advertises_back_channel_logout_with_sessions(provider):
    metadata = provider.metadata
    assert metadata["backchannel_logout_supported"] is True
    assert metadata["backchannel_logout_session_supported"] is True
    assert "sid" in metadata["claims_supported"]


def test_the_id_token_names_the_login_session_by_a_stable_public_sid(browser, new_browser, soffi, bpf, account):
    first = code_flow(browser, soffi)
    sid = first.claims["sid"]
    assert len(sid) >= 20 and sid not in str(browser.http.cookies.jar)  # random, and not the session's cookie
    assert code_flow(browser, bpf).claims["sid"] == sid  # the same login, seen by another service
    refreshed = soffi.refresh(first.refresh_token).json()
    assert jwt.decode(refreshed["id_token"], options={"verify_signature": False})["sid"] == sid
    # Logging in again in the same browser (prompt=login) keeps it; another browser is another session.
    assert code_flow(browser, soffi, prompt="login").claims["sid"] == sid
    assert code_flow(new_browser(), soffi).claims["sid"] != sid


def test_the_logout_token_is_what_section_2_4_asks(provider, soffi, account):
    token = backchannel_logout.logout_token(db.session, provider.url, soffi.client_id, account.subject, "the-sid")
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "logout+jwt" and header["alg"] == "RS256"
    assert header["kid"] in {key["kid"] for key in provider.jwks()["keys"]}
    [key] = [key for key in provider.jwks()["keys"] if key["kid"] == header["kid"]]
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=soffi.client_id, issuer=provider.url)
    assert claims["iss"] == provider.url and claims["aud"] == soffi.client_id
    assert claims["sub"] == account.subject and claims["sid"] == "the-sid"
    assert claims["events"] == {"http://schemas.openid.net/event/backchannel-logout": {}}
    assert 0 < claims["exp"] - claims["iat"] <= 120 and claims["jti"]
    assert "nonce" not in claims
    again = jwt.decode(
        backchannel_logout.logout_token(db.session, provider.url, soffi.client_id, account.subject, None),
        options={"verify_signature": False},
    )
    assert again["jti"] != claims["jti"] and "sid" not in again


def test_the_logout_token_carries_the_persons_rights_now_when_they_changed(provider, soffi, account):
    rights = {"habilitations": [{"service": "soffi", "role": "consultation"}]}
    token = backchannel_logout.logout_token(db.session, provider.url, soffi.client_id, account.subject, None, rights)
    assert jwt.decode(token, options={"verify_signature": False})["events"] == {
        LOGOUT_EVENT: {},
        RIGHTS_CHANGED_EVENT: rights,
    }


def test_create_registers_the_back_channel_logout_uri(cli, provider):  # noqa: F811
    uri = "https://nouvelle-appli.exemple.test/backchannel-logout"
    printed = created(cli, "--service", "nouvelle", "--backchannel-logout-uri", uri)
    client = db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == printed["client_id"]))
    assert client is not None and client.backchannel_logout_uri == uri
    listed = json.loads(cli("clients", "list", "--json").output)
    assert listed[0]["backchannel_logout_uri"] == uri
    assert created(cli, "--service", "autre")  # optional


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("http://nouvelle-appli.exemple.test/backchannel-logout", "https obligatoire"),
        ("https://nouvelle-appli.exemple.test/backchannel-logout#x", "fragment"),
        ("pas-une-url", "https obligatoire"),
    ],
)
def test_create_refuses_an_unsafe_back_channel_logout_uri(cli, provider, uri, message):  # noqa: F811
    result = cli("clients", "create", "--name", "X", "--service", "x", "--redirect-uri", CALLBACK,
                 "--backchannel-logout-uri", uri, "--json")  # fmt: skip
    assert result.exit_code == 1 and message in result.output and "de déconnexion" in result.output
    assert db.session.scalar(select(OAuthClient)) is None
