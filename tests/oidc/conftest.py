"""The provider served over real HTTP on loopback, its registered clients, a user and their browser.

The tests talk to the provider only through HTTP (tests.oidc.rp); the database is used to set up
what the provider would find there (accounts, clients, habilitations), never to read its answers.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, got_request_exception

from idp.extensions import db
from idp.models import Account
from idp.services.clients import register_client
from tests.idp.factories import load_directory, make_account
from tests.live_server import serve
from tests.oidc.rp import Browser, Provider, RelyingParty, new_private_key, public_jwks

SOFFI_CALLBACK = "https://soffi.exemple.test/oidc/callback"
SOFFI_LOGGED_OUT = "https://soffi.exemple.test/deconnecte"


class Dispatcher(Flask):
    """Served once for the whole run, it hands each request to the current test's IdP.

    Starting and stopping a server per test costs half a second (werkzeug polls for shutdown).
    """

    current: Flask | None = None

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Any:  # type: ignore[override]
        if self.current is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"no provider between tests"]
        return self.current(environ, start_response)


@pytest.fixture(scope="session")
def live_idp() -> Iterator[tuple[Dispatcher, str]]:
    dispatcher = Dispatcher("live-idp")
    with serve(dispatcher) as url:
        yield dispatcher, url


@pytest.fixture
def provider(idp_app: Flask, live_idp: tuple[Dispatcher, str]) -> Iterator[Provider]:
    """The IdP on a loopback port, PUBLIC_URL set to it so that `iss` is the served URL.

    Any exception raised while serving fails the test, even if the client saw a plain 500.
    """
    dispatcher, url = live_idp
    load_directory(db.session)
    errors: list[BaseException] = []

    def record(sender: Flask, exception: BaseException, **extra: Any) -> None:
        errors.append(exception)

    idp_app.config["PUBLIC_URL"] = url
    got_request_exception.connect(record, idp_app)
    dispatcher.current = idp_app
    served = Provider(url)
    try:
        yield served
    finally:
        served.close()
        dispatcher.current = None
        got_request_exception.disconnect(record, idp_app)
    assert not errors, f"the provider raised while serving: {errors!r}"


@pytest.fixture
def register(provider: Provider) -> Callable[..., RelyingParty]:
    """register(name, service=..., auth_method=..., ...): a client registered as the CLI does."""

    def make(
        name: str = "SOFFi",
        service: str = "soffi",
        redirect_uri: str = SOFFI_CALLBACK,
        post_logout_redirect_uri: str | None = SOFFI_LOGGED_OUT,
        auth_method: str = "client_secret_basic",
        public: bool = False,
        first_party: bool = True,
        key_alg: str = "RS256",
    ) -> RelyingParty:
        private_key = new_private_key(key_alg) if auth_method == "private_key_jwt" else None
        client, secret = register_client(
            name,
            service,
            [redirect_uri],
            [post_logout_redirect_uri] if post_logout_redirect_uri else [],
            auth_method=auth_method,
            public=public,
            jwks=public_jwks(private_key) if private_key else None,
            first_party=first_party,
        )
        return RelyingParty(
            provider,
            client.client_id,
            redirect_uri,
            auth_method="none" if public else auth_method,
            client_secret=secret,
            private_key=private_key,
            post_logout_redirect_uri=post_logout_redirect_uri,
        )

    return make


@pytest.fixture
def soffi(register: Callable[..., RelyingParty]) -> RelyingParty:
    """SOFFi: first-party, confidential, client_secret_basic."""
    return register()


@pytest.fixture
def bpf(register: Callable[..., RelyingParty]) -> RelyingParty:
    return register("Mon Activité Formation", "bpf", "https://bpf.exemple.test/oidc/callback", None)


@pytest.fixture
def public_rp(register: Callable[..., RelyingParty]) -> RelyingParty:
    return register("Application mobile", "soffi", "https://mobile.exemple.test/callback", None, public=True)


@pytest.fixture
def post_rp(register: Callable[..., RelyingParty]) -> RelyingParty:
    return register("SOFI", "sofi", "https://sofi.exemple.test/callback", None, auth_method="client_secret_post")


@pytest.fixture
def jwt_rp(register: Callable[..., RelyingParty]) -> RelyingParty:
    return register("Appli JWT", "agora", "https://agora.exemple.test/callback", None, auth_method="private_key_jwt")


@pytest.fixture
def third_party(register: Callable[..., RelyingParty]) -> RelyingParty:
    return register(
        "Outil Partenaire", "partenaire", "https://partenaire.exemple.test/callback", None, first_party=False
    )


@pytest.fixture
def account(provider: Provider) -> Account:
    return make_account(db.session, telephone="+33612345678")


@pytest.fixture
def browser(provider: Provider) -> Iterator[Browser]:
    opened = Browser(provider)
    yield opened
    opened.close()


@pytest.fixture
def new_browser(provider: Provider) -> Iterator[Callable[[], Browser]]:
    """More browsers (other people, or the same person elsewhere)."""
    opened: list[Browser] = []

    def make() -> Browser:
        opened.append(Browser(provider))
        return opened[-1]

    yield make
    for each in opened:
        each.close()
