"""`flask --app idp demo load`: the demo directory, accounts, services and portal (idp/demo.py,
idp/demo_portal.py)."""

import click
from flask.cli import AppGroup

from idp import demo_portal
from idp.demo import (
    DEMO_ACCOUNTS,
    DEMO_DATA,
    DEMO_PASSWORD,
    DEMO_SERVICES,
    ensure_habilitations,
    ensure_service_client,
)
from idp.directory_import import import_path
from idp.extensions import db
from idp.models import Civilite
from idp.services.accounts import SignUp, create_account, find_account_by_email
from idp.services.passwords import hash_password
from shared.relying_party import public_url

demo_cli = AppGroup("demo", help="Données de démonstration.")


@demo_cli.command("load")
def load() -> None:
    """Charger le répertoire, les comptes, les services, les habilitations et le portail de démonstration
    (idempotent)."""
    for kind, name in (("companies", "unites_legales.csv"), ("establishments", "establishments.csv")):
        report = import_path(db.session, DEMO_DATA / name, kind)
        click.echo(f"{name} : {report.imported} ligne(s) importée(s).")
    click.echo("\nComptes de démonstration (mot de passe commun : " + DEMO_PASSWORD + ") :")
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose, and every demo account shares it
    for email, civilite, nom, prenom, siret in DEMO_ACCOUNTS:
        if find_account_by_email(db.session, email) is None:
            data = SignUp(siret, email, password_hash, Civilite(civilite), nom, prenom, None)
            create_account(db.session, data, active=True)
        click.echo(f"  - {email}  ({prenom} {nom}, SIRET {siret})")
    click.echo("\nServices clients OpenID Connect :")
    for service in DEMO_SERVICES:
        client = ensure_service_client(db.session, service)
        click.echo(f"  - {client.client_id}  {service.name}  {public_url(service.code, service.port)}")
    added = ensure_habilitations(db.session)
    click.echo(f"\n{added} habilitation(s) de démonstration ajoutée(s).")
    demo_portal.load(db.session, password_hash)
