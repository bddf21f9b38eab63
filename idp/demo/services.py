"""The three demo services: their roles as the guides name them, their OpenID Connect clients (fixed ids,
secrets from the environment) and their portal tiles."""

from dataclasses import dataclass

from sqlalchemy import select

from idp.models import OAuthClient, Role, Service
from idp.services import tokens
from idp.services.clients import register_client
from shared.db import DbSession
from shared.relying_party import client_secret, public_url


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
