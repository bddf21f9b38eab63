"""The demo accounts (printed with their common password) and their habilitations on the demo services, and
where the fictional directory they belong to is (demo_data/)."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from idp.models import Civilite, Habilitation, Role, Service
from idp.services.accounts import SignUp, create_account, find_account_by_email
from shared.clock import utcnow
from shared.db import DbSession

DEMO_DATA = Path(__file__).resolve().parent.parent.parent / "demo_data"

# Clearly fictional people (the guides' names are not reused).
DREETS_DEMO = "99300001700018"  # a fictional DREETS (a State service) of the demo directory
DGEFP_DEMO = "99300002500011"  # the fictional DGEFP
DEMO_ACCOUNTS = [
    ("camille.formatrice@formaloire.example", "Mme", "DEMOLOIRE", "Camille", "99791566500019"),
    ("jules.gestionnaire@opco-demo.example", "M", "EXEMPLE", "Jules", "99972281200016"),
    ("ines.comptable@cabinet-demo.example", "Mme", "FICTIVE", "Inès", "99643906300016"),
    # SOFI: a training school of the Pays de la Loire, and a validator of the Carif-Oref.
    ("bastien.formateur@idmv-demo.example", "M", "DEMOVIANDE", "Bastien", "99966088900018"),
    ("lea.valideuse@carif-demo.example", "Mme", "DEMOCARIF", "Léa", "99654944000013"),
    # Mon Activité Formation: an agent of the regional control service (DREETS) of the Pays de la Loire.
    ("paul.controleur@dreets-demo.example", "M", "DEMOCONTROLE", "Paul", DREETS_DEMO),
    # SOFFi: an agent of the DGEFP, who instructs the collecting bodies' statements.
    ("sarah.agente@dgefp-demo.example", "Mme", "DEMODGEFP", "Sarah", DGEFP_DEMO),
]
DEMO_PASSWORD = "Demo-Mes-Demarches-2026"
# The operator roles' région (INSEE code), by (e-mail, service, role): none means national.
DEMO_REGIONS = {("paul.controleur@dreets-demo.example", "bpf", "controle_srf"): "52"}

BY_CODE = "par code d'activation"
# (e-mail, service, role, SIRET, granted via, on behalf of SIRET, delegated by, valid for days)
DEMO_HABILITATIONS = [
    ("camille.formatrice@formaloire.example", "sofi", "gestionnaire", "99791566500019", BY_CODE, None, None, None),
    ("camille.formatrice@formaloire.example", "bpf", "gestionnaire", "99791566500019", BY_CODE, None, None, None),
    ("bastien.formateur@idmv-demo.example", "sofi", "gestionnaire", "99966088900018", BY_CODE, None, None, None),
    ("lea.valideuse@carif-demo.example", "sofi", "valideur_carif", "99654944000013", "par un agent", None, None, None),
    ("paul.controleur@dreets-demo.example", "bpf", "controle_srf", DREETS_DEMO, "par un agent", None, None, None),
    ("sarah.agente@dgefp-demo.example", "soffi", "agent_dgefp", DGEFP_DEMO, "par un agent", None, None, None),
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


def ensure_accounts(session: DbSession, password_hash: str) -> None:
    """Create the demo accounts that are missing, active, with the demo password (hashed once by the caller)."""
    for email, civilite, nom, prenom, siret in DEMO_ACCOUNTS:
        if find_account_by_email(session, email) is None:
            data = SignUp(siret, email, password_hash, Civilite(civilite), nom, prenom, None)
            create_account(session, data, active=True)


def ensure_habilitations(session: DbSession) -> int:
    """Give the demo accounts their habilitations; returns how many were missing."""
    added = 0
    for email, service_code, role_code, siret, via, on_behalf_of, delegated_by, days in DEMO_HABILITATIONS:
        account = find_account_by_email(session, email)
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
                    region=DEMO_REGIONS.get((email, service_code, role_code)),
                )
            )
            added += 1
    session.commit()
    return added
