"""Single sign-on between the IdP and SOFFi, both served over real HTTP on loopback, driven without a
browser: an httpx client with one cookie jar follows the redirects and fills the real forms."""

import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from flask import Flask
from sqlalchemy import select

import rp_soffi
from idp.models import Account
from shared.oidc_client import messages
from shared.oidc_client.access import MAX_NEXT_LENGTH
from tests.idp.factories import PASSWORD, SIRET
from tests.integration.conftest import OPCO_SIRET
from tests.integration.sso import page_text, serve_relying_party, submit_form


def sign_in(http: httpx.Client, soffi_url: str, email: str, path: str = "/connexion") -> httpx.Response:
    """From SOFFi to the IdP's login form, and back: returns the last page reached."""
    login_page = http.get(soffi_url + path)
    assert login_page.url.path == "/oidc/authorize" and "Connectez-vous" in login_page.text
    return submit_form(http, login_page, "/connexion", {"email": email, "password": PASSWORD})


def rp_session(app: Flask, http: httpx.Client) -> dict:
    """What the relying party keeps in its (signed, not encrypted) session cookie."""
    cookie = http.cookies.get(app.config["SESSION_COOKIE_NAME"])
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie))


def test_sign_in_through_the_idp_then_log_out_everywhere(
    http: httpx.Client, idp_url: str, soffi: tuple[Flask, str], account: Account
) -> None:
    app, soffi_url = soffi
    home = http.get(soffi_url + "/")
    assert "Se connecter avec Mes démarches" in home.text

    login_page = http.get(soffi_url + "/connexion")
    authorize = urlsplit(str(login_page.url))  # the IdP shows its login form at the authorization endpoint
    request = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}" == idp_url and authorize.path == "/oidc/authorize"
    assert request["scope"] == ["openid profile email habilitations"]
    assert request["code_challenge_method"] == ["S256"] and request["code_challenge"][0]
    assert request["state"][0] and request["nonce"][0]
    assert request["redirect_uri"] == [f"{soffi_url}/callback"]

    home = submit_form(http, login_page, "/connexion", {"email": account.email, "password": PASSWORD})
    # The login answers SOFFi at once: from the form to the callback, no other stop at the IdP.
    assert [urlsplit(str(hop.url)).path for hop in home.history] == ["/connexion", "/callback"]
    assert home.status_code == 200 and str(home.url) == f"{soffi_url}/"
    text = page_text(home)
    assert "Bonjour Claire TESTEUSE" in text and account.email in text
    assert "Consultation" in text and SIRET in text and SIRET[:9] in text
    assert "Organisme Collecteur" in text and OPCO_SIRET in text and "par Jules EXEMPLE" in text
    assert "Déclarant" not in text  # a BPF habilitation: not SOFFi's business
    # Browsers do not separate cookies by port: each app has its own cookie name.
    assert {"idp_session", "soffi_session"} <= {cookie.name for cookie in http.cookies.jar}

    # The IdP sent SOFFi's habilitations only: the ID token kept for logout says so.
    kept = rp_session(app, http)
    id_token = jwt.decode(kept["rp_id_token"], options={"verify_signature": False})
    assert {h["service"] for h in id_token["habilitations"]} == {"soffi"}
    assert len(id_token["habilitations"]) == 2

    logged_out = submit_form(http, home, "/deconnexion", {})
    hops = [urlsplit(str(hop.url)) for hop in logged_out.history]
    assert hops[1].path == "/oidc/logout" and "id_token_hint" in parse_qs(hops[1].query)
    assert str(logged_out.url) == f"{soffi_url}/"
    assert messages.LOGGED_OUT.format(service="SOFFi") in page_text(logged_out)
    assert "Se connecter avec Mes démarches" in logged_out.text
    # The IdP session ended too: its home page sends to the login form.
    idp_home = http.get(idp_url + "/", follow_redirects=False)
    assert idp_home.status_code == 302 and urlsplit(idp_home.headers["Location"]).path == "/connexion"


def test_habilitations_are_read_again_at_every_login(
    http: httpx.Client, soffi: tuple[Flask, str], account: Account
) -> None:
    from idp.extensions import db
    from tests.integration.sso import grant

    app, soffi_url = soffi
    assert "Gestionnaire" not in page_text(sign_in(http, soffi_url, account.email))
    assert soffi_recipients(app) == [(OPCO_SIRET[:9], account.email)]  # consultation: never e-mailed
    grant(account, "soffi", "gestionnaire", "Gestionnaire", SIRET)
    db.session.commit()
    again = http.get(soffi_url + "/connexion")  # single sign-on: no password asked
    assert str(again.url) == f"{soffi_url}/" and "Gestionnaire" in page_text(again)
    assert soffi_recipients(app) == sorted([(OPCO_SIRET[:9], account.email), (SIRET[:9], account.email)])


def soffi_recipients(app: Flask) -> list[tuple[str, str]]:
    """Whom SOFFi would e-mail about each body's statement: what the callback recorded at the login."""
    from rp_soffi.extensions import db as soffi_db
    from rp_soffi.models import BodyUser

    with app.app_context():
        rows = soffi_db.session.execute(select(BodyUser.siren, BodyUser.email).order_by(BodyUser.siren)).all()
        soffi_db.session.remove()
    return [tuple(row) for row in rows]


def test_login_required_sends_to_the_idp_and_back_to_the_page(
    http: httpx.Client, soffi: tuple[Flask, str], account: Account
) -> None:
    _, soffi_url = soffi
    first = http.get(soffi_url + "/gestion", follow_redirects=False)
    assert first.status_code == 302 and first.headers["Location"] == "/connexion?next=%2Fgestion"
    refused = sign_in(http, soffi_url, account.email, path="/gestion")
    assert str(refused.url) == f"{soffi_url}/gestion"
    assert refused.status_code == 403


def test_require_role_refuses_with_a_french_explanation(
    http: httpx.Client, idp_url: str, soffi: tuple[Flask, str], account: Account
) -> None:
    _, soffi_url = soffi
    sign_in(http, soffi_url, account.email)
    refused = http.get(soffi_url + "/gestion")
    assert refused.status_code == 403
    text = page_text(refused)
    assert "Cette page est réservée aux utilisateurs ayant le rôle « Gestionnaire » pour SOFFi." in text
    assert "demandez l'accès à un gestionnaire de votre entreprise" in text
    assert f'href="{idp_url}/"' in refused.text
    assert "<title>Accès réservé - SOFFi</title>" in refused.text


def test_require_role_lets_the_role_holder_in(http: httpx.Client, soffi: tuple[Flask, str], account: Account) -> None:
    from tests.integration.sso import grant

    _, soffi_url = soffi
    grant(account, "soffi", "gestionnaire", "Gestionnaire", SIRET)
    sign_in(http, soffi_url, account.email)
    assert http.get(soffi_url + "/gestion").text == "Page des gestionnaires"


BROWSER_COOKIE_LIMIT = 4093  # what browsers keep, and Werkzeug's warning


def test_sign_ins_started_and_left_keep_a_cookie_the_browser_keeps(
    http: httpx.Client, soffi: tuple[Flask, str], account: Account
) -> None:
    """« Se connecter », then back without signing in, forty times, with the longest `next` a service follows: each
    start keeps its state in the service's session cookie until its callback. Past 4 KB the browser would drop the
    cookie, and every later sign-in would be refused as expired."""
    app, soffi_url = soffi
    for _ in range(40):
        longest = "/gestion?q=" + secrets.token_hex(MAX_NEXT_LENGTH)[: MAX_NEXT_LENGTH - len("/gestion?q=")]
        started = http.get(soffi_url + "/connexion", params={"next": longest}, follow_redirects=False)
        assert started.status_code == 302
        assert len(http.cookies[app.config["SESSION_COOKIE_NAME"]]) <= BROWSER_COOKIE_LIMIT
    arrived = sign_in(http, soffi_url, account.email, path="/connexion?next=%2Fgestion")
    assert str(arrived.url) == f"{soffi_url}/gestion"  # the newest sign-in still completes


def stop_at_callback(http: httpx.Client, soffi_url: str, email: str) -> httpx.Response:
    """Sign in at the IdP, but stop at the redirect to SOFFi's callback."""
    login_page = http.get(soffi_url + "/connexion")
    response = submit_form(
        http, login_page, "/connexion", {"email": email, "password": PASSWORD}, follow_redirects=False
    )
    while not str(response.headers.get("Location", "")).startswith(f"{soffi_url}/callback"):
        assert response.is_redirect, f"never sent to the callback: {response.url}"
        response = http.get(response.next_request.url, follow_redirects=False)  # type: ignore[union-attr]
    return response


def test_tampered_state_gets_a_french_400_page(http: httpx.Client, soffi: tuple[Flask, str], account: Account) -> None:
    _, soffi_url = soffi
    callback = urlsplit(stop_at_callback(http, soffi_url, account.email).headers["Location"])
    params = parse_qs(callback.query)
    params["state"] = ["forged" + params["state"][0]]
    response = http.get(f"{soffi_url}/callback", params={key: value[0] for key, value in params.items()})
    assert response.status_code == 400
    assert messages.STATE_MISMATCH in page_text(response)
    assert "soffi_session" in http.cookies and "rp_user" not in response.text


def test_answer_of_another_issuer_is_refused(http: httpx.Client, soffi: tuple[Flask, str], account: Account) -> None:
    """RFC 9207: a code sent with another `iss` is not redeemed (mix-up attack)."""
    _, soffi_url = soffi
    callback = urlsplit(stop_at_callback(http, soffi_url, account.email).headers["Location"])
    params = {key: value[0] for key, value in parse_qs(callback.query).items()}
    response = http.get(f"{soffi_url}/callback", params={**params, "iss": "https://evil.example"})
    assert response.status_code == 400 and messages.STATE_MISMATCH in page_text(response)


def test_wrong_nonce_in_the_id_token_is_refused(http: httpx.Client, soffi: tuple[Flask, str], account: Account) -> None:
    """The nonce this browser's session expects differs from the ID token's: refused, no login."""
    app, soffi_url = soffi
    callback = stop_at_callback(http, soffi_url, account.email).headers["Location"]
    kept = rp_session(app, http)
    for key, value in kept.items():
        if key.startswith("_state_"):
            value["data"]["nonce"] = "not-the-nonce-sent"
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    http.cookies.set("soffi_session", serializer.dumps(kept), domain="127.0.0.1")
    response = http.get(callback)
    assert response.status_code == 400
    assert messages.BAD_ID_TOKEN in page_text(response)
    assert http.cookies.get("soffi_session") is None  # the session is empty: nobody is logged in


@pytest.mark.parametrize(
    ("error", "text"),
    [("access_denied", messages.ACCESS_DENIED), ("login_required", messages.LOGIN_REQUIRED_AT_IDP)],
)
def test_error_answer_of_the_idp_gets_a_french_403_page(
    http: httpx.Client, idp_url: str, soffi: tuple[Flask, str], error: str, text: str
) -> None:
    """What the IdP sends back when the person refuses to share, or is not logged in with prompt=none."""
    _, soffi_url = soffi
    authorize = http.get(soffi_url + "/connexion", follow_redirects=False).headers["Location"]
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = http.get(f"{soffi_url}/callback", params={"error": error, "state": state, "iss": idp_url})
    assert response.status_code == 403
    assert text.format(service="SOFFi") in page_text(response)
    assert "Recommencer la connexion" in response.text
    again = http.get(f"{soffi_url}/callback", params={"code": "x", "state": state, "iss": idp_url})
    assert again.status_code == 400  # the state was used up by the error answer


def test_siret_hint_is_passed_to_the_idp(http: httpx.Client, soffi_url: str) -> None:
    hinted = http.get(soffi_url + "/connexion", params={"siret_hint": SIRET}, follow_redirects=False)
    assert parse_qs(urlsplit(hinted.headers["Location"]).query)["siret_hint"] == [SIRET]
    garbage = http.get(soffi_url + "/connexion", params={"siret_hint": "<script>"}, follow_redirects=False)
    assert "siret_hint" not in parse_qs(urlsplit(garbage.headers["Location"]).query)


def test_refusing_to_share_at_the_idp_gets_a_french_403_page(
    http: httpx.Client, idp_url: str, account: Account
) -> None:
    """A service outside the ministry asks for consent; the person presses « Refuser » at the IdP."""
    served = serve_relying_party(rp_soffi.create_app, "soffi", idp_url, first_party=False, client_id="soffi-tiers")
    with served as (_, url):
        consent = sign_in(http, url, account.email)
        assert "demande l'accès à vos informations" in consent.text
        refused = submit_form(http, consent, "/oidc/authorize/consentement", {}, button="refuse")
    answer = urlsplit(str(refused.url))  # the IdP sent the browser back with the error
    assert answer.path == "/callback" and parse_qs(answer.query)["error"] == ["access_denied"]
    assert refused.status_code == 403
    assert messages.ACCESS_DENIED.format(service="SOFFi") in page_text(refused)


def test_a_service_is_ready_when_the_provider_answers(http: httpx.Client, soffi: tuple[Flask, str]) -> None:
    ready = http.get(soffi[1] + "/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "provider": "ok"}}
