import contextvars
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import webtest
from flask import Flask

from idp.extensions import db, mail
from idp.models import Account, OutboxMessage, Service
from shared.outbox import deliver_due
from tests.idp import factories
from tests.idp.portal_data import FORMALOIRE_ANJOU, habilitate, person, services
from tests.mail_server import MailServer, ReceivedMail


@pytest.fixture
def app(idp_app: Flask) -> Flask:
    factories.load_directory(db.session)
    return idp_app


class FreshContext:
    """Serve each request in an empty context, as a real server does.

    Flask reuses an application context that is already pushed, and the test holds one: without this,
    every request of a test would share one `g` and one database session.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return contextvars.Context().run(self.app, environ, start_response)


@pytest.fixture
def client(app: Flask) -> webtest.TestApp:
    return webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "198.51.100.7"})


@pytest.fixture
def deliver(app: Flask, mail_server: MailServer) -> Callable[[], list[ReceivedMail]]:
    """Run the outbox worker once; returns everything the SMTP server has received so far."""

    def run() -> list[ReceivedMail]:
        deliver_due(db.session, OutboxMessage, mail, app.config["MAIL_SENDER"])
        return list(mail_server.received)

    return run


@pytest.fixture
def inbox(
    deliver: Callable[[], list[ReceivedMail]], mail_server: MailServer
) -> Iterator[Callable[[str], list[ReceivedMail]]]:
    """inbox(address): deliver pending mail, then return what that address received."""

    def read(address: str) -> list[ReceivedMail]:
        deliver()
        return mail_server.to(address)

    yield read


@pytest.fixture
def soffi(app: Flask) -> Service:
    """SOFFi, with the other demo services, as the portal's tests use it."""
    return services(db.session)["soffi"]


@pytest.fixture
def manager(soffi: Service) -> Account:
    """Sam GERANTE, gestionnaire of FORMA'LOIRE for SOFFi, on the company's Angers establishment."""
    account = person(db.session, "gestion@formaloire.example", FORMALOIRE_ANJOU, "GERANTE", "Sam")
    habilitate(db.session, account, soffi, "gestionnaire")
    return account
