"""What the tokens say about the user: standard claims per scope, and the habilitations claim."""

from typing import Any

from authlib.oauth2.rfc6749 import scope_to_list
from authlib.oidc.core import UserInfo
from sqlalchemy import or_, select

from idp.models import Account, Habilitation, OAuthClient, Role
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


def habilitation_claims(session: DbSession, account: Account, client: OAuthClient) -> list[dict[str, Any]]:
    """The user's habilitations active now, for the requesting client's service only."""
    now = utcnow()
    rows = session.scalars(
        select(Habilitation)
        .join(Role)
        .where(
            Habilitation.account_id == account.id,
            Role.service_id == client.service_id,
            Habilitation.revoked_at.is_(None),
            or_(Habilitation.expires_at.is_(None), Habilitation.expires_at > now),
        )
        .order_by(Habilitation.id)
    )
    return [
        HabilitationClaim(
            service=client.service.code,
            role=row.role.code,
            role_label=row.role.label,
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


def _value(session: DbSession, claim: str, account: Account, client: OAuthClient) -> Any:
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
            return habilitation_claims(session, account, client)
    return None


def user_info(
    session: DbSession, account: Account, client: OAuthClient, scope: str, requested: dict[str, Any] | None = None
) -> UserInfo:
    """Claims granted by the scopes, plus those named in the `claims` request parameter."""
    names = [claim for scope_name in scope_to_list(scope) or [] for claim in SCOPE_CLAIMS.get(scope_name, ())]
    names += [name for name in (requested or {}) if name in SUPPORTED_CLAIMS and name not in names]
    info = UserInfo(sub=account.subject)
    for name in names:
        if name != "sub":
            value = _value(session, name, account, client)
            if value is not None:
                info[name] = value
    return info
