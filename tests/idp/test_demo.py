"""`flask --app idp demo load`: the portal's demo data, complete after one load and unchanged by the next."""

import re

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from idp.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from idp.demo.portal import CODE_SIRET, DEMO_STAFFING
from idp.extensions import db
from idp.models import (
    AccessRequest,
    AccessRequestStatus,
    Account,
    AccountStatus,
    ActivationCode,
    AuditEvent,
    Habilitation,
    OutboxMessage,
    Service,
)
from idp.services import access_requests, activation_codes, habilitations
from idp.services.passwords import verify_password

CODE = re.compile(r"- (.+?) : ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})")
MODELS = (Account, Habilitation, AccessRequest, ActivationCode, AuditEvent, OutboxMessage)


def load(app: Flask) -> Result:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    db.session.rollback()  # the command committed in its own session: see its rows
    assert result.exit_code == 0, result.output
    return result


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0 for model in MODELS}


def service(code: str) -> Service:
    found = db.session.scalar(select(Service).where(Service.code == code))
    assert found is not None
    return found


def test_loading_twice_adds_nothing_the_second_time(app: Flask) -> None:
    first = load(app)
    after_first = counts()
    second = load(app)

    assert counts() == after_first
    assert after_first["OutboxMessage"] == 0  # no e-mail for demo requests, nor for anything else
    assert len(CODE.findall(first.output)) == 3
    assert CODE.findall(second.output) == []
    assert second.output.count("un code inutilisé existe déjà") == 3
    assert "activation-codes create --service soffi --siret " + CODE_SIRET in second.output


def test_each_service_has_a_demo_gestionnaire_colleagues_and_requests(app: Flask) -> None:
    load(app)
    demo_emails = {email for email, *_ in DEMO_ACCOUNTS}
    for staffing in DEMO_STAFFING:
        siren = staffing.company.sirets[0][:9]
        managers = {
            account.email for account in habilitations.gestionnaires(db.session, service(staffing.service), siren)
        }
        assert staffing.gestionnaire in managers and staffing.gestionnaire in demo_emails

        holders = db.session.scalars(
            select(Account.email)
            .join(Habilitation, Habilitation.account_id == Account.id)
            .where(
                Habilitation.role.has(service_id=service(staffing.service).id),
                Habilitation.company_siren == siren,
                Habilitation.on_behalf_of_siret.is_(None),  # a third party acting for the company is not of it
            )
            .distinct()
        ).all()
        assert len(holders) >= 10 and all(email.endswith("@" + staffing.company.domain) for email in holders)

        pending = access_requests.pending_requests(db.session, service(staffing.service), siren)
        assert 2 <= len(pending) <= 3
        assert all(request.account.email.endswith("@" + staffing.company.domain) for request in pending)
        assert all(request.escalated_at is None and request.reminded_at is None for request in pending)
        [refused] = db.session.scalars(
            select(AccessRequest).where(
                AccessRequest.service == service(staffing.service), AccessRequest.status == AccessRequestStatus.REFUSED
            )
        ).all()
        assert refused.refusal_reason and refused.decided_by is not None
        assert [row.event.value for row in access_requests.history(db.session, refused)] == [
            "habilitation:request:created",
            "habilitation:request:refused",
        ]


def test_demo_people_are_active_and_share_the_demo_password_hashed_once(app: Flask) -> None:
    load(app)
    people = db.session.scalars(select(Account).where(Account.email.like("%@opco-demo.example"))).all()
    assert len(people) > 24
    assert all(person.status is AccountStatus.ACTIVE for person in people)
    assert len({person.password_hash for person in people}) == 1
    assert verify_password(DEMO_PASSWORD, people[-1].password_hash)[0]


def test_a_printed_code_makes_the_firm_gestionnaire(app: Flask) -> None:
    codes = dict(CODE.findall(load(app).output))
    ines = db.session.scalar(select(Account).where(Account.email == "ines.comptable@cabinet-demo.example"))
    assert ines is not None

    activation_codes.redeem_code(db.session, ines, service("soffi"), CODE_SIRET, codes["SOFFi"])

    assert habilitations.is_gestionnaire(db.session, ines, service("soffi"), CODE_SIRET[:9])
    assert "- SOFFi : " in load(app).output  # used: a new one is made and printed
