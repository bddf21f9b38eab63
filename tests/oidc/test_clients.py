"""`flask --app idp clients …`: registering, listing, rotating the secret and disabling relying parties."""

import dataclasses
import json
import re

import pytest

from tests.oidc.rp import RelyingParty, code_flow, new_private_key, public_jwks

CALLBACK = "https://nouvelle-appli.exemple.test/callback"


@pytest.fixture
def cli(idp_app):
    runner = idp_app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=list(args))
        return result

    return run


def created(cli, *args):
    result = cli("clients", "create", "--name", "Nouvelle appli", "--redirect-uri", CALLBACK, *args, "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    # Usable as a command argument: an id starting with "-" would be read as an option.
    assert re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z_-]*", printed["client_id"])
    return printed


def test_create_prints_the_client_id_and_secret_as_json_and_the_secret_works(cli, provider, browser, account):
    printed = created(
        cli, "--service", "nouvelle", "--post-logout-redirect-uri", "https://nouvelle-appli.exemple.test/"
    )
    assert set(printed) == {"client_id", "client_secret"}
    rp = RelyingParty(provider, printed["client_id"], CALLBACK, client_secret=printed["client_secret"])
    tokens = code_flow(browser, rp)
    assert tokens.claims["aud"] == printed["client_id"]
    assert tokens.claims["habilitations"] == []  # a new service, with no roles yet


def test_create_client_secret_post(cli, provider, browser, account):
    printed = created(cli, "--service", "soffi", "--auth-method", "client_secret_post")
    rp = RelyingParty(provider, printed["client_id"], CALLBACK, "client_secret_post", printed["client_secret"])
    code_flow(browser, rp)


def test_create_public_client_has_no_secret(cli, provider, browser, account):
    printed = created(cli, "--service", "soffi", "--public")
    assert printed["client_secret"] is None
    code_flow(browser, RelyingParty(provider, printed["client_id"], CALLBACK, "none"))


def test_create_private_key_jwt_client_from_a_jwks_file(cli, provider, browser, account, tmp_path):
    key = new_private_key()
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(public_jwks(key)))
    printed = created(cli, "--service", "soffi", "--auth-method", "private_key_jwt", "--jwks", str(jwks))
    assert printed["client_secret"] is None
    code_flow(browser, RelyingParty(provider, printed["client_id"], CALLBACK, "private_key_jwt", private_key=key))


@pytest.mark.parametrize(
    "uri", ["http://nouvelle-appli.exemple.test/callback", "https://nouvelle-appli.exemple.test/cb#x", "pas-une-url"]
)
def test_create_refuses_unsafe_redirect_uris(cli, provider, uri):
    result = cli("clients", "create", "--name", "X", "--service", "x", "--redirect-uri", uri, "--json")
    assert result.exit_code != 0
    assert "Erreur" in result.output


def test_list_shows_the_clients(cli, provider, soffi):
    result = cli("clients", "list", "--json")
    assert result.exit_code == 0
    (row,) = json.loads(result.output)
    assert row["client_id"] == soffi.client_id and row["service"] == "soffi" and row["disabled"] is False


def test_rotate_secret_invalidates_the_old_one(cli, browser, soffi, account):
    tokens = code_flow(browser, soffi)
    result = cli("clients", "rotate-secret", soffi.client_id, "--json")
    assert result.exit_code == 0, result.output
    new_secret = json.loads(result.output)["client_secret"]
    assert new_secret != soffi.client_secret
    old = soffi.refresh(tokens.refresh_token)
    assert old.status_code == 401 and old.json()["error"] == "invalid_client"
    rotated = dataclasses.replace(soffi, client_secret=new_secret)
    assert rotated.refresh(tokens.refresh_token).status_code == 200
    code_flow(browser, rotated)


def test_disable_refuses_the_client_and_revokes_its_tokens(cli, browser, soffi, bpf, account):
    tokens = code_flow(browser, soffi)
    other = code_flow(browser, bpf)
    result = cli("clients", "disable", soffi.client_id)
    assert result.exit_code == 0, result.output

    assert soffi.userinfo(tokens.access_token).status_code == 401
    refused = soffi.refresh(tokens.refresh_token)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    page = browser.authorize(soffi.new_request())
    assert page.status_code == 400 and "location" not in page.headers
    assert soffi.introspect(tokens.access_token).status_code == 401
    # Other services are not affected.
    assert bpf.userinfo(other.access_token).status_code == 200
    assert "disabled" in cli("clients", "list", "--json").output
    assert json.loads(cli("clients", "list", "--json").output)[0]["disabled"] is True


def test_commands_on_an_unknown_client_fail_cleanly(cli, provider):
    for command in ("rotate-secret", "disable"):
        result = cli("clients", command, "inconnu")
        assert result.exit_code == 1
        assert "aucun client" in result.output
