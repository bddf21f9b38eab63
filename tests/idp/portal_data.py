"""Builders for the portal's tests: the three services as the demo defines them, people and their roles."""

from datetime import datetime

from idp.demo.services import DEMO_SERVICES, ensure_service_client
from idp.models import Account, AccountStatus, Civilite, Habilitation, Role, Service
from shared.clock import utcnow
from shared.db import DbSession
from tests.idp.factories import password_hash

# FORMA'LOIRE CONSEIL (SIREN 997915665): three establishments of one company.
FORMALOIRE_NANTES = "99791566500019"
FORMALOIRE_ESTUAIRE = "99791566500027"
FORMALOIRE_ANJOU = "99791566500035"
# Another company: OPCO DEMO INDUSTRIES ET SERVICES (SIREN 999722812).
OPCO_PARIS = "99972281200016"
OPCO_NANTES = "99972281200024"
CLOSED_SIRET = "99844420200027"


def services(session: DbSession) -> dict[str, Service]:
    """SOFFi, SOFI and Mon Activité Formation with their roles, by code."""
    return {demo.code: ensure_service_client(session, demo).service for demo in DEMO_SERVICES}


def role(service: Service, code: str) -> Role:
    return next(row for row in service.roles if row.code == code)


def person(
    session: DbSession, email: str, siret: str = FORMALOIRE_NANTES, nom: str = "TESTEUR", prenom: str = "Alex"
) -> Account:
    account = Account(
        email=email,
        password_hash=password_hash(),
        civilite=Civilite.MADAME,
        nom=nom,
        prenom=prenom,
        telephone="+33122334455",
        siret=siret,
        status=AccountStatus.ACTIVE,
        activated_at=utcnow(),
    )
    session.add(account)
    session.commit()
    return account


def habilitate(
    session: DbSession,
    account: Account,
    service: Service,
    role_code: str,
    siret: str | None = None,
    via: str = "par code d'activation",
    expires_at: datetime | None = None,
) -> Habilitation:
    habilitation = Habilitation(
        account=account,
        role=role(service, role_code),
        siret=siret or account.siret,
        granted_via=via,
        expires_at=expires_at,
    )
    session.add(habilitation)
    session.commit()
    return habilitation
