"""CSRF on every state-changing route of every app, found by enumerating each app's URL map (issue 13).

For every rule that accepts POST (or PUT, PATCH, DELETE) of the identity provider and of the three services, the
test puts a person where the route would act (logged in, real ids in the path, the real rendered form filled), then
sends that form without its token, and with a token of another session: each is refused with the French CSRF page
of shared/web.py and NOTHING is written (every table's rows, and the signed session of the services, compared
before and after). The same form with its own token is then not refused by the CSRF check, and for the routes
marked `acts` it does change the database or the session — so the refusal was the CSRF check, not a missing
login, a wrong id or an empty form.

A new state-changing route fails `test_every_state_changing_route_has_a_case` (and its own parametrized test) until
a case below says how to reach it; a new `csrf.exempt` fails `test_the_csrf_exemptions_are_exactly_the_oauth_ones`
(the services' one exemption, the provider's back-channel logout call, is proved in
tests/integration/test_backchannel_logout.py: only a logout token signed by the provider is acted on).
"""

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import time_machine
import webtest
from flask import Flask
from flask_wtf.csrf import generate_csrf

import rp_bpf
import rp_soffi
import rp_sofi
from idp import create_app as create_idp
from rp_bpf.extensions import db as bpf_db
from shared.clock import in_paris, utcnow
from shared.oidc_client.access import ID_TOKEN_KEY, LOGIN_AT_KEY, USER_KEY
from shared.oidc_client.claims import HabilitationClaim
from shared.oidc_client.establishments import CURRENT_KEY
from shared.web import CSRF_TEXT, csrf
from tests.conftest import SOFI_REFERENCE_TABLES, empty_bpf_tables, idp_test_config
from tests.idp.conftest import FreshContext
from tests.integration.sso import upgrade_own_database
from tests.rp_sofi.conftest import sofi_config

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
NOBODY_LISTENS = "http://127.0.0.1:9"


def rp_config(**extra: Any) -> dict[str, Any]:
    return {"TESTING": True, "SECRET_KEY": "test-secret-key", "RP_ISSUER": NOBODY_LISTENS, **extra}


# The apps as their tests configure them, built once at collection to enumerate their URL maps (no database is
# touched by building an app).
APPS: dict[str, Flask] = {
    "idp": create_idp(idp_test_config("sqlite://", 9)),
    "sofi": rp_sofi.create_app(sofi_config("sqlite://")),
    "soffi": rp_soffi.create_app(rp_config()),
    "bpf": rp_bpf.create_app(rp_config()),
}


def state_changing_rules(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every rule of the app accepting a state-changing method."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def is_exempt(app: Flask, endpoint: str) -> bool:
    """What Flask-WTF's CSRFProtect._is_exempt decides for a request to this endpoint."""
    blueprint = endpoint.rpartition(".")[0]
    if blueprint and app.blueprints.get(blueprint) in csrf._exempt_blueprints:
        return True
    view = app.view_functions[endpoint]
    return f"{view.__module__}.{view.__name__}" in csrf._exempt_views


# The identity provider's OAuth / OpenID Connect protocol endpoints, legitimately without a CSRF token: each is
# either authenticated otherwise or safe to reach cross-site by design. Nothing else may be exempt.
OAUTH_EXEMPT = {
    "oidc.token": "client authentication (secret or private_key_jwt) plus the code and its PKCE verifier",
    "oidc.revoke": "client authentication (RFC 7009)",
    "oidc.introspect": "client authentication (RFC 7662)",
    "oidc.userinfo": "bearer access token (OIDC Core 5.3); no cookie is read",
    "oidc.authorize": "a cross-site POST from the relying party by design (OIDC Core 3.1.2.1); issues nothing "
    "without a session and PKCE, consent is a separate CSRF-protected POST",
    "oidc.end_session": "RP-initiated logout: without a valid id_token_hint of the same person it only shows a "
    "confirmation whose form posts to the CSRF-protected /deconnexion",
}
# The services' one exemption: the provider's server-to-server call of Back-Channel Logout 1.0, which carries no
# cookie and is authenticated by the logout token it posts (signature, aud, jti never seen before…).
RP_EXEMPT = {"oidc_client.backchannel_logout": "a logout token signed by the provider (Back-Channel Logout 1.0 §2.5)"}


# --- what was written: every row of every table, and the services' signed session ---------------------------------


def table_rows(db: Any, skip: set[str] = frozenset()) -> dict[str, list[tuple[Any, ...]]]:
    db.session.rollback()  # each request committed in its own session
    with db.engine.connect() as connection:
        return {
            table.name: sorted(connection.execute(sa.select(table)).all(), key=repr)
            for table in db.metadata.sorted_tables
            if table.name not in skip
        }


def rp_session(app: Flask, browser: webtest.TestApp) -> dict[str, Any]:
    """The service's signed session cookie, decoded, without the CSRF raw token (which is not state)."""
    raw = browser.cookies.get(app.config["SESSION_COOKIE_NAME"])
    if raw is None:
        return {}
    data = app.session_interface.get_signing_serializer(app).loads(raw)  # type: ignore[attr-defined]
    return {key: value for key, value in data.items() if key not in ("csrf_token", "_flashes")}


def other_session_token(app: Flask) -> str:
    """A genuine token, signed with the app's key, but of another browser's session."""
    with app.test_request_context():
        return generate_csrf()


# --- a request: the real form, as the browser would send it ---------------------------------------------------------

Fields = list[tuple[str, str]]


def form_to(page: webtest.TestResponse, path: str) -> webtest.Form:
    """The form of the page posting to exactly this path."""
    for candidate in page.forms.values():
        if urlsplit(candidate.action or page.request.path).path == path:  # no action: the page's own address
            return candidate
    actions = [candidate.action for candidate in page.forms.values()]
    raise AssertionError(f"no form posting to {path} on {page.request.url} (forms: {actions})")


def fields_of(form: webtest.Form, **values: str | list[str]) -> Fields:
    """The form's fields as submitted, after filling `values` (a list ticks checkboxes / picks several)."""
    for name, value in values.items():
        if isinstance(value, list):
            for box in form.fields[name]:
                box.checked = box._value in value
        else:
            try:
                form[name] = value
            except ValueError:  # not one of the options the page offers: sent as typed
                form[name].force_value(value)
    return [(name, str(value)) for name, value in form.submit_fields()]


def token_of(page: webtest.TestResponse) -> str:
    field = page.html.find("input", attrs={"name": lambda name: bool(name) and name.endswith("csrf_token")})
    assert field is not None, f"no CSRF token on {page.request.url}"
    return str(field["value"])


def without_token(fields: Fields) -> Fields:
    stripped = [(name, value) for name, value in fields if not name.endswith("csrf_token")]
    assert len(stripped) < len(fields), "the rendered form carries no CSRF token"
    return stripped


def with_token(fields: Fields, token: str) -> Fields:
    return [(name, token if name.endswith("csrf_token") else value) for name, value in fields]


def is_csrf_refusal(answer: webtest.TestResponse) -> bool:
    return (answer.status_int == 400 and CSRF_TEXT.replace("'", "&#39;") in answer.text) or (
        answer.status_int == 400 and CSRF_TEXT in answer.text
    )


@dataclass
class Case:
    """How to reach a route: who is logged in, the path's ids, the real form filled (`prepare` returns the path
    and the fields with their token); `acts`: the same request with its token must change something."""

    prepare: Callable[..., tuple[str, Fields]]
    acts: bool = True
    login: str = "gestionnaire"
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def check_route(
    app: Flask,
    browser: webtest.TestApp,
    method: str,
    path: str,
    fields: Fields,
    state: Callable[[], Any],
    acts: bool,
) -> None:
    before = state()
    for sent in (without_token(fields), with_token(fields, other_session_token(app))):
        answer = browser.request(path, method=method, POST=sent, expect_errors=True)
        assert is_csrf_refusal(answer), f"{method} {path} without a valid token answered {answer.status}"
        assert "Requête incorrecte" in answer.text  # the French error page's title
        assert state() == before, f"{method} {path} refused, yet something was written"
    answer = browser.request(path, method=method, POST=fields, expect_errors=True)
    assert not is_csrf_refusal(answer), f"{method} {path} refused even with its own token: a bad case"
    assert answer.status_int != 500  # (a logout of a service answers 503 here: no IdP listens to end its session)
    if acts:
        assert state() != before, f"{method} {path} with its token changed nothing ({answer.status}): a bad case"


# === the identity provider ==========================================================================================


@dataclass
class IdpWorld:
    """FORMA'LOIRE: Sam the gestionnaire of SOFFi, Lou who asked for access, Camille who has « Consultation », Ada
    who has nothing yet, Zoé whose account awaits activation; one-time links and an activation code."""

    browser: webtest.TestApp
    ids: dict[str, Any]


def idp_world(client: webtest.TestApp) -> IdpWorld:
    from idp.extensions import db
    from idp.models import Habilitation, LinkPurpose
    from idp.services import access_requests, activation_codes, links
    from tests.idp.portal_data import (
        FORMALOIRE_ANJOU,
        FORMALOIRE_ESTUAIRE,
        FORMALOIRE_NANTES,
        habilitate,
        person,
        role,
        services,
    )

    catalogue = services(db.session)
    soffi = catalogue["soffi"]
    manager = person(db.session, "gestion@formaloire.example", FORMALOIRE_ANJOU, "GERANTE", "Sam")
    habilitate(db.session, manager, soffi, "gestionnaire")
    requester = person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")
    pending = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )
    colleague = person(db.session, "camille@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Camille")
    held: Habilitation = habilitate(db.session, colleague, soffi, "consultation")
    newcomer = person(db.session, "ada@formaloire.example", FORMALOIRE_ESTUAIRE, "NOUVELLE", "Ada")
    own = access_requests.request_access(
        db.session, manager, catalogue["sofi"], FORMALOIRE_ANJOU, role(catalogue["sofi"], "contributeur")
    )
    waiting = person(db.session, "zoe@formaloire.example", FORMALOIRE_NANTES, "ATTENTE", "Zoé")
    from idp.models import AccountStatus

    waiting.status, waiting.activated_at = AccountStatus.PENDING, None
    day = timedelta(days=1)
    activation = links.issue_link(db.session, waiting, LinkPurpose.ACTIVATION, day)
    reset = links.issue_link(db.session, requester, LinkPurpose.PASSWORD_RESET, day)
    email_change = links.issue_link(
        db.session, manager, LinkPurpose.EMAIL_CHANGE, day, new_email="sam@formaloire.example"
    )
    db.session.commit()
    code = activation_codes.create_code(db.session, catalogue["bpf"], FORMALOIRE_ANJOU, "ligne de commande")
    # An accountant of OPCO DEMO invited by Sam to act for FORMA'LOIRE on SOFFi (the invitation's own token).
    from idp.services import delegations
    from tests.idp.portal_data import OPCO_PARIS

    tiers = person(db.session, "expert@opco.example", OPCO_PARIS, "COMPTABLE", "Dominique")
    proposal = delegations.Proposal(OPCO_PARIS, tiers.email, role(soffi, "consultation"), FORMALOIRE_NANTES, None)
    invitation = delegations.invite(db.session, manager, soffi, FORMALOIRE_NANTES[:9], proposal)
    invitation_token = "invitation-token-" + "x" * 30
    invitation.token_hash = delegations.token_hash(invitation_token)
    delegated = habilitate(db.session, tiers, catalogue["bpf"], "declarant", via="par délégation")
    delegated.on_behalf_of_siret = FORMALOIRE_ESTUAIRE  # an earlier delegation, that the accountant may renounce
    # Ada (FORMA'LOIRE) acts for OPCO on SOFFi: a delegation « received » by Sam's company, to hand over.
    received = habilitate(db.session, newcomer, soffi, "consultation", via="par délégation")
    received.on_behalf_of_siret, received.company_siren = "99972281200024", "999722812"
    db.session.commit()
    ids = {
        "pending": pending.id,
        "own_request": own.id,
        "colleague": colleague.id,
        "held": held.id,
        "requester": requester.id,
        "newcomer": newcomer.email,
        "waiting": waiting.email,
        "activation": activation,
        "reset": reset,
        "email_change": email_change,
        "code": code,
        "manager": manager.email,
        "soffi_client": catalogue["soffi"].code,
        "tiers": tiers.email,
        "invitation": invitation.id,
        "invitation_token": invitation_token,
        "delegated": delegated.id,
        "received": received.id,
    }
    return IdpWorld(client, ids)


USERS = "/portail/services/soffi/utilisateurs"
STRONG = "Un-Mot-De-Passe-Solide-2026"


def idp_form(world: IdpWorld, page_url: str, path: str, **values: Any) -> tuple[str, Fields]:
    page = world.browser.get(page_url)
    return path, fields_of(form_to(page, path), **values)


def _signup_to(world: IdpWorld, step: str) -> webtest.TestResponse:
    """The sign-up wizard, driven with its tokens, up to the page of `step`."""
    from tests.idp.factories import SIRET

    browser = world.browser
    page = form_to(browser.get("/inscription", params={"q": SIRET}), "/inscription/etablissement").submit().follow()
    if step == "identifiants":
        return page
    credentials = form_to(page, "/inscription/identifiants")
    credentials["email"], credentials["password"], credentials["confirm"] = "nouveau@exemple.fr", STRONG, STRONG
    return credentials.submit().follow()


DELEGATION_VALUES = {
    "tiers_siret": "99972281200024",
    "email": "autre.expert@opco.example",
    "role": "organisme_collecteur",
    "siret": "99791566500027",
}


def _delegation_confirm(world: IdpWorld) -> tuple[str, Fields]:
    """« Confirmer » needs the draft « Continuer » keeps: the form is sent first, with its token."""
    path, fields = idp_form(world, f"{USERS}/deleguer", f"{USERS}/deleguer", **DELEGATION_VALUES)
    world.browser.post(path, fields, status=302)
    return idp_form(world, f"{USERS}/deleguer/confirmer", f"{USERS}/deleguer/confirmer")


def _consent(world: IdpWorld) -> tuple[str, Fields]:
    import base64
    import hashlib

    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    from idp.extensions import db
    from idp.models import OAuthClient

    client_row = db.session.scalar(sa.select(OAuthClient).where(OAuthClient.client_id == "soffi"))
    assert client_row is not None
    params = {
        "client_id": "soffi",
        "redirect_uri": client_row.redirect_uris[0],
        "response_type": "code",
        "scope": "openid email",
        "state": "etat",
        "nonce": "nonce",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "prompt": "consent",
    }
    page = world.browser.get("/oidc/authorize", params=params)
    path = "/oidc/authorize/consentement"
    return path, [*fields_of(form_to(page, path)), ("decision", "accept")]


def _choose_organisation(world: IdpWorld) -> tuple[str, Fields]:
    """« Pour quelle organisation agissez-vous ? » (prompt=select_account): its POST form, not its search form."""
    path, fields = _consent(world)
    params = [(name, value) for name, value in fields if name not in ("csrf_token", "decision", "prompt")]
    page = world.browser.get(
        path.replace("consentement", "organisation"), params=[*params, ("prompt", "select_account")]
    )
    [chooser] = [
        form for form in page.forms.values() if form.method.lower() == "post" and "organisation" in form.action
    ]
    return urlsplit(chooser.action).path, fields_of(chooser, siret=chooser["siret"].options[0][0])


def _coordonnees_signup(world: IdpWorld) -> tuple[str, Fields]:
    from tests.idp.web import solved_altcha

    page = _signup_to(world, "coordonnees")
    values = {"civilite": "Mme", "nom": "NOUVELLE", "prenom": "Iris", "telephone": "06 12 34 56 78"}
    path = "/inscription/coordonnees"
    return path, [*fields_of(form_to(page, path), **values), ("altcha", solved_altcha(world.browser))]


IDP_CASES: dict[str, Case] = {
    # Anonymous visitors.
    "login.login": Case(
        lambda w: idp_form(w, "/connexion", "/connexion", email=w.ids["manager"], password=PASSWORD()),
        login="nobody",
    ),
    "signup.choose_establishment": Case(
        lambda w: _signup_choose(w), acts=False, login="nobody", notes="the wizard's state is in the session"
    ),
    "signup.credentials": Case(
        lambda w: (
            "/inscription/identifiants",
            fields_of(
                form_to(_signup_to(w, "identifiants"), "/inscription/identifiants"),
                email="nouveau@exemple.fr",
                password=STRONG,
                confirm=STRONG,
            ),
        ),
        acts=False,
        login="nobody",
        notes="the wizard's state is in the session",
    ),
    "signup.coordonnees": Case(_coordonnees_signup, login="nobody"),
    "activation.activate": Case(
        lambda w: idp_form(w, f"/activation/{w.ids['activation']}", f"/activation/{w.ids['activation']}"),
        login="nobody",
    ),
    "activation.new_link": Case(
        lambda w: idp_form(w, "/activation/nouveau-lien", "/activation/nouveau-lien", email=w.ids["waiting"]),
        login="nobody",
    ),
    "password_reset.request_reset": Case(
        lambda w: idp_form(w, "/mot-de-passe/oublie", "/mot-de-passe/oublie", email=w.ids["manager"]),
        login="nobody",
    ),
    "password_reset.reset": Case(
        lambda w: idp_form(
            w,
            f"/mot-de-passe/reinitialisation/{w.ids['reset']}",
            f"/mot-de-passe/reinitialisation/{w.ids['reset']}",
            password=STRONG,
            confirm=STRONG,
        ),
        login="nobody",
    ),
    # The gestionnaire, logged in.
    "login.logout": Case(lambda w: idp_form(w, "/portail/services/", "/deconnexion")),
    "my_account.coordonnees": Case(lambda w: idp_form(w, "/mon-compte", "/mon-compte/coordonnees", nom="LEFEVRE")),
    "my_account.change_password": Case(
        lambda w: idp_form(
            w, "/mon-compte", "/mon-compte/mot-de-passe", current=PASSWORD(), password=STRONG, confirm=STRONG
        )
    ),
    "my_account.change_email": Case(
        lambda w: idp_form(
            w,
            "/mon-compte",
            "/mon-compte/adresse-electronique",
            email="sam.gerante@formaloire.example",
            current=PASSWORD(),
        )
    ),
    "delegation.new": Case(
        lambda w: idp_form(w, f"{USERS}/deleguer", f"{USERS}/deleguer", **DELEGATION_VALUES),
        acts=False,
        notes="« Continuer » only keeps the draft in the signed session cookie: the database does not change",
    ),
    "delegation.confirm": Case(_delegation_confirm),
    "delegation.resend": Case(
        lambda w: idp_form(w, f"{USERS}/invitations", f"{USERS}/invitations/{w.ids['invitation']}/renvoyer")
    ),
    "delegation.cancel": Case(
        lambda w: idp_form(w, f"{USERS}/invitations", f"{USERS}/invitations/{w.ids['invitation']}/annuler")
    ),
    "delegation.accept": Case(
        lambda w: idp_form(
            w, f"/delegation/{w.ids['invitation_token']}", f"/delegation/{w.ids['invitation_token']}/accepter"
        ),
        login="tiers",
    ),
    "delegation.decline": Case(
        lambda w: idp_form(
            w, f"/delegation/{w.ids['invitation_token']}", f"/delegation/{w.ids['invitation_token']}/refuser"
        ),
        login="tiers",
    ),
    "delegation.renounce": Case(
        lambda w: idp_form(
            w,
            f"/portail/mes-clients?renoncer={w.ids['delegated']}",
            f"/portail/mes-clients/{w.ids['delegated']}/renoncer",
        ),
        login="tiers",
    ),
    "delegation.hand_over": Case(
        lambda w: idp_form(
            w,
            f"{USERS}/delegations-recues?confier={w.ids['received']}",
            f"{USERS}/delegations-recues/{w.ids['received']}/confier",
            email="camille@formaloire.example",
        )
    ),
    "my_account.confirm_email": Case(
        lambda w: idp_form(
            w,
            f"/mon-compte/adresse-electronique/{w.ids['email_change']}",
            f"/mon-compte/adresse-electronique/{w.ids['email_change']}",
        )
    ),
    "oidc.consent": Case(_consent),
    "oidc.choose_organisation": Case(_choose_organisation),
    "portal.ask": Case(
        lambda w: idp_form(
            w, "/portail/services/bpf/ajouter", "/portail/services/bpf/ajouter/demande", role="declarant"
        )
    ),
    "portal.redeem": Case(
        lambda w: idp_form(
            w,
            "/portail/services/bpf/ajouter?onglet=code",
            "/portail/services/bpf/ajouter/code",
            siret="99791566500035",
            code=w.ids["code"],
        )
    ),
    "portal.withdraw": Case(
        lambda w: idp_form(w, "/portail/services/", f"/portail/demandes/{w.ids['own_request']}/annuler")
    ),
    "service_users.accept": Case(
        lambda w: idp_form(w, f"{USERS}?personne={w.ids['requester']}", f"{USERS}/demandes/{w.ids['pending']}/valider")
    ),
    "service_users.refuse": Case(
        lambda w: idp_form(
            w,
            f"{USERS}?personne={w.ids['requester']}",
            f"{USERS}/demandes/{w.ids['pending']}/refuser",
            **{f"refuser-{w.ids['pending']}-reason": "Vous ne travaillez pas sur la collecte."},
        )
    ),
    "service_users.change": Case(
        lambda w: idp_form(
            w,
            f"{USERS}?personne={w.ids['colleague']}&modifier={w.ids['held']}",
            f"{USERS}/habilitations/{w.ids['held']}/modifier",
            **{"modifier-role": "organisme_collecteur"},
        )
    ),
    "service_users.delete": Case(
        lambda w: idp_form(
            w,
            f"{USERS}?personne={w.ids['colleague']}&supprimer={w.ids['held']}",
            f"{USERS}/habilitations/{w.ids['held']}/supprimer",
        )
    ),
    "service_users.add": Case(
        lambda w: idp_form(
            w,
            f"{USERS}?ajouter=1",
            f"{USERS}/ajouter",
            **{"ajout-email": w.ids["newcomer"], "ajout-role": "consultation", "ajout-siret": "99791566500027"},
        )
    ),
}


def PASSWORD() -> str:
    from tests.idp.factories import PASSWORD as value

    return value


def _signup_choose(world: IdpWorld) -> tuple[str, Fields]:
    from tests.idp.factories import SIRET

    page = world.browser.get("/inscription", params={"q": SIRET})
    return "/inscription/etablissement", fields_of(form_to(page, "/inscription/etablissement"))


def idp_state(browser: webtest.TestApp) -> Any:
    from idp.extensions import db

    return table_rows(db), sorted(browser.cookies.items())


@pytest.mark.parametrize(("endpoint", "method", "rule"), state_changing_rules(APPS["idp"]))
def test_idp_route_refuses_a_request_without_a_valid_token(app: Flask, client: webtest.TestApp, endpoint, method, rule):
    if is_exempt(APPS["idp"], endpoint):
        assert endpoint in OAUTH_EXEMPT, f"{endpoint} is csrf.exempt but not one of the OAuth endpoints"
        answer = client.request(rule.split("<")[0], method=method, POST={}, expect_errors=True)
        assert not is_csrf_refusal(answer)  # it answers for itself (an OAuth error, a French page)
        return
    case = IDP_CASES.get(endpoint)
    if case is None:
        pytest.fail(f"{endpoint} ({method} {rule}) is new: add to IDP_CASES how to reach it logged in, with its form")
    world = idp_world(client)
    if case.login != "nobody":
        from tests.idp.web import log_in

        who = world.ids["tiers"] if case.login == "tiers" else world.ids["manager"]
        assert log_in(client, who).status_int in (302, 303)  # logged in: sent on
    path, fields = case.prepare(world)
    check_route(app, client, method, path, fields, lambda: idp_state(client), case.acts)


# === SOFI ===========================================================================================================


def rp_log_in(app: Flask, browser: webtest.TestApp, service: str, held: list[tuple[str, str]]) -> None:
    """The session the callback opens after a login at the IdP (as tests/rp_sofi/conftest.py's `log_in`)."""
    claims = [HabilitationClaim(service, role, role, siret, siret[:9], "par code d'activation") for role, siret in held]
    user = {
        "sub": "sub-claire",
        "given_name": "Claire",
        "family_name": "TESTEUSE",
        "email": "claire.testeuse@exemple.fr",
        "habilitations": [claim.to_claim() for claim in claims],
    }
    data = {USER_KEY: user, ID_TOKEN_KEY: "id-token", LOGIN_AT_KEY: utcnow().isoformat(), CURRENT_KEY: held[0][1]}
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    browser.set_cookie(app.config["SESSION_COOKIE_NAME"], serializer.dumps(data))


IDMV = "99966088900018"
IDMV_CHOLET = "99966088900026"
CARIF = "99654944000013"
CONTROL_SERVICE = "13000000000018"


def sofi_world() -> dict[str, Any]:
    """IDMV with its main site, another site with a contact, a second site sent to the Carif-Oref, an action with
    its session and dispositif being written, another one sent (for the Carif-Oref), a third one asked about."""
    from rp_sofi.extensions import db
    from rp_sofi.models import Contact
    from rp_sofi.services import annuaire
    from tests.rp_sofi import factories as f

    today = in_paris(utcnow()).date()
    etablissement = f.make_etablissement(db.session, IDMV, domaines=["14201"])
    site = f.make_site(db.session, IDMV, "Site de la gare")
    sent_site = f.make_site(db.session, IDMV, "Site du port")
    contact = Contact(
        site=site, nom="DUPONT", prenom="Jean", courriel="jean.dupont@idmv.example", telephone="0240000000"
    )
    db.session.add(contact)
    sessions = [(today + timedelta(days=60), today + timedelta(days=300))]
    writing = f.make_action(db.session, IDMV, sessions=sessions)
    sent = f.submit(db.session, f.make_action(db.session, IDMV, sessions=sessions), today)
    asked = f.ask(db.session, f.make_action(db.session, IDMV, sessions=sessions), today)
    db.session.flush()
    scope = f.of_scope(IDMV)
    annuaire.update_etablissement(db.session, etablissement, scope, etablissement.version, nda="52850000099",
                                  description="Boucherie", domaines=["14201"])  # fmt: skip
    annuaire.update_site(db.session, site, scope, site.version, {"telephone": "0240000002"}, is_main=False)
    changes = {"nom_usage": "Site du port (quai)"}
    annuaire.update_site(db.session, sent_site, f.of_scope(IDMV), sent_site.version, changes, is_main=False)
    db.session.flush()
    annuaire.submit_record(db.session, sent_site, f.of_scope(IDMV), sent_site.version, f.now_of(today))
    db.session.commit()
    return {
        "siret": etablissement.siret,
        "site": site.id,
        "sent_site": sent_site.id,
        "contact": contact.id,
        "formation": writing.formation_id,
        "action": writing.id,
        "session": writing.sessions[0].id,
        "dispositif": writing.sessions[0].dispositifs[0].id,
        "sent": sent.id,
        "asked": asked.id,
        "today": today,
    }


def sofi_form(browser: webtest.TestApp, page_url: str, path: str, **values: Any) -> tuple[str, Fields]:
    page = browser.get(page_url)
    return path, fields_of(form_to(page, path), **values)


def _sheet(browser: webtest.TestApp, page_url: str, path: str, **values: Any) -> tuple[str, Fields]:
    """A tunnel sheet's form, with « Enregistrer » (its submit button) as the browser sends it."""
    page = browser.get(page_url)
    return path, [*fields_of(form_to(page, path), **values), ("enregistrer", "")]


def _new_session_values(w: dict[str, Any]) -> dict[str, Any]:
    start, end = w["today"] + timedelta(days=90), w["today"] + timedelta(days=200)
    return {
        "date_debut": start.strftime("%d/%m/%Y"),
        "date_fin": end.strftime("%d/%m/%Y"),
        "modalites_enseignement": "0",
        "capacite": "12",
        "places_disponibles": "8",
        "rythmes": ["JOURNEE"],
        "site_lieu_id": str(w["site"]),
    }


SOFI_CASES: dict[str, Case] = {
    "oidc_client.logout": Case(lambda b, w: sofi_form(b, "/", "/deconnexion")),
    "oidc_establishments.choose": Case(
        lambda b, w: sofi_form(b, "/etablissement", "/etablissement", siret=IDMV_CHOLET), login="two"
    ),
    "annuaire.save_etablissement": Case(
        lambda b, w: sofi_form(
            b, "/annuaire", f"/annuaire/{w['siret']}/etablissement", **{"etab-description": "École de boucherie."}
        )
    ),
    "annuaire.confirm_etablissement": Case(
        lambda b, w: sofi_form(b, f"/annuaire/{w['siret']}/valider", f"/annuaire/{w['siret']}/valider")
    ),
    "annuaire.create_site": Case(
        lambda b, w: sofi_form(
            b,
            f"/annuaire/{w['siret']}/sites/nouveau",
            f"/annuaire/{w['siret']}/sites/nouveau",
            **{
                "site-nom_usage": "Site des halles",
                "site-adresse": "3 rue des Halles",
                "site-code_postal": "85000",
                "site-commune": "LA ROCHE-SUR-YON",
            },
        )
    ),
    "annuaire.save_site": Case(
        lambda b, w: sofi_form(
            b, f"/annuaire?site={w['site']}", f"/annuaire/sites/{w['site']}", **{"site-adresse": "5 rue Neuve"}
        )
    ),
    "annuaire.confirm_site": Case(
        lambda b, w: sofi_form(b, f"/annuaire/sites/{w['site']}/valider", f"/annuaire/sites/{w['site']}/valider")
    ),
    "annuaire.create_contact": Case(
        lambda b, w: sofi_form(
            b,
            f"/annuaire/sites/{w['site']}/contacts/nouveau",
            f"/annuaire/sites/{w['site']}/contacts/nouveau",
            **{
                "contact-nom": "MARTIN",
                "contact-prenom": "Léa",
                "contact-courriel": "lea.martin@idmv.example",
                "contact-telephone": "0240000001",
            },
        )
    ),
    "annuaire.delete_contact": Case(
        lambda b, w: sofi_form(b, f"/annuaire?site={w['site']}", f"/annuaire/contacts/{w['contact']}/supprimer")
    ),
    "formations.create": Case(
        lambda b, w: sofi_form(b, "/formations/creer", "/formations/creer", certifinfo="31999"),
        notes="the formation already exists for the action of the world: SOFI shows it, nothing new",
        acts=False,
    ),
    "formations.tunnel.new_action": Case(
        lambda b, w: _sheet(
            b,
            f"/formations/{w['formation']}/actions/nouvelle",
            f"/formations/{w['formation']}/actions/nouvelle",
            niveau_entree="4",
            type_parcours="1",
            entrees_sorties="DATES_FIXES",
            duree_centre="400",
            duree_entreprise="140",
            duree_hebdo="35",
            modalites_pedagogiques=["96414"],
            site_dispensateur_id=str(w["site"]),
        )
    ),
    "formations.tunnel.save_action": Case(
        lambda b, w: _sheet(b, f"/actions/{w['action']}", f"/actions/{w['action']}", duree_centre="420")
    ),
    "formations.tunnel.new_session": Case(
        lambda b, w: _sheet(
            b,
            f"/actions/{w['action']}/sessions/nouvelle",
            f"/actions/{w['action']}/sessions/nouvelle",
            **_new_session_values(w),
        )
    ),
    "formations.tunnel.save_session": Case(
        lambda b, w: _sheet(b, f"/sessions/{w['session']}", f"/sessions/{w['session']}", capacite="14")
    ),
    "formations.tunnel.new_dispositif": Case(
        lambda b, w: _sheet(
            b,
            f"/sessions/{w['session']}/dispositifs/nouveau",
            f"/sessions/{w['session']}/dispositifs/nouveau",
            nb_places="8",
            cout_stagiaire="4 200,50",
            codes_externes="EXT-43",
            nb_remuneres="2",
        )
    ),
    "formations.tunnel.save_dispositif": Case(
        lambda b, w: _sheet(b, f"/dispositifs/{w['dispositif']}", f"/dispositifs/{w['dispositif']}", nb_places="9")
    ),
    "formations.submit": Case(
        lambda b, w: sofi_form(b, f"/actions/{w['action']}/recapitulatif", f"/actions/{w['action']}/valider")
    ),
    "formations.answer": Case(
        lambda b, w: sofi_form(
            b,
            f"/actions/{w['asked']}/recapitulatif",
            f"/actions/{w['asked']}/repondre",
            answer="Aucun prérequis : l'entrée se fait sur entretien.",
        )
    ),
    # The Carif-Oref's valideur.
    "validation.validate_action": Case(
        lambda b, w: sofi_form(b, f"/validation/actions/{w['sent']}", f"/validation/actions/{w['sent']}/valider"),
        login="carif",
    ),
    "validation.ask": Case(
        lambda b, w: sofi_form(
            b,
            f"/validation/actions/{w['sent']}",
            f"/validation/actions/{w['sent']}/preciser",
            **{"preciser-question": "Pouvez-vous préciser les prérequis ?"},
        ),
        login="carif",
    ),
    "validation.refuse": Case(
        lambda b, w: sofi_form(
            b,
            f"/validation/actions/{w['sent']}",
            f"/validation/actions/{w['sent']}/refuser",
            **{"refuser-reason": "Cette formation n'est pas dispensée sur ce site."},
        ),
        login="carif",
    ),
    "validation.replace_certifinfo": Case(
        lambda b, w: sofi_form(
            b,
            f"/validation/actions/{w['sent']}",
            f"/validation/actions/{w['sent']}/certifinfo",
            **{"certifinfo-certifinfo": "31999", "certifinfo-reason": "Code Certifinfo rectifié."},
        ),
        login="carif",
        acts=False,
        notes="the same Certifinfo code: answered, nothing to replace",
    ),
    "validation.decide_record": Case(
        lambda b, w: sofi_form(
            b,
            f"/validation/annuaire/site/{w['sent_site']}",
            f"/validation/annuaire/site/{w['sent_site']}/valider",
        ),
        login="carif",
    ),
    "validation.create_formation": Case(
        lambda b, w: sofi_form(
            b,
            "/validation/formations/creer",
            "/validation/formations/creer",
            siret=IDMV,
            intitule="Découpe et désossage",
            niveau_sortie="3",
        ),
        login="carif",
    ),
}


def sofi_state(app: Flask, browser: webtest.TestApp) -> Any:
    from rp_sofi.extensions import db

    return table_rows(db, SOFI_REFERENCE_TABLES), rp_session(app, browser)


def log_in_as(app: Flask, browser: webtest.TestApp, service: str, login: str) -> None:
    role = {"soffi": "consultation", "bpf": "declarant", "sofi": "gestionnaire"}[service]
    held = {
        "gestionnaire": [(role, IDMV)],
        "two": [(role, IDMV), (role, IDMV_CHOLET)],
        "carif": [("valideur_carif", CARIF)],
        "control": [("controle_srf", CONTROL_SERVICE)],  # no région: national control
    }[login]
    rp_log_in(app, browser, service, held)


@pytest.mark.parametrize(("endpoint", "method", "rule"), state_changing_rules(APPS["sofi"]))
def test_sofi_route_refuses_a_request_without_a_valid_token(
    sofi_app: Flask, sofi: webtest.TestApp, endpoint, method, rule
):
    if is_exempt(APPS["sofi"], endpoint):
        assert endpoint in RP_EXEMPT, f"{endpoint} is csrf.exempt: no other SOFI route may be"
        check_exempt_route(sofi, rule, lambda: sofi_state(sofi_app, sofi))
        return
    case = SOFI_CASES.get(endpoint)
    if case is None:
        pytest.fail(f"{endpoint} ({method} {rule}) is new: add to SOFI_CASES how to reach it logged in, with its form")
    world = sofi_world()
    log_in_as(sofi_app, sofi, "sofi", case.login)
    path, fields = case.prepare(sofi, world)
    check_route(sofi_app, sofi, method, path, fields, lambda: sofi_state(sofi_app, sofi), case.acts)


# === SOFFi and Mon Activité Formation (no database: their state is the signed session) =============================

RP_CASES: dict[str, Case] = {
    "oidc_client.logout": Case(lambda b: sofi_form(b, "/", "/deconnexion")),
    "oidc_establishments.choose": Case(
        lambda b: sofi_form(b, "/etablissement", "/etablissement", siret=IDMV_CHOLET), login="two"
    ),
}


@pytest.fixture(params=["soffi", "bpf"])
def rp(request: pytest.FixtureRequest) -> Iterator[tuple[str, Flask]]:
    if request.param == "bpf":  # its own database, migrated (emptied afterwards)
        app_ = rp_bpf.create_app(rp_config(SQLALCHEMY_DATABASE_URI=request.getfixturevalue("bpf_database")))
        with app_.app_context():
            yield request.param, app_
            empty_bpf_tables()
            bpf_db.engine.dispose()
        return
    # SOFFi keeps the ended sessions in its own database: a new one, migrated
    database = f"sqlite:///{tempfile.mkdtemp(prefix='mesdemarches-soffi-')}/soffi.sqlite3"
    app_ = upgrade_own_database(rp_soffi.create_app(rp_config(SQLALCHEMY_DATABASE_URI=database)))
    with app_.app_context():
        yield request.param, app_


@pytest.mark.parametrize(
    ("endpoint", "method", "rule"),
    sorted(set(state_changing_rules(APPS["soffi"])) & set(state_changing_rules(APPS["bpf"]))),
)
def test_soffi_and_bpf_routes_refuse_a_request_without_a_valid_token(rp, endpoint, method, rule):
    code, service_app = rp
    browser = webtest.TestApp(FreshContext(service_app), extra_environ={"HTTP_HOST": "localhost"})
    if is_exempt(service_app, endpoint):
        assert endpoint in RP_EXEMPT, f"{endpoint} is csrf.exempt: no other route of {code} may be"
        log_in_as(service_app, browser, code, "gestionnaire")
        check_exempt_route(browser, rule, lambda: rp_session(service_app, browser))
        return
    case = RP_CASES.get(endpoint)
    if case is None:
        pytest.fail(f"{endpoint} ({method} {rule}) is new: add to RP_CASES how to reach it logged in, with its form")
    log_in_as(service_app, browser, code, case.login)
    path, fields = case.prepare(browser)
    check_route(service_app, browser, method, path, fields, lambda: rp_session(service_app, browser), case.acts)


# --- Mon Activité Formation's own routes ------------------------------------------------------------------------------


def bpf_world() -> dict[str, int]:
    """IDMV's declaration registered, its BPF 2024 transmitted (its campaign's rectification limit moved to the end
    of 2026), its BPF 2023 a draft, 2025 not started; another organisation's declaration waiting for registration."""
    from rp_bpf.extensions import db
    from rp_bpf.models import Bpf
    from rp_bpf.services import bpfs, campaigns, declarations, transmission
    from rp_bpf.services.journal import Actor
    from tests.rp_bpf.factories import declaration_data, make_content

    now, actor = datetime(2026, 3, 2, 9, 30), Actor("sub-claire", "Claire TESTEUSE")
    data = declaration_data(siret=IDMV, code_postal="85000", commune="LA ROCHE-SUR-YON")
    registered = declarations.deposit(db.session, actor, IDMV[:9], data, now)
    declarations.register(db.session, actor, registered.id, None, now)
    waiting = declarations.deposit(db.session, actor, "996439063", declaration_data(siret="99643906300016"), now)
    campaigns.update(db.session, actor, 2024, date(2025, 4, 30), date(2026, 12, 31), now)
    world = {"declaration": registered.id, "waiting": waiting.id}
    for exercice in (2024, 2023):
        draft = bpfs.start(db.session, actor, IDMV[:9], exercice, now)
        content = make_content(exercice_du=f"{exercice}-01-01", exercice_au=f"{exercice}-12-31")
        world[str(exercice)] = bpfs.save(db.session, actor, IDMV[:9], draft.id, draft.lock, content, now).id
    sent = db.session.get(Bpf, world["2024"])
    signature = transmission.Signature(True, "Claire TESTEUSE", "Gérante")
    transmission.transmit(db.session, actor, IDMV[:9], sent.id, sent.lock, signature, now)
    return world


def bpf_form(browser: webtest.TestApp, page_url: str, path: str, **values: Any) -> tuple[str, Fields]:
    return sofi_form(browser, page_url, path, **values)


BPF_CASES: dict[str, Case] = {
    "declaration.save": Case(
        lambda b, w: bpf_form(b, "/declaration/modifier", "/declaration/modifier", telephone="02 51 00 00 00")
    ),
    "declaration.cease": Case(lambda b, w: bpf_form(b, "/declaration", "/declaration/cessation")),
    "bpf.start": Case(lambda b, w: bpf_form(b, "/", "/bilans/exercices/2025")),
    "bpf.step": Case(
        lambda b, w: (
            f"/bilans/{w['2023']}/etapes/produits",
            [
                *bpf_form(b, f"/bilans/{w['2023']}/etapes/produits", f"/bilans/{w['2023']}/etapes/produits", c1="1")[1],
                ("action", "enregistrer"),
            ],
        )
    ),
    "bpf.import_": Case(
        lambda b, w: bpf_form(b, f"/bilans/{w['2023']}/verification", f"/bilans/{w['2023']}/import"),
        acts=False,
        notes="no file sent: « Choisissez un fichier », nothing imported",
    ),
    "bpf.transmit": Case(
        lambda b, w: bpf_form(
            b,
            f"/bilans/{w['2023']}/verification",
            f"/bilans/{w['2023']}/transmettre",
            signataire_qualite="Gérante",
            certified="y",
        )
    ),
    "bpf.rectify": Case(lambda b, w: bpf_form(b, "/", f"/bilans/{w['2024']}/rectifier")),
    "control.register": Case(
        lambda b, w: bpf_form(
            b, f"/controle/declarations/{w['waiting']}", f"/controle/declarations/{w['waiting']}/enregistrer"
        ),
        login="control",
    ),
    "control.refuse": Case(
        lambda b, w: bpf_form(
            b,
            f"/controle/declarations/{w['waiting']}",
            f"/controle/declarations/{w['waiting']}/refuser",
            motif="Pièces manquantes",
        ),
        login="control",
    ),
    "control.caduque": Case(
        lambda b, w: bpf_form(
            b,
            f"/controle/declarations/{w['declaration']}",
            f"/controle/declarations/{w['declaration']}/caducite",
            motif="Aucun BPF",
        ),
        login="control",
    ),
    "control.reopen": Case(
        lambda b, w: bpf_form(
            b, f"/controle/bilans/{w['2024']}", f"/controle/bilans/{w['2024']}/rouvrir", motif="À revoir"
        ),
        login="control",
    ),
    # The BPF 2023 of IDMV is a draft: after its campaign's deadline, IDMV's declaration is one without a BPF.
    "control.caducity": Case(
        lambda b, w: (
            "/controle/caducite?exercice=2023",
            bpf_form(b, "/controle/caducite?exercice=2023", "/controle/caducite", motif="Aucun BPF 2023")[1],
        ),
        login="control",
    ),
    "control.campaign": Case(
        lambda b, w: bpf_form(b, "/controle/campagnes/2025", "/controle/campagnes/2025", deadline="2026-05-15"),
        login="control",
    ),
}


@pytest.fixture
def bpf_service(bpf_database: str) -> Iterator[Flask]:
    from rp_bpf.extensions import db

    app_ = rp_bpf.create_app(rp_config(SQLALCHEMY_DATABASE_URI=bpf_database))
    with app_.app_context(), time_machine.travel("2026-03-02 09:30:00+00:00", tick=False):
        yield app_
        db.session.remove()
        empty_bpf_tables()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("endpoint", "method", "rule"),
    sorted(set(state_changing_rules(APPS["bpf"])) - set(state_changing_rules(APPS["soffi"]))),
)
def test_bpf_route_refuses_a_request_without_a_valid_token(bpf_service: Flask, endpoint, method, rule):
    from rp_bpf.extensions import db

    case = BPF_CASES.get(endpoint)
    if case is None:
        pytest.fail(f"{endpoint} ({method} {rule}) is new: add to BPF_CASES how to reach it logged in, with its form")
    world = bpf_world()
    browser = webtest.TestApp(FreshContext(bpf_service), extra_environ={"HTTP_HOST": "localhost"})
    log_in_as(bpf_service, browser, "bpf", case.login)
    path, fields = case.prepare(browser, world)
    state = lambda: (table_rows(db), rp_session(bpf_service, browser))  # noqa: E731
    check_route(bpf_service, browser, method, path, fields, state, case.acts)


def check_exempt_route(browser: webtest.TestApp, path: str, state: Callable[[], Any]) -> None:
    """The back-channel logout endpoint, posted to from the logged-in browser without a logout token: it answers
    for itself (400, the standard error), and nothing is written."""
    browser.get("/")  # the session cookie as the service itself writes it
    before = state()
    answer = browser.post(path, {"logout_token": "not-a-token"}, expect_errors=True)
    assert answer.status_int == 400 and answer.json == {"error": "invalid_request"}
    assert state() == before


# === the tables are complete and the exemptions exactly the OAuth ones ==============================================


def test_every_state_changing_route_has_a_case() -> None:
    cases = {"idp": IDP_CASES, "sofi": SOFI_CASES, "soffi": RP_CASES | SOFFI_CASES, "bpf": RP_CASES | BPF_CASES}
    for name, service_app in APPS.items():
        endpoints = {endpoint for endpoint, _, _ in state_changing_rules(service_app)}
        exempt = {endpoint for endpoint in endpoints if is_exempt(service_app, endpoint)}
        unknown = endpoints - exempt - cases[name].keys()
        assert not unknown, f"{name}: state-changing routes without a CSRF case: {sorted(unknown)}"
        stale = cases[name].keys() - endpoints
        assert name in ("soffi", "bpf") or not stale, f"{name}: cases for routes that are gone: {sorted(stale)}"


def test_the_csrf_exemptions_are_exactly_the_oauth_ones() -> None:
    """Only the IdP's protocol endpoints and the services' back-channel logout skip the token; a new `csrf.exempt`
    anywhere fails here."""
    exempt = {
        (name, endpoint)
        for name, service_app in APPS.items()
        for endpoint in service_app.view_functions
        if is_exempt(service_app, endpoint)
    }
    services = {(name, endpoint) for name in ("sofi", "soffi", "bpf") for endpoint in RP_EXEMPT}
    assert exempt == {("idp", endpoint) for endpoint in OAUTH_EXEMPT} | services
    assert not csrf._exempt_blueprints


# === SOFFi's own routes (its database: the state is every row of its tables and the signed session) ================


def soffi_world(folder: str) -> dict[str, int]:
    """The OPCO's draft of 2024 ready to be filed (figures, certified accounts), its statement of 2022 filed, the
    campaign 2023 open and not started, 2021 in preparation; another OPCO's statement filed, a third's in
    instruction, a fourth's validated (for the agents); a fifth body deactivated from the register."""
    from pathlib import Path

    from rp_soffi.extensions import db
    from rp_soffi.services import instruction
    from rp_soffi.statement.workflow import CampaignStatus
    from tests.rp_soffi import factories as f

    body = f.make_body(db.session)
    current, started = f.make_campaign(db.session), f.make_campaign(db.session, 2023)
    filed_before = f.make_campaign(db.session, 2022)
    preparing = f.make_campaign(db.session, 2021, CampaignStatus.PREPARATION)
    draft = f.make_fileable(db.session, body, current, Path(folder))
    own_filed = f.make_filed(db.session, body, filed_before, Path(folder))
    other = f.make_filed(db.session, f.make_body(db.session, f.OTHER_SIRET), current, Path(folder))
    third = f.make_in_instruction(db.session, f.make_body(db.session, SOFFI_THIRD), current, Path(folder))
    validated = f.make_in_instruction(db.session, f.make_body(db.session, SOFFI_FOURTH), current, Path(folder))
    instruction.validate(db.session, f.AGENT, validated.id, f.BEFORE_DUE)
    inactive = f.make_body(db.session, SOFFI_INACTIVE)
    inactive.active = False
    db.session.commit()
    return {
        "body": body.id,
        "inactive": inactive.id,
        "validated": validated.id,
        "draft": draft.id,
        "attachment": draft.attachments[0].id,
        "own_filed": own_filed.id,
        "other": other.id,
        "third": third.id,
        "current": current.id,
        "started": started.id,
        "preparing": preparing.id,
    }


SOFFI_THIRD = "99104575800018"  # TRANSITIONS PRO DEMO (registered here as an OPCO: the demo figures are an OPCO's)
SOFFI_FOURTH = "99791566500019"  # FORMA'LOIRE (registered here as an OPCO: a fourth body, its statement validated)
SOFFI_AGENT = "99000000100017"
SOFFI_INACTIVE = "99955500600017"  # a body deactivated from the register (to be reactivated)
SOFFI_NEW = "99955501400011"  # not in the register yet


def soffi_form(b: webtest.TestApp, page_url: str, path: str, **values: Any) -> tuple[str, Fields]:
    return sofi_form(b, page_url, path, **values)


SOFFI_CASES: dict[str, Case] = {
    "campaigns.start": Case(lambda b, w: soffi_form(b, "/campagnes", f"/campagnes/{w['started']}/etat")),
    "statements.save": Case(
        lambda b, w: soffi_form(b, f"/etats/{w['draft']}", f"/etats/{w['draft']}", **{"montant-R7": "12 345,67"})
    ),
    "statements.deposit": Case(
        lambda b, w: soffi_form(b, f"/etats/{w['draft']}", f"/etats/{w['draft']}/deposer", certified="y", alerts="y")
    ),
    "statements.withdraw": Case(
        lambda b, w: soffi_form(b, f"/etats/{w['own_filed']}", f"/etats/{w['own_filed']}/retirer")
    ),
    "statement_files.import_file": Case(
        lambda b, w: soffi_form(b, f"/etats/{w['draft']}", f"/etats/{w['draft']}/importer"),
        acts=False,
        notes="no file sent: « Choisissez le fichier XLSX à importer », nothing imported",
    ),
    "attachments.upload": Case(
        lambda b, w: soffi_form(b, f"/etats/{w['draft']}", f"/etats/{w['draft']}/pieces-jointes"),
        acts=False,
        notes="no file sent: « Choisissez un fichier », nothing stored",
    ),
    "attachments.delete": Case(
        lambda b, w: soffi_form(b, f"/etats/{w['draft']}", f"/pieces-jointes/{w['attachment']}/supprimer")
    ),
    "instruction.take": Case(
        lambda b, w: soffi_form(b, f"/etats/{w['other']}", f"/etats/{w['other']}/instruire"), login="agent"
    ),
    "instruction.comment": Case(
        lambda b, w: soffi_form(
            b, f"/etats/{w['third']}", f"/etats/{w['third']}/commentaires", line_code="E8", text="Justifiez E8."
        ),
        login="agent",
    ),
    "instruction.validate": Case(
        lambda b, w: soffi_form(b, f"/etats/{w['third']}", f"/etats/{w['third']}/valider"), login="agent"
    ),
    "instruction.send_back": Case(
        lambda b, w: soffi_form(
            b, f"/etats/{w['third']}", f"/etats/{w['third']}/corriger", **{"corriger-comment": "Revoir E8."}
        ),
        login="agent",
    ),
    "instruction.reopen": Case(
        lambda b, w: soffi_form(
            b, f"/etats/{w['validated']}", f"/etats/{w['validated']}/rouvrir", **{"rouvrir-comment": "Erreur en E8."}
        ),
        login="agent",
    ),
    "admin_campaigns.open_": Case(
        lambda b, w: soffi_form(b, "/admin/campagnes", f"/admin/campagnes/{w['preparing']}/ouvrir"), login="agent"
    ),
    "admin_campaigns.close": Case(
        lambda b, w: soffi_form(b, "/admin/campagnes", f"/admin/campagnes/{w['current']}/clore"), login="agent"
    ),
    "admin_bodies.new": Case(
        lambda b, w: soffi_form(
            b,
            "/admin/organismes/nouveau",
            "/admin/organismes/nouveau",
            siret_siege=SOFFI_NEW,
            name="TRANSITIONS PRO DEMO LOIRE",
            body_type="TRANSITIONS_PRO",
        ),
        login="agent",
    ),
    "admin_bodies.show": Case(
        lambda b, w: soffi_form(b, f"/admin/organismes/{w['body']}", f"/admin/organismes/{w['body']}", name="OPCO EP"),
        login="agent",
    ),
    "admin_bodies.deactivate": Case(
        lambda b, w: soffi_form(b, f"/admin/organismes/{w['body']}", f"/admin/organismes/{w['body']}/desactiver"),
        login="agent",
    ),
    "admin_bodies.reactivate": Case(
        lambda b, w: soffi_form(
            b, f"/admin/organismes/{w['inactive']}", f"/admin/organismes/{w['inactive']}/reactiver"
        ),
        login="agent",
    ),
    "admin_campaigns.deadline": Case(
        lambda b, w: soffi_form(
            b,
            "/admin/campagnes",
            f"/admin/campagnes/{w['current']}/date-limite",
            **{f"c{w['current']}-due_on": "15/07/2025"},
        ),
        login="agent",
    ),
}


@pytest.fixture(scope="session")
def soffi_csrf_database(database_server: str | None) -> str:
    """SOFFi's own database for these cases, migrated once (through its migrations)."""
    from flask_migrate import upgrade

    from rp_soffi.extensions import db
    from tests.conftest import new_database
    from tests.rp_soffi.conftest import soffi_config

    url = new_database(database_server, "soffi_csrf")
    with rp_soffi.create_app(soffi_config(url)).app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return url


@pytest.fixture
def soffi_service(soffi_csrf_database: str, tmp_path) -> Iterator[Flask]:
    from rp_soffi.extensions import db
    from tests.rp_soffi.conftest import empty_soffi_tables, soffi_config

    app_ = rp_soffi.create_app(soffi_config(soffi_csrf_database, tmp_path / "attachments"))
    with app_.app_context():
        yield app_
        db.session.remove()
        empty_soffi_tables()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("endpoint", "method", "rule"),
    sorted(set(state_changing_rules(APPS["soffi"])) - set(state_changing_rules(APPS["bpf"]))),
)
def test_soffi_route_refuses_a_request_without_a_valid_token(soffi_service: Flask, endpoint, method, rule):
    from rp_soffi.config import ATTACHMENTS_FOLDER
    from rp_soffi.extensions import db
    from tests.rp_soffi.factories import OPCO_SIRET

    case = SOFFI_CASES.get(endpoint)
    if case is None:
        pytest.fail(f"{endpoint} ({method} {rule}) is new: add to SOFFI_CASES how to reach it logged in, with its form")
    world = soffi_world(soffi_service.config[ATTACHMENTS_FOLDER])
    browser = webtest.TestApp(FreshContext(soffi_service), extra_environ={"HTTP_HOST": "localhost"})
    held = [("agent_dgefp", SOFFI_AGENT)] if case.login == "agent" else [("organisme_collecteur", OPCO_SIRET)]
    rp_log_in(soffi_service, browser, "soffi", held)
    path, fields = case.prepare(browser, world)
    state = lambda: (table_rows(db), rp_session(soffi_service, browser))  # noqa: E731
    check_route(soffi_service, browser, method, path, fields, state, case.acts)
