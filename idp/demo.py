"""Demo data: the fictional directory of demo_data/, a few accounts printed with their password, and the
three services (their OpenID Connect clients, roles and a few habilitations of the demo accounts)."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from idp.directory_import import import_path
from idp.extensions import db
from idp.models import Account, Civilite, Habilitation, OAuthClient, Role, Service
from idp.oidc import tokens
from idp.oidc.cli import register_client
from idp.services.accounts import SignUp, create_account, find_account_by_email
from idp.services.passwords import hash_password
from shared.clock import utcnow
from shared.db import DbSession
from shared.relying_party import client_secret, public_url

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"

# Clearly fictional people (the guides' names are not reused).
DEMO_ACCOUNTS = [
    ("camille.formatrice@formaloire.example", "Mme", "DEMOLOIRE", "Camille", "99791566500019"),
    ("jules.gestionnaire@opco-demo.example", "M", "EXEMPLE", "Jules", "99972281200016"),
    ("ines.comptable@cabinet-demo.example", "Mme", "FICTIVE", "Inès", "99643906300016"),
]
DEMO_PASSWORD = "Demo-Mes-Demarches-2026"


@dataclass(frozen=True)
class DemoService:
    code: str  # also the client id
    name: str
    port: int
    roles: tuple[tuple[str, str], ...]  # (code, label); "gestionnaire" is the manager role
    manager_role: str = "gestionnaire"


# Role codes and labels from the guides (docs: ../shared/domain/{soffi,sofi,bpf}.md).
DEMO_SERVICES = [
    DemoService(
        "soffi",
        "SOFFi — Suivi Opérateurs Formation et Financement",
        5001,
        (
            ("consultation", "Consultation"),
            ("organisme_collecteur", "Organisme Collecteur"),
            ("gestionnaire", "Gestionnaire"),
        ),
    ),
    DemoService(
        "sofi",
        "SOFI — Système de l'Offre de Formation Informatisé",
        5002,
        (
            ("gestionnaire", "Gestionnaire de l'autosaisie"),
            ("contributeur", "Contributeur"),
            ("consultation", "Consultation"),
            ("valideur_carif", "Valideur Carif-Oref"),
        ),
    ),
    DemoService("bpf", "Mon Activité Formation", 5003, (("declarant", "Déclarant"), ("gestionnaire", "Gestionnaire"))),
]

BY_CODE = "par code d'activation"
# (e-mail, service, role, SIRET, granted via, on behalf of SIRET, delegated by, valid for days)
DEMO_HABILITATIONS = [
    ("camille.formatrice@formaloire.example", "sofi", "gestionnaire", "99791566500019", BY_CODE, None, None, None),
    ("camille.formatrice@formaloire.example", "bpf", "gestionnaire", "99791566500019", BY_CODE, None, None, None),
    ("jules.gestionnaire@opco-demo.example", "soffi", "gestionnaire", "99972281200016", BY_CODE, None, None, None),
    (
        "jules.gestionnaire@opco-demo.example",
        "soffi",
        "organisme_collecteur",
        "99972281200016",
        "par Jules EXEMPLE",
        None,
        None,
        None,
    ),
    (
        "ines.comptable@cabinet-demo.example",
        "bpf",
        "declarant",
        "99643906300016",
        "par délégation",
        "99791566500019",
        "Camille DEMOLOIRE",
        365,
    ),
]

demo_cli = AppGroup("demo", help="Données de démonstration.")


@demo_cli.command("load")
def load() -> None:
    """Charger le répertoire, les comptes, les services et les habilitations de démonstration (idempotent)."""
    for kind, name in (("companies", "unites_legales.csv"), ("establishments", "establishments.csv")):
        report = import_path(db.session, DEMO_DATA / name, kind)
        click.echo(f"{name} : {report.imported} ligne(s) importée(s).")
    click.echo("\nComptes de démonstration (mot de passe commun : " + DEMO_PASSWORD + ") :")
    for email, civilite, nom, prenom, siret in DEMO_ACCOUNTS:
        if find_account_by_email(db.session, email) is None:
            data = SignUp(siret, email, hash_password(DEMO_PASSWORD), Civilite(civilite), nom, prenom, None)
            create_account(db.session, data, active=True)
        click.echo(f"  - {email}  ({prenom} {nom}, SIRET {siret})")
    click.echo("\nServices clients OpenID Connect :")
    for service in DEMO_SERVICES:
        client = ensure_service_client(db.session, service)
        click.echo(f"  - {client.client_id}  {service.name}  {public_url(service.code, service.port)}")
    added = ensure_habilitations(db.session)
    click.echo(f"\n{added} habilitation(s) de démonstration ajoutée(s).")


def ensure_service_client(session: DbSession, service: DemoService) -> OAuthClient:
    """The service, its roles and its client (fixed id, secret from the environment), as they should be."""
    base = public_url(service.code, service.port)
    client = session.scalar(select(OAuthClient).where(OAuthClient.client_id == service.code))
    if client is None:
        client, _ = register_client(
            service.name, service.code, [], [], client_id=service.code, service_name=service.name
        )
    client.name = client.service.name = service.name
    client.redirect_uris = [f"{base}/callback"]
    client.post_logout_redirect_uris = [f"{base}/"]
    client.client_secret_hash = tokens.digest(client_secret(service.code)[0])
    client.disabled_at = None
    existing = {role.code: role for role in client.service.roles}
    for code, label in service.roles:
        role = existing.get(code) or Role(service=client.service, code=code)
        role.label, role.is_manager = label, code == service.manager_role
        session.add(role)
    session.commit()
    return client


def ensure_habilitations(session: DbSession) -> int:
    """Give the demo accounts their habilitations; returns how many were missing."""
    added = 0
    for email, service_code, role_code, siret, via, on_behalf_of, delegated_by, days in DEMO_HABILITATIONS:
        account = session.scalar(select(Account).where(Account.email == email))
        role = session.scalar(select(Role).join(Service).where(Service.code == service_code, Role.code == role_code))
        if account is None or role is None:
            continue
        found = session.scalar(
            select(Habilitation).where(
                Habilitation.account_id == account.id, Habilitation.role_id == role.id, Habilitation.siret == siret
            )
        )
        if found is None:
            expires_at = utcnow() + timedelta(days=days) if days else None
            session.add(
                Habilitation(
                    account=account,
                    role=role,
                    siret=siret,
                    granted_via=via,
                    on_behalf_of_siret=on_behalf_of,
                    delegated_by=delegated_by,
                    expires_at=expires_at,
                )
            )
            added += 1
    session.commit()
    return added
