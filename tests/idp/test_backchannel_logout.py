"""Who is told to log a person out (back-channel logout), and whose tokens are revoked, for every change that takes a
right away: a notice for each client of the service (or every client) that has a back-channel URI and that the person
used, in the transaction of the change; the tokens of those clients revoked; nothing for an unchanged habilitation.
The delivery over HTTP is in tests/integration/test_backchannel_logout.py."""

from datetime import timedelta

from sqlalchemy import select

from idp.extensions import db
from idp.models import Account, BackchannelLogout, OAuthClient, OAuthToken, Service
from idp.services import backchannel_logout, delegations, habilitations, password_reset, sessions
from idp.services.clients import register_client
from shared.clock import utcnow
from tests.idp.portal_data import FORMALOIRE_NANTES, OPCO_NANTES, OPCO_PARIS, habilitate, person, role, services


def used(account: Account, client_id: str) -> None:
    """The person obtained tokens for this client (what a login at the service leaves)."""
    now = utcnow()
    db.session.add(
        OAuthToken(
            family=f"{client_id}-{account.id}", client_id=client_id, account_id=account.id, scope="openid",
            access_token_hash=f"a-{client_id}-{account.id}", refresh_token_hash=f"r-{client_id}-{account.id}",
            access_expires_at=now + timedelta(minutes=10), refresh_expires_at=now + timedelta(hours=12), auth_time=now,
        )
    )  # fmt: skip
    db.session.commit()


def notices() -> list[tuple[str, int, str]]:
    rows = db.session.scalars(select(BackchannelLogout).order_by(BackchannelLogout.client_id))
    return [(row.client_id, row.account_id, row.reason) for row in rows]


def revoked(account: Account) -> dict[str, bool]:
    rows = db.session.scalars(select(OAuthToken).where(OAuthToken.account_id == account.id))
    return {row.client_id: row.revoked_at is not None for row in rows}


def test_a_revoked_habilitation_tells_the_service_clients_the_person_used_and_no_other(
    app, manager: Account, soffi: Service
) -> None:
    catalogue = {code: service for code, service in services(db.session).items()}
    colleague = person(db.session, "camille@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Camille")
    held = habilitate(db.session, colleague, soffi, "consultation")
    register_client("SOFFi mobile", "soffi", [], [], client_id="soffi-mobile")  # no back-channel URI
    register_client(
        "SOFFi tiers", "soffi", [], [], client_id="soffi-tiers", backchannel_logout_uri="https://t.example/b"
    )
    for client_id in ("soffi", "soffi-mobile", "bpf"):
        used(colleague, client_id)
    assert db.session.scalar(select(OAuthClient.backchannel_logout_uri).where(OAuthClient.client_id == "soffi"))
    assert catalogue["bpf"].id != soffi.id

    habilitations.revoke_habilitation(db.session, manager, held)
    # SOFFi (used, with a URI): told. SOFFi mobile: no URI. SOFFi tiers: never used. BPF: another service.
    assert notices() == [("soffi", colleague.id, "habilitation_revoked")]
    assert revoked(colleague) == {"soffi": True, "soffi-mobile": True, "bpf": False}


def test_a_changed_role_tells_the_service_an_unchanged_one_does_not(app, manager: Account, soffi: Service) -> None:
    colleague = person(db.session, "camille@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Camille")
    held = habilitate(db.session, colleague, soffi, "organisme_collecteur")
    used(colleague, "soffi")
    habilitations.change_habilitation(db.session, manager, held, held.role, held.expires_at)
    assert notices() == [] and revoked(colleague) == {"soffi": False}
    habilitations.change_habilitation(db.session, manager, held, role(soffi, "consultation"), None)
    assert notices() == [("soffi", colleague.id, "habilitation_changed")]


def test_a_renounced_or_handed_over_delegation_tells_the_service(app) -> None:
    catalogue = services(db.session)
    bpf = catalogue["bpf"]
    accountant = person(db.session, "expert@opco.example", OPCO_PARIS, "COMPTABLE", "Dominique")
    delegation = habilitate(db.session, accountant, bpf, "declarant", via="par délégation")
    delegation.on_behalf_of_siret, delegation.company_siren = FORMALOIRE_NANTES, FORMALOIRE_NANTES[:9]
    db.session.commit()
    used(accountant, "bpf")
    delegations.renounce(db.session, accountant, delegation.id)
    assert notices() == [("bpf", accountant.id, "habilitation_revoked")]
    assert revoked(accountant) == {"bpf": True}

    db.session.execute(BackchannelLogout.__table__.delete())
    again = habilitate(db.session, accountant, bpf, "declarant", via="par délégation")
    again.on_behalf_of_siret, again.company_siren = FORMALOIRE_NANTES, FORMALOIRE_NANTES[:9]
    firm_manager = person(db.session, "associe@opco.example", OPCO_NANTES, "ASSOCIE", "Claude")
    habilitate(db.session, firm_manager, bpf, "gestionnaire")
    colleague = person(db.session, "relais@opco.example", OPCO_NANTES, "RELAIS", "Camille")
    used(colleague, "bpf")
    delegations.hand_over(db.session, firm_manager, bpf, OPCO_PARIS[:9], again.id, colleague.email)
    assert notices() == [("bpf", accountant.id, "habilitation_revoked")]  # the previous holder, not the colleague


def test_nothing_is_queued_if_the_change_is_not_committed(app, manager: Account, soffi: Service) -> None:
    colleague = person(db.session, "camille@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Camille")
    used(colleague, "soffi")
    queued = backchannel_logout.end_account_sessions(db.session, colleague, "account_disabled")
    assert queued == 1
    db.session.rollback()
    assert notices() == [] and revoked(colleague) == {"soffi": False}


def test_a_new_password_tells_the_services_of_the_other_sessions_not_of_the_one_kept(app, soffi: Service) -> None:
    """« Mon compte » keeps the session that changed the password; a reset by e-mail keeps none."""
    holder = person(db.session, "camille@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Camille")
    _, here = sessions.start_session(db.session, holder, "198.51.100.1")
    _, elsewhere = sessions.start_session(db.session, holder, "198.51.100.2")
    for client_id, through in (("soffi", here), ("bpf", elsewhere)):
        used(holder, client_id)
        db.session.execute(
            OAuthToken.__table__.update()
            .where(OAuthToken.client_id == client_id, OAuthToken.account_id == holder.id)
            .values(user_session_id=through.id)
        )
    db.session.commit()

    password_reset.set_password(db.session, holder, "Un nouveau mot de passe 2026", keep=here)
    db.session.commit()
    assert notices() == [("bpf", holder.id, "password_changed")]  # SOFFi's session goes on, with the kept one
    rows = db.session.scalars(select(BackchannelLogout)).all()
    assert [row.sid for row in rows] == [elsewhere.sid]
