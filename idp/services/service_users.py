"""« Utilisateurs du service »: who has access to a service for a company, searched, counted and paged in SQL.

A company's people for a service are the accounts with an active habilitation in the company
(`Habilitation.company_siren`, delegations to third parties included) or a pending request for it.
Every query starts from those two indexed sets, so a company with thousands of people costs a few
small queries, whatever the size of the account table.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import phonenumbers
from phonenumbers import PhoneNumberFormat
from sqlalchemy import ColumnElement, Select, func, select, union

from idp.models import AccessRequest, AccessRequestStatus, Account, Company, Establishment, Habilitation, Role, Service
from idp.services import habilitations
from idp.services.listing import search_terms
from shared.clock import PARIS, in_paris, utcnow
from shared.db import DbSession
from shared.paging import PAGE_SIZE, Page, page_number

PENDING_FILTER = "en-attente"  # ?role=en-attente: the link of the gestionnaires' e-mails
MAX_LISTED_ESTABLISHMENTS = 50  # beyond, the « AJOUTER » form asks for a SIRET instead of listing them
FRANCE = 33


@dataclass(frozen=True)
class ManagedCompany:
    siren: str
    name: str
    choices: list[tuple[str, str]]  # (SIREN, name) of every company the gestionnaire manages for the service


def find_service(session: DbSession, code: str) -> Service | None:
    return session.scalar(select(Service).where(Service.code == code))


def managed_company(
    session: DbSession, account: Account, service: Service, wanted: str | None, ip: str | None = None
) -> ManagedCompany:
    """The company the gestionnaire looks at: the SIREN asked for, or their first one.

    Raises NotGestionnaire, and audits the attempt, when the account does not manage the service for it.
    """
    sirens = habilitations.managed_sirens(session, account, service)
    siren = wanted if wanted and re.fullmatch(r"\d{9}", wanted) else None
    siren = siren or (sirens[0] if sirens else account.siret[:9])
    if siren not in sirens:
        habilitations.require_gestionnaire(session, account, service, siren, ip)
    names = dict(session.execute(select(Company.siren, Company.name).where(Company.siren.in_(sirens))).all())
    return ManagedCompany(siren, names.get(siren, siren), [(each, names.get(each, each)) for each in sirens])


@dataclass(frozen=True)
class UserFilters:
    query: str = ""
    role: str | None = None  # a role code of the service, or PENDING_FILTER
    third_party: bool | None = None


def parse_filters(service: Service, query: str | None, role: str | None, tiers: str | None) -> UserFilters:
    """The filters of the query string, unknown values dropped (a stale link shows everyone rather than fails)."""
    known_roles = {each.code for each in service.roles} | {PENDING_FILTER}
    return UserFilters(
        query=(query or "").strip()[:200],
        role=role if role in known_roles else None,
        third_party={"oui": True, "non": False}.get(tiers or ""),
    )


def _holders(service: Service, siren: str, now: datetime, *conditions: ColumnElement[bool]) -> Select[int]:
    """Accounts with an active habilitation on the service in the company."""
    return (
        select(Habilitation.account_id)
        .join(Role)
        .where(Role.service_id == service.id, Habilitation.company_siren == siren, habilitations.active(now))
        .where(*conditions)
    )


def _pending(service: Service, siren: str) -> list[ColumnElement[bool]]:
    """The conditions of a pending request for the service in the company."""
    return [
        AccessRequest.service_id == service.id,
        AccessRequest.siren == siren,
        AccessRequest.status == AccessRequestStatus.PENDING,
    ]


def _requesters(service: Service, siren: str, *conditions: ColumnElement[bool]) -> Select[int]:
    """Accounts with a pending request for the service in the company."""
    return select(AccessRequest.account_id).where(*_pending(service, siren), *conditions)


def _matches(term: str, service: Service, siren: str, now: datetime) -> ColumnElement[bool]:
    condition = Account.search_text.contains(term, autoescape=True)
    if term.isdigit():  # a SIRET (or its start): the person's, or one of their habilitations or requests
        condition = (
            condition
            | Account.siret.contains(term, autoescape=True)
            | Account.id.in_(_holders(service, siren, now, Habilitation.siret.contains(term, autoescape=True)))
            | Account.id.in_(_requesters(service, siren, AccessRequest.siret.contains(term, autoescape=True)))
        )
    return condition


def _people(service: Service, siren: str, filters: UserFilters, now: datetime) -> Select[Account]:
    members = union(_holders(service, siren, now), _requesters(service, siren)).subquery()
    query = select(Account).join(members, members.c.account_id == Account.id)
    if filters.role == PENDING_FILTER:
        query = query.where(Account.id.in_(_requesters(service, siren)))
    elif filters.role:
        query = query.where(Account.id.in_(_holders(service, siren, now, Role.code == filters.role)))
    if filters.third_party is not None:
        delegated = Account.id.in_(_holders(service, siren, now, Habilitation.on_behalf_of_siret.is_not(None)))
        query = query.where(delegated if filters.third_party else ~delegated)
    for term in search_terms(filters.query):
        query = query.where(_matches(term, service, siren, now))
    return query


@dataclass(frozen=True)
class RoleCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Facets:
    """The counts of the left column, over the whole company (whatever the search)."""

    roles: list[RoleCount]
    pending: int
    third_party: int
    total: int

    @property
    def not_third_party(self) -> int:
        return self.total - self.third_party


def facets(session: DbSession, service: Service, siren: str) -> Facets:
    now = utcnow()
    people = func.count(func.distinct(Habilitation.account_id))
    by_role = dict(
        session.execute(
            select(Habilitation.role_id, people)
            .join(Role)
            .where(Role.service_id == service.id, Habilitation.company_siren == siren, habilitations.active(now))
            .group_by(Habilitation.role_id)
        ).all()
    )
    pending = session.scalar(
        select(func.count(func.distinct(AccessRequest.account_id))).where(*_pending(service, siren))
    )
    third_party = session.scalar(
        select(people)
        .join(Role)
        .where(
            Role.service_id == service.id,
            Habilitation.company_siren == siren,
            Habilitation.on_behalf_of_siret.is_not(None),
            habilitations.active(now),
        )
    )
    total = session.scalar(select(func.count()).select_from(_people(service, siren, UserFilters(), now).subquery()))
    roles = [
        RoleCount(role.code, role.label, by_role.get(role.id, 0))
        for role in service.roles
        if not role.agents_only or by_role.get(role.id)  # operator roles only when someone holds one here
    ]
    return Facets(roles, pending or 0, third_party or 0, total or 0)


@dataclass(frozen=True)
class PersonRow:
    account: Account
    roles: list[str] = field(default_factory=list)  # role labels, without repeats
    pending: bool = False
    third_party: bool = False


def search(
    session: DbSession, service: Service, siren: str, filters: UserFilters, wanted_page: int | None
) -> Page[PersonRow]:
    """The company's people matching the filters, by name, one page of PAGE_SIZE."""
    now = utcnow()
    query = _people(service, siren, filters, now)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(total, wanted_page)
    accounts = session.scalars(
        query.order_by(Account.nom, Account.prenom, Account.id).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    ).all()
    ids = [account.id for account in accounts]
    held = session.execute(
        select(Habilitation.account_id, Role.label, Habilitation.on_behalf_of_siret)
        .join(Role)
        .where(
            Habilitation.account_id.in_(ids),
            Role.service_id == service.id,
            Habilitation.company_siren == siren,
            habilitations.active(now),
        )
        .order_by(Role.id)
    ).all()
    roles: dict[int, list[str]] = {}
    delegated: set[int] = set()
    for account_id, label, on_behalf_of in held:
        if label not in roles.setdefault(account_id, []):
            roles[account_id].append(label)
        if on_behalf_of is not None:
            delegated.add(account_id)
    waiting = set(session.scalars(_requesters(service, siren, AccessRequest.account_id.in_(ids))))
    rows = [PersonRow(a, roles.get(a.id, []), a.id in waiting, a.id in delegated) for a in accounts]
    return Page(rows, total, number)


@dataclass(frozen=True)
class PersonDetail:
    """What the right-hand panel shows of one person, within the company and the service."""

    account: Account
    requests: list[AccessRequest]
    habilitations: list[Habilitation]  # their own, ✎ and 🗑
    delegations: list[Habilitation]  # as a third party acting for the company: read-only here

    @property
    def telephone(self) -> str:
        """The number as people write it: « 01 22 33 44 55 » in France, international otherwise."""
        stored = self.account.telephone
        if not stored:
            return ""
        try:
            number = phonenumbers.parse(stored)
        except phonenumbers.NumberParseException:
            return stored
        style = PhoneNumberFormat.NATIONAL if number.country_code == FRANCE else PhoneNumberFormat.INTERNATIONAL
        return phonenumbers.format_number(number, style)

    def find_habilitation(self, habilitation_id: int | None) -> Habilitation | None:
        """One of the person's habilitations or delegations in the company (✎ is offered on the former only)."""
        return next((each for each in (*self.habilitations, *self.delegations) if each.id == habilitation_id), None)


def find_person(session: DbSession, service: Service, siren: str, account_id: int) -> PersonDetail | None:
    """The person, if they are one of the company's people for the service; None otherwise."""
    account = session.get(Account, account_id)
    if account is None:
        return None
    held = session.scalars(
        select(Habilitation)
        .join(Role)
        .where(
            Habilitation.account_id == account.id,
            Role.service_id == service.id,
            Habilitation.company_siren == siren,
            habilitations.active(utcnow()),
        )
        .order_by(Habilitation.granted_at, Habilitation.id)
    ).all()
    requests = session.scalars(
        select(AccessRequest)
        .where(AccessRequest.account_id == account.id, *_pending(service, siren))
        .order_by(AccessRequest.created_at, AccessRequest.id)
    ).all()
    if not held and not requests:
        return None
    return PersonDetail(account, list(requests), [h for h in held if not h.delegated], [h for h in held if h.delegated])


def establishments_to_choose(session: DbSession, siren: str) -> list[Establishment] | None:
    """The company's open establishments, head office first; None when there are too many to list."""
    rows = session.scalars(
        select(Establishment)
        .where(Establishment.siren == siren, Establishment.active)
        .order_by(Establishment.headquarters.desc(), Establishment.siret)
        .limit(MAX_LISTED_ESTABLISHMENTS + 1)
    ).all()
    return list(rows) if len(rows) <= MAX_LISTED_ESTABLISHMENTS else None


def today() -> date:
    """Today's date in France, which end dates are compared with."""
    return in_paris(utcnow()).date()


def end_of_day(day: date) -> datetime:
    """The stored (naive UTC) instant a habilitation « Fin le {day} » ends: that day's last second in France."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)


def last_day(expires_at: datetime | None) -> date | None:
    """The day shown as « Fin le … » for a stored end instant."""
    return in_paris(expires_at - timedelta(seconds=1)).date() if expires_at else None


def end_instant(day: date | None, current: datetime | None) -> datetime | None:
    """The stored end for the day chosen in a form: unchanged when it is the day already shown."""
    if day is None:
        return None
    if current is not None and last_day(current) == day:
        return current
    return end_of_day(day)
