"""What the tokens say about the user: standard claims per scope, and the habilitations claim."""

from typing import Any

from authlib.oauth2.rfc6749 import scope_to_list
from authlib.oidc.core import UserInfo
from sqlalchemy import bindparam, distinct, func, or_, select

from idp.models import Account, Company, Habilitation, Role, Service
from shared.clock import epoch, in_paris, utcnow
from shared.db import DbSession
from shared.oidc_client.claims import HABILITATIONS_CLAIM, ORGANISATIONS_CLAIM, HabilitationClaim

SCOPE_CLAIMS = {
    "profile": ("given_name", "family_name", "updated_at"),
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
    "habilitations": (HABILITATIONS_CLAIM, ORGANISATIONS_CLAIM),
}
SUPPORTED_CLAIMS = ["sub", *(claim for claims in SCOPE_CLAIMS.values() for claim in claims)]

# Beyond this many habilitations on a service, a token carries one organisation's (idp/services/organisations.py).
# Five with long names keep the service's session cookie near 2.3 KB (a browser keeps 4 KB) and the ID token near
# 4.6 KB: it goes back to the provider in the logout address (`id_token_hint`), hence gunicorn's request line raised
# to 8 190 in scripts/run (tests/integration/test_many_organisations.py measures both).
MAX_HABILITATIONS_IN_TOKEN = 5

# The SIRET a habilitation acts for: the one delegated, else its own.
acted_for = func.coalesce(Habilitation.on_behalf_of_siret, Habilitation.siret)


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
        Company.name.label("company"),
    )
    .join(Role, Role.id == Habilitation.role_id)
    .join(Service, Service.id == Role.service_id)
    .outerjoin(Company, Company.siren == Habilitation.company_siren)
    .where(
        Habilitation.account_id == bindparam("account_id"),
        Role.service_id == bindparam("service_id"),
        Habilitation.revoked_at.is_(None),
        or_(Habilitation.expires_at.is_(None), Habilitation.expires_at > bindparam("now")),
    )
    .order_by(Habilitation.id)
)
# One more row than a token carries tells whether the list must be cut: an accountant's thousand rows are never
# all read (the hottest endpoint, userinfo, runs this).
FIRST_HABILITATIONS = ACTIVE_HABILITATIONS.limit(MAX_HABILITATIONS_IN_TOKEN + 1)
ACTING_HABILITATIONS = ACTIVE_HABILITATIONS.where(acted_for == bindparam("acting_siret")).limit(
    MAX_HABILITATIONS_IN_TOKEN
)
_ACTED_FOR = ACTIVE_HABILITATIONS.with_only_columns(acted_for.label("siret")).order_by(None).subquery()
ORGANISATIONS = select(func.count(distinct(_ACTED_FOR.c.siret)))


def habilitation_claims(
    session: DbSession, account: Account, service_id: int, acting_siret: str | None = None
) -> tuple[list[dict[str, Any]], int | None]:
    """The user's habilitations active now, on the requesting client's service only; and, when they are too many
    for a token (an accountant acting for hundreds of clients), only those of the organisation chosen
    (`acting_siret`) with the number of organisations, else None."""
    params = {"account_id": account.id, "service_id": service_id, "now": utcnow()}
    held = session.execute(FIRST_HABILITATIONS, params).all()
    organisations = None
    if len(held) > MAX_HABILITATIONS_IN_TOKEN:
        organisations = session.scalar(ORGANISATIONS, params)
        held = session.execute(ACTING_HABILITATIONS, params | {"acting_siret": acting_siret}).all()
    listed = [
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
            company=row.company,
        ).to_claim()
        for row in held
    ]
    return listed, organisations


def _value(claim: str, account: Account) -> Any:
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
    return None


def user_info(
    session: DbSession,
    account: Account,
    service_id: int,
    scope: str,
    requested: dict[str, Any] | None = None,
    acting_siret: str | None = None,
) -> UserInfo:
    """Claims granted by the scopes, plus those named in the `claims` request parameter. `service_id`:
    the service of the client asking, whose habilitations only are given (those of `acting_siret` when they
    are too many for a token)."""
    names = [claim for scope_name in scope_to_list(scope) or [] for claim in SCOPE_CLAIMS.get(scope_name, ())]
    names += [name for name in (requested or {}) if name in SUPPORTED_CLAIMS and name not in names]
    info = UserInfo(sub=account.subject)
    if HABILITATIONS_CLAIM in names or ORGANISATIONS_CLAIM in names:
        listed, organisations = habilitation_claims(session, account, service_id, acting_siret)
        info[HABILITATIONS_CLAIM] = listed
        if organisations is not None:
            info[ORGANISATIONS_CLAIM] = organisations
    for name in names:
        if name not in ("sub", HABILITATIONS_CLAIM, ORGANISATIONS_CLAIM):
            value = _value(name, account)
            if value is not None:
                info[name] = value
    return info
