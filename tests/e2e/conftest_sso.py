"""Browser fixtures for single sign-on: the IdP live server of conftest.py plus the three services, each
served on its own loopback port and registered at the IdP. Import `services` in the test module."""

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from flask import Flask, got_request_exception
from playwright.sync_api import Page

import rp_bpf
import rp_soffi
import rp_sofi
from tests.conftest import empty_bpf_tables, empty_sofi_tables
from tests.e2e.conftest import AXE_PATH, AXE_SCRIPT, LiveServer
from tests.integration.sso import serve_relying_party


@dataclass
class Services:
    idp: str
    soffi: str
    sofi: str
    bpf: str


@pytest.fixture
def services(live_server: LiveServer, page: Page, sofi_database: str, bpf_database: str) -> Iterator[Services]:
    """SOFFi, SOFI and Mon Activité Formation (with their test databases, emptied afterwards) beside the IdP;
    axe-core answered on their origins too, and an exception in any of them fails the test like one in the IdP."""
    errors: list[BaseException] = []

    def record(sender: Flask, exception: BaseException, **extra: object) -> None:
        errors.append(exception)

    urls = {}
    with ExitStack() as stack:
        for code, package in (("soffi", rp_soffi), ("sofi", rp_sofi), ("bpf", rp_bpf)):
            databases = {"sofi": sofi_database, "bpf": bpf_database}
            config = {"SQLALCHEMY_DATABASE_URI": databases[code]} if code in databases else {}
            app, url = stack.enter_context(
                serve_relying_party(package.create_app, code, live_server.url, config=config)
            )
            if code == "sofi":
                stack.callback(_empty_sofi, app)
            if code == "bpf":
                stack.callback(_empty_bpf, app)
            got_request_exception.connect(record, app)
            page.context.route(url + AXE_PATH, lambda route: route.fulfill(path=AXE_SCRIPT))
            urls[code] = url
        yield Services(idp=live_server.url, **urls)
    assert not errors, f"a service raised while serving the browser: {errors!r}"


def _empty_bpf(app: Flask) -> None:
    from rp_bpf.extensions import db

    with app.app_context():
        empty_bpf_tables()
        db.engine.dispose()


def _empty_sofi(app: Flask) -> None:
    with app.app_context():
        empty_sofi_tables()
        from rp_sofi.extensions import db

        db.engine.dispose()
