"""Demo data: the fictional directory of demo_data/ and a few accounts, printed with their passwords."""

from pathlib import Path

import click
from flask.cli import AppGroup

from idp.directory_import import import_path
from idp.extensions import db
from idp.models import Civilite
from idp.services.accounts import SignUp, create_account, find_account_by_email
from idp.services.passwords import hash_password

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"

# Clearly fictional people (the guides' names are not reused).
DEMO_ACCOUNTS = [
    ("camille.formatrice@formaloire.example", "Mme", "DEMOLOIRE", "Camille", "99791566500019"),
    ("jules.gestionnaire@opco-demo.example", "M", "EXEMPLE", "Jules", "99972281200016"),
    ("ines.comptable@cabinet-demo.example", "Mme", "FICTIVE", "Inès", "99643906300016"),
]
DEMO_PASSWORD = "Demo-Mes-Demarches-2026"

demo_cli = AppGroup("demo", help="Données de démonstration.")


@demo_cli.command("load")
def load() -> None:
    """Charger le répertoire de démonstration et les comptes de démonstration (idempotent)."""
    for kind, name in (("companies", "unites_legales.csv"), ("establishments", "establishments.csv")):
        report = import_path(db.session, DEMO_DATA / name, kind)
        click.echo(f"{name} : {report.imported} ligne(s) importée(s).")
    click.echo("\nComptes de démonstration (mot de passe commun : " + DEMO_PASSWORD + ") :")
    for email, civilite, nom, prenom, siret in DEMO_ACCOUNTS:
        if find_account_by_email(db.session, email) is None:
            data = SignUp(siret, email, hash_password(DEMO_PASSWORD), Civilite(civilite), nom, prenom, None)
            create_account(db.session, data, active=True)
        click.echo(f"  - {email}  ({prenom} {nom}, SIRET {siret})")
