"""Demo data: the fictional directory of demo_data/, a few accounts printed with their password, and the
three services (their OpenID Connect clients, roles and a few habilitations of the demo accounts)."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from idp.models import Account, Habilitation, OAuthClient, Role, Service
from idp.services import tokens
from idp.services.clients import register_client
from shared.clock import utcnow
from shared.db import DbSession
from shared.relying_party import client_secret, public_url

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"

# Clearly fictional people (the guides' names are not reused).
DEMO_ACCOUNTS = [
    ("camille.formatrice@formaloire.example", "Mme", "DEMOLOIRE", "Camille", "99791566500019"),
    ("jules.gestionnaire@opco-demo.example", "M", "EXEMPLE", "Jules", "99972281200016"),
    ("ines.comptable@cabinet-demo.example", "Mme", "FICTIVE", "Inès", "99643906300016"),
    # SOFI: a training school of the Pays de la Loire, and a validator of the Carif-Oref.
    ("bastien.formateur@idmv-demo.example", "M", "DEMOVIANDE", "Bastien", "99966088900018"),
    ("lea.valideuse@carif-demo.example", "Mme", "DEMOCARIF", "Léa", "99654944000013"),
]
DEMO_PASSWORD = "Demo-Mes-Demarches-2026"


@dataclass(frozen=True)
class DemoRole:
    code: str
    label: str
    description: str = ""
    agents_only: bool = False  # operator roles, granted by ministry agents only


@dataclass(frozen=True)
class DemoService:
    code: str  # also the client id
    name: str  # short, as on the tiles and in the e-mails: "Demande d'accès à SOFFi"
    description: str
    port: int
    roles: tuple[DemoRole, ...]
    manager_role: str = "gestionnaire"


MANAGE_ACCESS = "Gérer les droits d'accès de vos collaborateurs et déléguer vos droits à un tiers."

# Role codes, labels and descriptions from the guides (docs: ../shared/domain/{soffi,sofi,bpf}.md).
DEMO_SERVICES = [
    DemoService(
        "soffi",
        "SOFFi",
        "Suivi Opérateurs Formation et Financement : la collecte annuelle des organismes collecteurs.",
        5001,
        (
            DemoRole("consultation", "Consultation", "Consultation"),
            DemoRole("organisme_collecteur", "Organisme Collecteur", "Rôle destiné aux organismes collecteurs"),
            DemoRole("gestionnaire", "Gestionnaire", MANAGE_ACCESS),
            DemoRole("agent_dgefp", "Agent du ministère", "Agents de la DGEFP", agents_only=True),
        ),
    ),
    DemoService(
        "sofi",
        "SOFI",
        "Système de l'Offre de Formation Informatisé : votre offre de formation, publiée après validation "
        "par le Carif-Oref.",
        5002,
        (
            DemoRole(
                "gestionnaire",
                "Gestionnaire de l'autosaisie",
                "Compte principal de l'organisme : annuaire, offre de formation et droits d'accès de vos "
                "collaborateurs.",
            ),
            DemoRole("contributeur", "Contributeur", "Saisir l'offre de formation de l'établissement."),
            DemoRole("consultation", "Consultation", "Consulter l'offre de formation sans la modifier."),
            DemoRole("valideur_carif", "Valideur Carif-Oref", "Agents du Carif-Oref", agents_only=True),
        ),
    ),
    DemoService(
        "bpf",
        "Mon Activité Formation",
        "Votre déclaration d'activité et votre bilan pédagogique et financier (BPF).",
        5003,
        (
            DemoRole(
                "declarant", "Déclarant", "Remplir votre déclaration d'activité et votre bilan pédagogique et financier"
            ),
            DemoRole("gestionnaire", "Gestionnaire", MANAGE_ACCESS),
            DemoRole("controle_srf", "Service régional de contrôle", "Agents des DREETS", agents_only=True),
        ),
    ),
]

BY_CODE = "par code d'activation"
# (e-mail, service, role, SIRET, granted via, on behalf of SIRET, delegated by, valid for days)
DEMO_HABILITATIONS = [
    ("camille.formatrice@formaloire.example", "sofi", "gestionnaire", "99791566500019", BY_CODE, None, None, None),
    ("camille.formatrice@formaloire.example", "bpf", "gestionnaire", "99791566500019", BY_CODE, None, None, None),
    ("bastien.formateur@idmv-demo.example", "sofi", "gestionnaire", "99966088900018", BY_CODE, None, None, None),
    ("lea.valideuse@carif-demo.example", "sofi", "valideur_carif", "99654944000013", "par un agent", None, None, None),
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


def ensure_service_client(session: DbSession, service: DemoService) -> OAuthClient:
    """The service, its roles and its client (fixed id, secret from the environment), as they should be."""
    base = public_url(service.code, service.port)
    client = session.scalar(select(OAuthClient).where(OAuthClient.client_id == service.code))
    if client is None:
        client, _ = register_client(
            service.name, service.code, [], [], client_id=service.code, service_name=service.name
        )
    client.name = service.name
    describe_service(client.service, service, f"{base}/")
    client.redirect_uris = [f"{base}/callback"]
    client.post_logout_redirect_uris = [f"{base}/"]
    client.backchannel_logout_uri = f"{base}/backchannel-logout"  # shared.oidc_client's endpoint
    client.client_secret_hash = tokens.digest(client_secret(service.code)[0])
    client.disabled_at = None
    session.commit()
    return client


def describe_service(row: Service, service: DemoService, url: str) -> None:
    """Name, description, portal address and role catalogue of a service, as the demo defines them."""
    row.name, row.description, row.url = service.name, service.description, url
    existing = {role.code: role for role in row.roles}
    for demo_role in service.roles:
        role = existing.get(demo_role.code)
        if role is None:
            role = Role(code=demo_role.code)
            row.roles.append(role)  # through the collection: the session's cascade adds the new role
        role.label, role.description = demo_role.label, demo_role.description
        role.is_manager, role.agents_only = demo_role.code == service.manager_role, demo_role.agents_only


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
