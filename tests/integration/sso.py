"""Helpers for tests that run the IdP and relying parties together over loopback HTTP."""

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urljoin

import httpx
from bs4 import BeautifulSoup
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select

from idp.extensions import db
from idp.models import Account, Company, Habilitation, Role, Service
from idp.services.clients import register_client
from tests.live_server import serve


def rp_test_config(code: str, idp_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        # Its own empty database (the sessions ended by back-channel logout): nothing left by another test.
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tempfile.mkdtemp(prefix=f'mesdemarches-{code}-')}/{code}.sqlite3",
        "PROPAGATE_UNEXPECTED_ERRORS": True,  # a bug fails the test instead of showing the 500 page
        "SECRET_KEY": f"test-{code}-key",
        "RP_ISSUER": idp_url,
        "RP_PORTAL_URL": f"{idp_url}/",
    }


def upgrade_own_database(app: Flask) -> Flask:
    """A service with migrations of its own (SOFI, SOFFi) keeps the ended sessions in its database: its schema is
    brought up to date first (nothing done when it is already)."""
    if "migrate" in app.extensions:
        with app.app_context():
            upgrade()
            app.extensions["migrate"].db.engine.dispose()
    return app


@contextmanager
def serve_relying_party(
    create_app: Callable[[dict[str, Any]], Flask],
    code: str,
    idp_url: str,
    setup: Callable[[Flask], None] | None = None,
    first_party: bool = True,
    client_id: str | None = None,
    config: dict[str, Any] | None = None,
) -> Iterator[tuple[Flask, str]]:
    """A relying party served on a free loopback port, registered at the IdP (running in this process,
    whose app context the caller holds) as a client of service `code`, with that port's URIs (its back-channel
    logout endpoint included, as the demo registers the services). `config`: more settings (SOFI's database)."""
    app = upgrade_own_database(create_app(rp_test_config(code, idp_url) | (config or {})))
    if setup is not None:
        setup(app)
    with serve(app) as url:
        client, secret = register_client(
            f"Service {code}",
            code,
            [f"{url}/callback"],
            [f"{url}/"],
            client_id=client_id or code,
            first_party=first_party,
            backchannel_logout_uri=f"{url}/backchannel-logout",
        )
        app.config.update(RP_PUBLIC_URL=url, RP_CLIENT_ID=client.client_id, RP_CLIENT_SECRET=secret)
        yield app, url


def role(service_code: str, code: str, label: str) -> Role:
    service = db.session.scalar(select(Service).where(Service.code == service_code))
    if service is None:
        service = Service(code=service_code, name=service_code)
        db.session.add(service)
    found = db.session.scalar(select(Role).where(Role.service == service, Role.code == code))
    if found is None:
        found = Role(service=service, code=code, label=label)
        db.session.add(found)
    db.session.commit()
    return found


def grant(account: Account, service_code: str, role_code: str, label: str, siret: str, **extra: Any) -> Habilitation:
    habilitation = Habilitation(
        account=account,
        role=role(service_code, role_code, label),
        siret=siret,
        granted_via=extra.pop("granted_via", "par code d'activation"),
        **extra,
    )
    db.session.add(habilitation)
    db.session.commit()
    return habilitation


def page_text(response: httpx.Response) -> str:
    return BeautifulSoup(response.text, "html.parser").get_text(" ", strip=True)


def submit_form(
    client: httpx.Client,
    response: httpx.Response,
    action: str,
    values: dict[str, str],
    button: str | None = None,
    follow_redirects: bool = True,
) -> httpx.Response:
    """Fill and send the page's form whose action contains `action`, hidden fields (csrf_token) included,
    as a browser does; `button` is the value of the submit button pressed (its name and value are sent)."""
    soup = BeautifulSoup(response.text, "html.parser")
    form = next((f for f in soup.find_all("form") if action in str(f.get("action") or "")), None)
    assert form is not None, f"no form posting to {action!r} on {response.url}"
    data = {str(i["name"]): str(i.get("value") or "") for i in form.find_all("input") if i.get("name")}
    for name in values:
        assert form.find(attrs={"name": name}) is not None, f"no field {name!r} in the form"
    data.update(values)
    if button is not None:
        pressed = form.find("button", attrs={"value": button})
        assert pressed is not None, f"no button {button!r} in the form"
        data[str(pressed["name"])] = button
    url = urljoin(str(response.url), str(form.get("action") or ""))
    return client.post(url, data=data, follow_redirects=follow_redirects)


def client_siret(number: int) -> str:
    """The SIRET of client number `number` of an accountant (its own SIREN: 9 followed by the number)."""
    return f"9{number:08d}00011"


def delegate_clients(account: Account, held: Role, firm_siret: str, names: dict[str, str], **values: Any) -> None:
    """One delegation of `held` to `account` (of the firm `firm_siret`) per client SIRET of `names`, each client's
    company named there: hundreds at once, as an accountant holds them."""
    db.session.execute(insert(Company), [{"siren": siret[:9], "name": name} for siret, name in names.items()])
    rows = [
        {
            "account_id": account.id,
            "role_id": held.id,
            "siret": firm_siret,
            "on_behalf_of_siret": siret,
            "company_siren": siret[:9],
            "granted_via": "par délégation de Camille DEMOLOIRE",
            "delegated_by": "Camille DEMOLOIRE",
        }
        | values
        for siret in names
    ]
    db.session.execute(insert(Habilitation), rows)
    db.session.commit()
