"""Mes démarches (the IdP) answers odd input clearly, never with a 500: every route of its URL map, the query
parameters its views read and every form of its pages, logged out and as a gestionnaire of SOFFi for
FORMA'LOIRE (so that « Utilisateurs du service » shows real people, requests and habilitations); then the
OpenID Connect endpoints with odd protocol values."""

import base64
import itertools
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import webtest
from flask import Flask
from sqlalchemy import select

from idp.extensions import db
from idp.models import Account, AccountStatus, LinkPurpose, Service
from idp.models.oauth import OAuthClient
from idp.services import access_requests, activation_codes, links
from tests.idp.factories import PASSWORD
from tests.idp.portal_data import (
    FORMALOIRE_ANJOU,
    FORMALOIRE_ESTUAIRE,
    FORMALOIRE_NANTES,
    habilitate,
    person,
    role,
    services,
)
from tests.idp.web import form, log_in
from tests.security.oddities import ODD_VALUES
from tests.security.walker import Identity, Walker, report, unexercised, walk

# Routes that cannot be walked, with the reason. None today: the static folders are walked too (odd file
# names, traversal, NUL must give a 404), and every other route answers odd values without outside help.
UNWALKABLE: set[str] = set()

_emails = (f"inconnu{n}@exemple.fr" for n in itertools.count())


@dataclass
class World:
    manager: Account
    soffi: Service
    request_id: int  # Lou DEMANDEUR's pending request to the manager
    habilitation_id: int  # Noa COLLEGUE's « Consultation »
    requester_id: int
    colleague_id: int
    own_request_id: int  # the manager's own pending request (to SOFI), that they may withdraw
    redirect_uri: str
    tokens: dict[str, str]  # reset, activation, e-mail change: real one-time links


@pytest.fixture
def world(app: Flask, soffi: Service, manager: Account) -> World:
    every = services(db.session)
    requester = person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")
    pending = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )
    colleague = person(db.session, "collegue@formaloire.example", FORMALOIRE_ESTUAIRE, "COLLEGUE", "Noa")
    granted = habilitate(db.session, colleague, soffi, "consultation")
    sofi = every["sofi"]
    own = access_requests.request_access(db.session, manager, sofi, FORMALOIRE_ANJOU, role(sofi, "consultation"))
    activation_codes.create_code(db.session, every["bpf"], FORMALOIRE_ANJOU, "odd-input")
    newcomer = person(db.session, "nouveau@formaloire.example", FORMALOIRE_NANTES, "NOUVEAU", "Sacha")
    newcomer.status, newcomer.activated_at = AccountStatus.PENDING, None
    forgetful = person(db.session, "oublieux@formaloire.example", FORMALOIRE_NANTES, "OUBLIEUX", "Eden")
    day = app.config["ACTIVATION_LINK_LIFETIME"]
    tokens = {
        "activation": links.issue_link(db.session, newcomer, LinkPurpose.ACTIVATION, day),
        "reset": links.issue_link(db.session, forgetful, LinkPurpose.PASSWORD_RESET, day),
        "email": links.issue_link(db.session, forgetful, LinkPurpose.EMAIL_CHANGE, day, "oublieux2@exemple.fr"),
    }
    db.session.commit()
    client = db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == "soffi"))
    assert client is not None
    return World(
        manager, soffi, pending.id, granted.id, requester.id, colleague.id, own.id, client.redirect_uris[0], tokens
    )


def sensible(world: World) -> "callable":  # type: ignore[valid-type]
    """What a person would type in a field the page leaves empty (e-mails are unknown and new each time, so
    that no account's login throttle closes the door on the requests that follow)."""

    def value(name: str, options: list[str]) -> str:
        if options:
            return options[0]
        lowered = name.lower()
        if "email" in lowered:
            return "collegue@formaloire.example" if lowered.startswith("ajout") else next(_emails)
        if "password" in lowered or "mot_de_passe" in lowered:
            return PASSWORD
        if "siret" in lowered:
            return FORMALOIRE_NANTES
        if "expires" in lowered or "date" in lowered:
            return "31/12/2030"
        if "telephone" in lowered:
            return "0122334455"
        if "code" in lowered:
            return "ABCD-EFGH-JKLM"
        return "Texte"

    return value


def real_values(world: World) -> dict[str, list[str]]:
    return {
        "code": ["soffi", "sofi", "bpf"],
        "service_code": ["soffi", "sofi", "bpf"],
        "request_id": [str(world.request_id), str(world.own_request_id)],
        "habilitation_id": [str(world.habilitation_id)],
        "token": [world.tokens["activation"], world.tokens["reset"], world.tokens["email"]],
        "filename": ["dsfr/dsfr.min.css", "dsfr.min.css", "altcha.js"],
    }


def authorize_url(world: World, **extra: str) -> str:
    params = {
        "client_id": "soffi",
        "response_type": "code",
        "scope": "openid profile email habilitations",
        "redirect_uri": world.redirect_uri,
        "state": "s" * 16,
        "nonce": "n" * 16,
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    } | extra
    return "/oidc/authorize?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in params.items())


def users(world: World, query: str = "") -> str:
    return f"/portail/services/soffi/utilisateurs{query}"


def signup_steps(client: webtest.TestApp) -> dict[str, "callable"]:  # type: ignore[valid-type]
    """The sign-up's later pages need the earlier steps done in the same session."""

    def establishment() -> None:
        page = client.get("/inscription?q=forma", extra_environ={"REMOTE_ADDR": "192.0.2.10"})
        choose = form(page, "/inscription/etablissement")
        choose["siret"] = FORMALOIRE_NANTES
        choose.submit(expect_errors=True)

    def credentials() -> None:
        establishment()
        page = client.get("/inscription/identifiants")
        step = form(page, "/inscription/identifiants")
        step["email"], step["password"] = next(_emails), PASSWORD
        if "password_confirm" in step.fields:
            step["password_confirm"] = PASSWORD
        step.submit(expect_errors=True)

    return {"/inscription/identifiants": establishment, "/inscription/coordonnees": credentials}


def logged_out(client: webtest.TestApp, world: World) -> Identity:
    def ensure() -> webtest.TestResponse:
        client.reset()
        return client.get("/connexion", extra_environ={"REMOTE_ADDR": "192.0.2.10"})

    pages = [
        authorize_url(world),  # the login form the authorization endpoint shows
        "/connexion?next=" + quote(authorize_url(world), safe=""),
        "/inscription?q=forma",
        "/inscription/identifiants",
        "/inscription/coordonnees",
    ]
    return Identity("logged out", ensure, sensible(world), real_values(world), pages, signup_steps(client))


def gestionnaire(client: webtest.TestApp, world: World) -> Identity:
    def ensure() -> webtest.TestResponse:
        page = client.get("/mon-compte", extra_environ={"REMOTE_ADDR": "192.0.2.11"}, expect_errors=True)
        if page.status_int != 200:  # the walk logged out (or the session ended): log in again
            log_in(client, world.manager.email)
            page = client.get("/mon-compte", extra_environ={"REMOTE_ADDR": "192.0.2.11"})
        return page

    person_id, colleague_id = world.requester_id, world.colleague_id
    pages = [
        users(world, f"?personne={person_id}"),  # the request's « Valider » and « Refuser » forms
        users(world, f"?personne={colleague_id}&modifier={world.habilitation_id}"),  # « Modifier »
        users(world, f"?personne={colleague_id}&supprimer={world.habilitation_id}"),  # « Supprimer »
        users(world, "?ajouter=1"),  # « Ajouter »
        users(world, f"?personne={colleague_id}&ajouter=1"),
        "/portail/services/soffi/journal?siren=997915665",
        "/portail/services/sofi/ajouter?onglet=demande",
        "/portail/services/bpf/ajouter?onglet=code",
        f"/portail/services/sofi/ajouter?demande={world.own_request_id}",
        authorize_url(world, prompt="login"),
    ]
    return Identity("gestionnaire", ensure, sensible(world), real_values(world), pages)


def walked(app: Flask, client: webtest.TestApp, who: Identity) -> Walker:
    with Walker("idp", app, client) as walker:
        walk(walker, who, UNWALKABLE)
    return walker


def test_every_route_and_form_answers_odd_input_logged_out(app: Flask, client: webtest.TestApp, world: World) -> None:
    walker = walked(app, client, logged_out(client, world))
    assert not walker.errors, report(walker.errors)


def test_every_route_and_form_answers_odd_input_as_a_gestionnaire(
    app: Flask, client: webtest.TestApp, world: World
) -> None:
    walker = walked(app, client, gestionnaire(client, world))
    assert not walker.errors, report(walker.errors)


# --- OpenID Connect: odd protocol values -------------------------------------------------------------------------

AUTHORIZE_ODD = (
    *ODD_VALUES,
    b'http://x/"',
    b"http://x/\\",
    "http://x/é".encode(),
    b"http://x/\t",
    b"http://x/\x7f",
    b"http://127.0.0.1:5001/callback#frag",
    b"javascript:alert(1)",
)
AUTHORIZE_PARAMS = (
    "client_id",
    "redirect_uri",
    "state",
    "response_type",
    "scope",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "login_hint",
    "id_token_hint",
    "claims",
    "request",
    "request_uri",
    "ui_locales",
    "siret_hint",
    "response_mode",
)


def _authorize_pairs(world: World, name: str, value: bytes) -> list[tuple[str, bytes]]:
    base = dict(part.split("=", 1) for part in authorize_url(world).split("?", 1)[1].split("&"))
    from urllib.parse import unquote_to_bytes

    pairs = [(key, unquote_to_bytes(old)) for key, old in base.items() if key != name]
    return [*pairs, (name, value)]


def oidc_walk(walker: Walker, world: World) -> None:
    for name in AUTHORIZE_PARAMS:
        for value in AUTHORIZE_ODD:
            walker.send("GET", "/oidc/authorize", _authorize_pairs(world, name, value))
    for value in AUTHORIZE_ODD:  # the same with only an odd redirect_uri beside the client
        walker.send(
            "GET", "/oidc/authorize", [("client_id", b"soffi"), ("response_type", b"code"), ("redirect_uri", value)]
        )
        walker.send("POST", "/oidc/authorize", body=_authorize_pairs(world, "redirect_uri", value))
    basic = "Basic " + base64.b64encode(b"soffi:soffi-dev-secret-not-for-production").decode()
    odd_headers = [
        {},
        {"Authorization": basic},
        {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode()},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
        {"Authorization": "Bearer " + "A" * 5000},
        {"Authorization": "Bearer \x7f\t"},
    ]
    names = (
        "grant_type",
        "code",
        "redirect_uri",
        "code_verifier",
        "refresh_token",
        "client_id",
        "client_secret",
        "client_assertion",
        "client_assertion_type",
        "token",
        "token_type_hint",
        "access_token",
        "scope",
    )
    for endpoint in ("/oidc/token", "/oidc/revoke", "/oidc/introspect", "/oidc/userinfo"):
        for headers in odd_headers:
            for name in names:
                for value in ODD_VALUES[:9]:
                    grant = [("grant_type", b"authorization_code")] if name != "grant_type" else []
                    walker.send("POST", endpoint, body=[*grant, (name, value)], headers=headers)
        for headers in odd_headers:
            walker.send("GET", "/oidc/userinfo", headers=headers)
    for name in ("id_token_hint", "post_logout_redirect_uri", "state", "client_id", "ui_locales"):
        for value in AUTHORIZE_ODD:
            walker.send("GET", "/oidc/logout", [(name, value)])
            walker.send("POST", "/oidc/logout", body=[(name, value)])


def test_openid_connect_endpoints_answer_odd_protocol_values(app: Flask, client: webtest.TestApp, world: World) -> None:
    with Walker("idp", app, client) as walker:
        oidc_walk(walker, world)  # logged out
        log_in(client, world.manager.email)
        oidc_walk(walker, world)  # logged in: the code, or the consent page, is reached
    assert not walker.errors, report(walker.errors)


def test_every_route_of_the_idp_was_exercised(app: Flask, client: webtest.TestApp, world: World) -> None:
    """A route added without being reachable by the walks fails here, so that no new route escapes the odd-input
    rule. Runs after the walks above (pytest keeps a module's order); selected alone, it walks first."""
    walker = Walker("idp", app, client)
    if not walker.exercised:
        walked(app, client, logged_out(client, world))
        walked(app, client, gestionnaire(client, world))
        with walker:
            oidc_walk(walker, world)
    assert unexercised(walker, UNWALKABLE) == []
