"""Demo data of the services portal: each service gets a company whose gestionnaire is a demo account, a
few dozen colleagues with various roles, pending access requests, one refused request, and an unused
activation code.

The colleagues are generated from a list of French first names and a list of invented surnames; they are
all active with the demo password. Access requests are written as rows with their audit entry but without
e-mails: a demo load must not fill the outbox (the hourly follow-up reminds the gestionnaires once they are
7 days old, as for any request). Everything is added only when missing, so loading again changes nothing.
"""

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import click
from sqlalchemy import func, select

from idp.models import (
    AccessRequest,
    AccessRequestStatus,
    Account,
    ActivationCode,
    AuditEventType,
    Civilite,
    Company,
    Habilitation,
    Role,
    Service,
)
from idp.services import activation_codes, audit
from idp.services.accounts import SignUp, find_account_by_email, new_account
from shared.clock import utcnow
from shared.db import DbSession

FIRST_NAMES = [
    ("Mme", "Adèle"), ("M", "Baptiste"), ("Mme", "Chloé"), ("M", "Damien"), ("Mme", "Élodie"), ("M", "Florian"),
    ("Mme", "Gaëlle"), ("M", "Hugo"), ("Mme", "Inès"), ("M", "Jérôme"), ("Mme", "Karine"), ("M", "Loïc"),
    ("Mme", "Manon"), ("M", "Nicolas"), ("Mme", "Océane"), ("M", "Pascal"), ("Mme", "Quitterie"), ("M", "Rémi"),
    ("Mme", "Solène"), ("M", "Thibault"), ("Mme", "Ursule"), ("M", "Valentin"), ("Mme", "Wendy"), ("M", "Xavier"),
    ("Mme", "Yasmine"), ("M", "Zacharie"), ("Mme", "Agathe"), ("M", "Bruno"), ("Mme", "Céline"), ("M", "Denis"),
    ("Mme", "Estelle"), ("M", "Fabrice"),
]  # fmt: skip
SURNAMES = [
    "AUBERLIN", "BALDOREAU", "CASTELMIR", "DOUVRELLE", "ESPARVIN", "FARGELOT", "GRANVIGNE", "HAUTEBRUNE",
    "ISOLDEAU", "JORVILLAC", "KERDAVEL", "LAMBRESQUE", "MARTOLLET", "NOIRVAUX", "ORMELANDE", "PERDRIAC",
    "QUINTAVEL", "ROCHEMOLLE", "SAULNERIN", "TRÉMOLIN", "URVAILLE", "VASSELIN", "WARMONTEL", "YVERNAUD",
    "ZABRELLE", "BRESSOLIER", "CHAMPAVEAU", "DELAFRICHE", "FONTELOUP", "GUERMOLIN", "LOUVRÈCHE", "MIRABELOT",
]  # fmt: skip
PEOPLE_PER_COMPANY = 30
NO_ROLE = ""  # in a role cycle: this colleague has no access to the service (and may ask for it)
# Where the demo activation codes are for: the accountant's firm, which no service knows yet. Inès FICTIVE
# (ines.comptable@cabinet-demo.example) can enter them to become its gestionnaire.
CODE_SIRET = "99643906300016"
CODE_CREATED_BY = "données de démonstration"


@dataclass(frozen=True)
class DemoCompany:
    domain: str  # its people's e-mails: prenom.nom@<domain>
    sirets: tuple[str, ...]  # its establishments; people are spread over them
    offset: int  # where its people start in the name lists, so that two companies do not look alike


@dataclass(frozen=True)
class DemoStaffing:
    service: str
    company: DemoCompany
    gestionnaire: str  # the demo account managing the service for the company (see DEMO_HABILITATIONS)
    roles: tuple[str, ...]  # given in turn to the company's people
    wished: tuple[str, ...]  # the roles of the pending requests, asked by people without access
    refused: tuple[str, str]  # one more request: the role asked, and the gestionnaire's reason for refusing it


OPCO = DemoCompany("opco-demo.example", ("99972281200016", "99972281200024", "99972281200032"), 0)
FORMALOIRE = DemoCompany("formaloire.example", ("99791566500019", "99791566500027", "99791566500035"), 11)
C, OC, CT, D, G = "consultation", "organisme_collecteur", "contributeur", "declarant", "gestionnaire"
DEMO_STAFFING = [
    DemoStaffing(
        "soffi",
        OPCO,
        "jules.gestionnaire@opco-demo.example",
        (C, OC, NO_ROLE, C, OC, C, NO_ROLE, OC, C, NO_ROLE, OC, C, G, C, NO_ROLE),
        (OC, C, C),
        (G, "La gestion des accès reste confiée au siège. Demandez plutôt le rôle « Consultation »."),
    ),
    DemoStaffing(
        "sofi",
        FORMALOIRE,
        "camille.formatrice@formaloire.example",
        (CT, C, NO_ROLE, CT, NO_ROLE, C, CT, NO_ROLE, C, CT, NO_ROLE, G),
        (CT, C),
        (CT, "L'offre de votre site est saisie par l'équipe de Nantes : le rôle « Consultation » vous suffira."),
    ),
    DemoStaffing(
        "bpf",
        FORMALOIRE,
        "camille.formatrice@formaloire.example",
        (D, NO_ROLE, NO_ROLE, D, NO_ROLE, NO_ROLE),
        (D, D, D),
        (D, "Le bilan pédagogique et financier est déclaré par le service comptable uniquement."),
    ),
]
PENDING_AGES = (timedelta(days=5), timedelta(days=3), timedelta(days=1))  # under 7 days: no reminder yet
REFUSED_AGE = timedelta(days=12)


def ascii_slug(value: str) -> str:
    """Adèle → adele, TRÉMOLIN → tremolin: the local part of a demo e-mail address."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "-").replace("'", "")


def _service(session: DbSession, code: str) -> Service | None:
    return session.scalar(select(Service).where(Service.code == code))


def people(company: DemoCompany) -> Iterator[tuple[str, Civilite, str, str, str]]:
    """(e-mail, civilité, nom, prénom, SIRET) of the company's people, always the same ones in the same order."""
    for index in range(PEOPLE_PER_COMPANY):
        civilite, prenom = FIRST_NAMES[(index + company.offset) % len(FIRST_NAMES)]
        # 7 is prime with the list's length: every index gets another surname.
        nom = SURNAMES[(index * 7 + company.offset) % len(SURNAMES)]
        email = f"{ascii_slug(prenom)}.{ascii_slug(nom)}@{company.domain}"
        yield email, Civilite(civilite), nom, prenom, company.sirets[index % len(company.sirets)]


def ensure_people(session: DbSession, company: DemoCompany, password_hash: str) -> tuple[list[Account], int]:
    """The company's people (created when missing, active with the demo password), and how many were created."""
    accounts, created = [], 0
    for email, civilite, nom, prenom, siret in people(company):
        account = find_account_by_email(session, email)
        if account is None:
            account = new_account(SignUp(siret, email, password_hash, civilite, nom, prenom, None), active=True)
            session.add(account)
            created += 1
        accounts.append(account)
    session.flush()
    return accounts, created


def ensure_staffing(session: DbSession, staffing: DemoStaffing, accounts: list[Account]) -> tuple[int, int]:
    """Roles on the service for the company's people, then the access requests; returns what was added."""
    service, manager = _service(session, staffing.service), find_account_by_email(session, staffing.gestionnaire)
    if service is None or manager is None:
        return 0, 0
    roles = {role.code: role for role in service.roles}
    added, without_access = 0, []
    for index, account in enumerate(accounts):
        code = staffing.roles[index % len(staffing.roles)]
        if code == NO_ROLE:
            without_access.append(account)
        elif _ensure_habilitation(session, account, roles[code], manager, index):
            added += 1
    asked: list[tuple[str, timedelta, str | None]] = [
        (code, age, None) for code, age in zip(staffing.wished, PENDING_AGES, strict=False)
    ]
    asked.append((staffing.refused[0], REFUSED_AGE, staffing.refused[1]))
    requests = 0
    for (code, age, reason), account in zip(asked, without_access, strict=False):
        if _ensure_request(session, account, service, roles[code], manager, age, reason):
            requests += 1
    session.commit()
    return added, requests


def _ensure_habilitation(session: DbSession, account: Account, role: Role, manager: Account, index: int) -> bool:
    found = session.scalar(
        select(Habilitation.id).where(Habilitation.account_id == account.id, Habilitation.role_id == role.id)
    )
    if found is not None:
        return False
    granted_at = utcnow() - timedelta(days=20 + 11 * index)
    session.add(
        Habilitation(
            account=account,
            role=role,
            siret=account.siret,
            granted_via=f"par {manager.display_name}",
            granted_by_id=manager.id,
            granted_at=granted_at,
            # One colleague in seven helps for a season only: the portal shows end dates too.
            expires_at=utcnow() + timedelta(days=60) if index % 7 == 3 else None,
        )
    )
    return True


def _ensure_request(
    session: DbSession,
    account: Account,
    service: Service,
    role: Role,
    manager: Account,
    age: timedelta,
    refusal: str | None,
) -> bool:
    """A request of the account for the service (pending, or refused with this reason), unless it has one."""
    exists = session.scalar(
        select(AccessRequest.id).where(AccessRequest.account_id == account.id, AccessRequest.service_id == service.id)
    )
    if exists is not None:
        return False
    created_at = utcnow() - age
    request = AccessRequest(
        account=account, service=service, role=role, siret=account.siret, siren=account.siret[:9], created_at=created_at
    )
    session.add(request)
    session.flush()
    details = {"role": role.code, "siret": request.siret, "request_id": request.id}
    asked = audit.record_access(
        session, AuditEventType.ACCESS_REQUESTED, account, None, service, request.siren, account, **details
    )
    asked.created_at = created_at
    if refusal is not None:
        request.status, request.refusal_reason = AccessRequestStatus.REFUSED, refusal
        request.decided_at, request.decided_by = created_at + timedelta(days=2), manager
        refused = audit.record_access(
            session, AuditEventType.ACCESS_REQUEST_REFUSED, manager, None, service, request.siren, account, **details
        )
        refused.created_at = request.decided_at
    return True


def ensure_activation_code(session: DbSession, service: Service) -> str | None:
    """A new code for the service on CODE_SIRET, unless an unused one is still valid; only a new one can be shown."""
    unused = session.scalar(
        select(ActivationCode.id).where(
            ActivationCode.service_id == service.id,
            ActivationCode.siret == CODE_SIRET,
            ActivationCode.used_at.is_(None),
            ActivationCode.expires_at > utcnow(),
        )
    )
    if unused is not None:
        return None
    return activation_codes.create_code(session, service, CODE_SIRET, CODE_CREATED_BY)


def load(session: DbSession, password_hash: str) -> None:
    """Add what is missing of the portal's demo data, and print what there is."""
    click.echo("\nPortail des démarches :")
    companies: dict[str, list[Account]] = {}
    for staffing in DEMO_STAFFING:
        company = staffing.company
        if company.domain not in companies:
            companies[company.domain], created = ensure_people(session, company, password_hash)
            click.echo(f"  {company.domain} : {len(companies[company.domain])} personnes ({created} ajoutée(s))")
        added, requests = ensure_staffing(session, staffing, companies[company.domain])
        service = _service(session, staffing.service)
        siren = company.sirets[0][:9]
        name = session.get(Company, siren)
        pending = session.scalar(
            select(func.count(AccessRequest.id)).where(
                AccessRequest.service == service,
                AccessRequest.siren == siren,
                AccessRequest.status == AccessRequestStatus.PENDING,
            )
        )
        click.echo(
            f"  {staffing.service} : {name.name if name else siren}, gestionnaire {staffing.gestionnaire} ; "
            f"{added} habilitation(s) et {requests} demande(s) ajoutée(s), {pending} demande(s) en attente"
        )
    _echo_codes(session)


def _echo_codes(session: DbSession) -> None:
    company = session.get(Company, CODE_SIRET[:9])
    click.echo(
        f"\nCodes d'activation (SIRET {CODE_SIRET}, {company.name if company else ''}) : connectez-vous par exemple "
        "avec ines.comptable@cabinet-demo.example, puis « Ajouter une démarche » › « Saisir le code d'activation »."
    )
    for staffing in DEMO_STAFFING:
        service = _service(session, staffing.service)
        if service is None:
            continue
        code = ensure_activation_code(session, service)
        if code is not None:
            click.echo(f"  - {service.name} : {code}  (nouveau, valable 90 jours ; il ne sera plus affiché)")
        else:
            click.echo(
                f"  - {service.name} : un code inutilisé existe déjà, conservé chiffré et donc non réaffichable. "
                f"Pour en créer un autre : flask --app idp activation-codes create --service {service.code} "
                f"--siret {CODE_SIRET}"
            )
