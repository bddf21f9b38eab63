"""`flask --app idp demo load`: the demo directory, accounts, services and portal (idp/demo/)."""

import click
from flask.cli import AppGroup

from idp.demo import portal
from idp.demo.accounts import DEMO_ACCOUNTS, DEMO_DATA, DEMO_PASSWORD, ensure_accounts, ensure_habilitations
from idp.demo.services import DEMO_SERVICES, ensure_service_client
from idp.directory_import import import_path
from idp.extensions import db
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
    ensure_accounts(db.session, password_hash)
    for email, _, nom, prenom, siret in DEMO_ACCOUNTS:
        click.echo(f"  - {email}  ({prenom} {nom}, SIRET {siret})")
    click.echo("\nServices clients OpenID Connect :")
    for service in DEMO_SERVICES:
        client = ensure_service_client(db.session, service)
        click.echo(f"  - {client.client_id}  {service.name}  {public_url(service.code, service.port)}")
    added = ensure_habilitations(db.session)
    click.echo(f"\n{added} habilitation(s) de démonstration ajoutée(s).")
    portal.load(db.session, password_hash)
