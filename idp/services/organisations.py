"""The organisations a person acts for on a service: the establishments of their own habilitations, and those
of the companies that delegated to them (`on_behalf_of_siret`). An accountant may act for hundreds: a token
then carries the habilitations of one organisation only — the one the person chose at the provider (the
service may hint it with `siret_hint`) — and how many there are, so that the service offers to choose again.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, func, select

from idp.models import Company, Habilitation, Role
from idp.oidc.claims import MAX_HABILITATIONS_IN_TOKEN, acted_for
from idp.services import habilitations
from idp.services.listing import search_terms
from shared.clock import utcnow
from shared.db import DbSession
from shared.paging import PAGE_SIZE, Page, page_number


@dataclass(frozen=True)
class Organisation:
    siret: str
    company: str
    roles: list[str]  # the role labels held there
    delegated_by: str | None  # set when it is a delegation
    expires_at: datetime | None  # the first end among them


def _held(account_id: int, service_id: int) -> list[ColumnElement[bool]]:
    return [
        Habilitation.account_id == account_id,
        Role.service_id == service_id,
        habilitations.active(utcnow()),
    ]


def holds(session: DbSession, account_id: int, service_id: int, siret: str) -> bool:
    """True if the person has an active habilitation for this organisation on the service."""
    found = session.scalar(
        select(Habilitation.id).join(Role).where(*_held(account_id, service_id), acted_for == siret).limit(1)
    )
    return found is not None


# Built once (every login for a service asks it), and counting one row more than a token carries at most: an
# accountant's thousand habilitations are never all counted to learn that there are more than five.
_FIRST_HELD = (
    select(Habilitation.id)
    .join(Role)
    .where(
        Habilitation.account_id == bindparam("account_id"),
        Role.service_id == bindparam("service_id"),
        habilitations.active(bindparam("now")),
    )
    .limit(MAX_HABILITATIONS_IN_TOKEN + 1)
)
TOO_MANY_HELD = select(func.count()).select_from(_FIRST_HELD.subquery())


def must_choose(session: DbSession, account_id: int, service_id: int) -> bool:
    """True when the person's habilitations on the service are too many for a token."""
    held = session.scalar(TOO_MANY_HELD, {"account_id": account_id, "service_id": service_id, "now": utcnow()})
    return (held or 0) > MAX_HABILITATIONS_IN_TOKEN


def search(
    session: DbSession, account_id: int, service_id: int, query: str = "", wanted_page: int | None = None
) -> Page[Organisation]:
    """The person's organisations on the service, by company name then SIRET, one page at a time; `query`: words
    of the company's name, or digits of its SIRET."""
    conditions = _held(account_id, service_id)
    for term in search_terms(query):
        digits = term.isdigit()
        conditions.append(acted_for.startswith(term) if digits else Company.name.icontains(term, autoescape=True))
    keys = (
        select(acted_for.label("siret"), func.coalesce(Company.name, "").label("company"))
        .select_from(Habilitation)
        .join(Role)
        .outerjoin(Company, Company.siren == Habilitation.company_siren)
        .where(*conditions)
        .group_by(acted_for, Company.name)
    )
    total = session.scalar(select(func.count()).select_from(keys.subquery())) or 0
    number = page_number(total, wanted_page)
    page = session.execute(keys.order_by("company", "siret").limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    held: dict[str, list[Habilitation]] = {}
    if page:
        rows = session.scalars(
            select(Habilitation)
            .join(Role)
            .where(*_held(account_id, service_id), acted_for.in_([row.siret for row in page]))
            .order_by(Habilitation.id)
        )
        for habilitation in rows:
            held.setdefault(habilitation.on_behalf_of_siret or habilitation.siret, []).append(habilitation)
    items = [_organisation(row.siret, row.company, held.get(row.siret, [])) for row in page]
    return Page(items=items, total=total, number=number)


def _organisation(siret: str, company: str, held: list[Habilitation]) -> Organisation:
    ends = [habilitation.expires_at for habilitation in held if habilitation.expires_at is not None]
    delegations = [habilitation.delegated_by or "" for habilitation in held if habilitation.delegated]
    return Organisation(
        siret=siret,
        company=company or siret,
        roles=[habilitation.role.label for habilitation in held],
        delegated_by=delegations[0] if delegations else None,
        expires_at=min(ends) if ends else None,
    )
