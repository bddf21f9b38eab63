"""What the tokens say about the user: standard claims per scope, and the habilitations claim."""

from typing import Any

from authlib.oauth2.rfc6749 import scope_to_list
from authlib.oidc.core import UserInfo
from sqlalchemy import bindparam, or_, select

from idp.models import Account, Habilitation, Role, Service
from shared.clock import epoch, in_paris, utcnow
from shared.db import DbSession
from shared.oidc_client.claims import HABILITATIONS_CLAIM, HabilitationClaim

SCOPE_CLAIMS = {
    "profile": ("given_name", "family_name", "updated_at"),
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
    "habilitations": (HABILITATIONS_CLAIM,),
}
SUPPORTED_CLAIMS = ["sub", *(claim for claims in SCOPE_CLAIMS.values() for claim in claims)]


# Built once, and read as plain rows: this query runs for every ID token and every userinfo answer,
# and building the statement or ORM objects costs more than PostgreSQL takes to answer.
ACTIVE_HABILITATIONS = (
    select(
        Service.code.label("service"),
        Role.code.label("role"),
        Role.label.label("role_label"),
        Habilitation.siret,
        Habilitation.granted_via,
        Habilitation.on_behalf_of_siret,
        Habilitation.expires_at,
        Habilitation.delegated_by,
        Habilitation.region,
    )
    .join(Role, Role.id == Habilitation.role_id)
    .join(Service, Service.id == Role.service_id)
    .where(
        Habilitation.account_id == bindparam("account_id"),
        Role.service_id == bindparam("service_id"),
        Habilitation.revoked_at.is_(None),
        or_(Habilitation.expires_at.is_(None), Habilitation.expires_at > bindparam("now")),
    )
    .order_by(Habilitation.id)
)


def habilitation_claims(session: DbSession, account: Account, service_id: int) -> list[dict[str, Any]]:
    """The user's habilitations active now, on the requesting client's service only."""
    rows = session.execute(ACTIVE_HABILITATIONS, {"account_id": account.id, "service_id": service_id, "now": utcnow()})
    return [
        HabilitationClaim(
            service=row.service,
            role=row.role,
            role_label=row.role_label,
            siret=row.siret,
            siren=row.siret[:9],
            granted_via=row.granted_via,
            delegated=row.on_behalf_of_siret is not None,
            on_behalf_of_siret=row.on_behalf_of_siret,
            expires_at=in_paris(row.expires_at).isoformat() if row.expires_at else None,
            delegated_by=row.delegated_by,
            region=row.region,
        ).to_claim()
        for row in rows
    ]


def _value(session: DbSession, claim: str, account: Account, service_id: int) -> Any:
    match claim:
        case "given_name":
            return account.prenom
        case "family_name":
            return account.nom
        case "updated_at":
            return epoch(account.updated_at)
        case "email":
            return account.email
        case "email_verified":
            return account.activated_at is not None  # the activation link proved the address
        case "phone_number":
            return account.telephone
        case "phone_number_verified":
            return False
        case "habilitations":
            return habilitation_claims(session, account, service_id)
    return None


def user_info(
    session: DbSession, account: Account, service_id: int, scope: str, requested: dict[str, Any] | None = None
) -> UserInfo:
    """Claims granted by the scopes, plus those named in the `claims` request parameter. `service_id`:
    the service of the client asking, whose habilitations only are given."""
    names = [claim for scope_name in scope_to_list(scope) or [] for claim in SCOPE_CLAIMS.get(scope_name, ())]
    names += [name for name in (requested or {}) if name in SUPPORTED_CLAIMS and name not in names]
    info = UserInfo(sub=account.subject)
    for name in names:
        if name != "sub":
            value = _value(session, name, account, service_id)
            if value is not None:
                info[name] = value
    return info
