"""OpenID Connect Back-Channel Logout 1.0 between the IdP and SOFFi, both served over real HTTP on loopback: a
revocation at the provider ends the person's open session at the service as soon as the worker has run; a logout
token that is forged, replayed, addressed to another client, carries a nonce, has expired or names no event is
refused with 400 and ends nothing; a service that is down gets the notice later; a worker that dies mid-run loses
nothing.

SOFFi keeps the ended sessions in its database: on PostgreSQL runs, a PostgreSQL database of its own."""

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt as pyjwt
import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

import rp_bpf
import rp_soffi
from idp.extensions import db
from idp.models import (
    Account,
    AuditEvent,
    AuditEventType,
    BackchannelLogout,
    Company,
    Habilitation,
    OAuthToken,
    Role,
    Service,
    UserSession,
)
from idp.oidc import keys
from idp.oidc.claims import MAX_HABILITATIONS_IN_TOKEN
from idp.services import backchannel_logout, habilitations
from idp.services.clients import register_client
from rp_bpf.extensions import db as bpf_db
from rp_soffi.extensions import db as soffi_db
from rp_soffi.models import BodyUser
from rp_soffi.services import recipients
from shared.clock import epoch, utcnow
from shared.oidc_client import ended_sessions
from shared.oidc_client.access import current_user, login_required
from shared.oidc_client.claims import RIGHTS_CHANGED_EVENT, HabilitationClaim
from tests.conftest import empty_bpf_tables, new_database
from tests.idp.factories import SIRET, make_account
from tests.integration.conftest import OPCO_SIRET
from tests.integration.sso import (
    grant,
    page_text,
    rp_test_config,
    serve_relying_party,
    submit_form,
    upgrade_own_database,
)
from tests.integration.test_sso_round_trip import rp_session, sign_in
from tests.live_server import serve

EVENT = {"http://schemas.openid.net/event/backchannel-logout": {}}


def later(**delta: float) -> datetime:
    """A moment from now, for time-machine (which reads a naive datetime as local time)."""
    return datetime.now(UTC) + timedelta(**delta)


def add_private_page(app: Flask) -> None:
    """/moi: for a logged-in person only (the services' pages are behind `login_required`)."""

    def me() -> str:
        user = current_user()
        assert user is not None
        return f"Bonjour {user.display_name}"

    app.add_url_rule("/moi", "me", login_required(me))


@pytest.fixture(scope="session")
def services_database(database_server: str | None) -> str | None:
    """On PostgreSQL runs, the services' own database is PostgreSQL too (on SQLite, each gets a temporary file)."""
    return None if database_server is None else new_database(database_server, "services_bcl")


@pytest.fixture
def store_config(services_database: str | None) -> Iterator[dict[str, Any]]:
    if services_database is None:
        yield {}
        return
    yield {"SQLALCHEMY_DATABASE_URI": services_database}
    engine = sa.create_engine(services_database)
    with engine.begin() as connection:
        for table in ended_sessions.TABLES:
            connection.execute(table.delete())
        if sa.inspect(connection).has_table(BodyUser.__tablename__):  # what SOFFi learns at each login
            connection.execute(sa.delete(BodyUser))
    engine.dispose()


def dispose(app: Flask) -> None:
    app.extensions[ended_sessions.EXTENSION].dispose()
    if "sqlalchemy" in app.extensions:  # SOFFi keeps them in its own database (Flask-SQLAlchemy's engine)
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()


@pytest.fixture
def soffi(idp_url: str, store_config: dict[str, Any]) -> Iterator[tuple[Flask, str]]:
    with serve_relying_party(rp_soffi.create_app, "soffi", idp_url, setup=add_private_page, config=store_config) as sv:
        yield sv
        dispose(sv[0])


def is_logged_in(http: httpx.Client, url: str) -> bool:
    page = http.get(url + "/moi", follow_redirects=False)
    if page.status_code == 302:
        assert page.headers["Location"] == "/connexion?next=%2Fmoi"  # the next request asks to log in
        return False
    assert page.status_code == 200 and "Bonjour Claire TESTEUSE" in page.text
    return True


def deliver(idp_app: Flask) -> str:
    """The worker's pass, as `scripts/run` runs it (`flask --app idp outbox work` does this every second)."""
    result = idp_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return str(result.output)


def gestionnaire_of_soffi() -> Account:
    manager = make_account(db.session, email="gestion@formaloire.example", prenom="Sam", nom="GERANTE")
    grant(manager, "soffi", "gestionnaire", "Gestionnaire", SIRET)
    role = db.session.scalar(select(Role).join(Service).where(Service.code == "soffi", Role.code == "gestionnaire"))
    assert role is not None
    role.is_manager = True
    db.session.commit()
    return manager


def consultation_of(account: Account) -> int:
    return next(h.id for h in habilitations.habilitations_of(db.session, account) if h.role.code == "consultation")


def test_a_revoked_habilitation_ends_the_open_session_at_the_service(
    idp_app: Flask, http: httpx.Client, soffi: tuple[Flask, str], account: Account
) -> None:
    app, soffi_url = soffi
    manager = gestionnaire_of_soffi()
    home = sign_in(http, soffi_url, account.email)
    assert "Consultation" in page_text(home) and is_logged_in(http, soffi_url)
    # The ID token names the login session by its public sid, which the service keeps.
    kept = rp_session(app, http)
    sid = pyjwt.decode(kept["rp_id_token"], options={"verify_signature": False})["sid"]
    user_session = db.session.scalar(select(UserSession).where(UserSession.account_id == account.id))
    assert user_session is not None and sid == user_session.sid == kept["rp_sid"]
    assert sid not in http.cookies.get("idp_session", "")  # not the session's secret token

    # The gestionnaire revokes « Consultation » (what the « 🗑 » of « Utilisateurs du service » calls).
    service = db.session.scalar(select(Service).where(Service.code == "soffi"))
    held = habilitations.get_managed_habilitation(db.session, manager, service, consultation_of(account))
    habilitations.revoke_habilitation(db.session, manager, held)
    [notice] = db.session.scalars(select(BackchannelLogout)).all()
    assert (notice.client_id, notice.account_id, notice.sid, notice.sent_at) == ("soffi", account.id, None, None)
    # SOFFi's tokens for Claire are revoked with it; the service is told only when the worker runs.
    assert all(row.revoked_at for row in db.session.scalars(select(OAuthToken)))
    assert is_logged_in(http, soffi_url)

    assert "1 avis de déconnexion transmis" in deliver(idp_app)
    assert not is_logged_in(http, soffi_url)
    db.session.expire_all()
    assert db.session.get(BackchannelLogout, notice.id).sent_at is not None  # type: ignore[union-attr]
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.event == AuditEventType.BACKCHANNEL_LOGOUT_SENT))
    assert audit is not None and audit.account_id == account.id
    assert audit.data == {"client_id": "soffi", "reason": "habilitation_revoked", "sid": None}
    assert "0 avis de déconnexion transmis" in deliver(idp_app)  # sent once

    # The next login (single sign-on: no password) carries no such claim.
    again = http.get(soffi_url + "/connexion")
    assert str(again.url) == f"{soffi_url}/"
    assert "Organisme Collecteur" in page_text(again) and "Consultation" not in page_text(again)
    claims = pyjwt.decode(rp_session(app, http)["rp_id_token"], options={"verify_signature": False})
    assert [h["role"] for h in claims["habilitations"]] == ["organisme_collecteur"]
    assert is_logged_in(http, soffi_url)


def body_addresses(app: Flask) -> list[str]:
    """Whom SOFFi's e-mails about the OPCO's statements go to now (rp_soffi/services/recipients.py)."""
    with app.app_context():
        return recipients.addresses(soffi_db.session, OPCO_SIRET[:9], utcnow())


def test_soffi_mails_a_body_only_to_whom_the_provider_says_holds_a_right_on_it_now(
    idp_app: Flask, http: httpx.Client, soffi: tuple[Flask, str], account: Account
) -> None:
    """SOFFi mails a body's users as their last login told it; a change of their rights at the provider corrects it,
    even with no session open at SOFFi — someone whose account is disabled receives nothing more."""
    app, soffi_url = soffi
    manager = gestionnaire_of_soffi()
    sign_in(http, soffi_url, account.email)
    assert body_addresses(app) == [account.email]  # « Organisme Collecteur » of the OPCO

    # « Consultation » on another establishment revoked: told to SOFFi, the person is still the OPCO's collector.
    service = db.session.scalar(select(Service).where(Service.code == "soffi"))
    held = habilitations.get_managed_habilitation(db.session, manager, service, consultation_of(account))
    habilitations.revoke_habilitation(db.session, manager, held)
    assert "1 avis de déconnexion transmis" in deliver(idp_app)
    assert not is_logged_in(http, soffi_url) and body_addresses(app) == [account.email]

    # The account disabled: no session open at SOFFi any more, and yet it stops mailing the person.
    runner = idp_app.test_cli_runner()
    assert runner.invoke(args=["accounts", "disable", account.email]).exit_code == 0
    assert "1 avis de déconnexion transmis" in deliver(idp_app)
    assert body_addresses(app) == []

    # Enabled again, the person logs in: SOFFi knows them again from the claims.
    assert runner.invoke(args=["accounts", "enable", account.email]).exit_code == 0
    sign_in(http, soffi_url, account.email)
    assert body_addresses(app) == [account.email]


def test_soffi_reads_the_rights_in_a_valid_token_only_and_forgets_when_they_are_not_all_given(
    idp_url: str, http: httpx.Client, soffi: tuple[Flask, str], account: Account
) -> None:
    app, soffi_url = soffi
    sign_in(http, soffi_url, account.email)
    sid = rp_session(app, http)["rp_sid"]

    def with_rights(rights: dict[str, Any], **changed: Any) -> str:
        claims = valid_claims(idp_url, account, None) | {"events": EVENT | {RIGHTS_CHANGED_EVENT: rights}}
        return signed(claims | changed)

    # An ordinary logout: the session ends, the person stays a recipient.
    assert post_token(soffi_url, signed(valid_claims(idp_url, account, sid))).status_code == 200
    assert not is_logged_in(http, soffi_url) and body_addresses(app) == [account.email]
    # The rights event in a token that fails a check changes nothing.
    assert post_token(soffi_url, with_rights({"habilitations": []}, aud="sofi")).status_code == 400
    assert body_addresses(app) == [account.email]
    # Collector of another body now: the OPCO's mails no longer reach the person, the other body's do.
    other = HabilitationClaim(
        "soffi", "organisme_collecteur", "Organisme Collecteur", "99643906300016", "996439063", "par code d'activation"
    )
    assert post_token(soffi_url, with_rights({"habilitations": [other.to_claim()]})).status_code == 200
    assert body_addresses(app) == []
    with app.app_context():
        assert recipients.addresses(soffi_db.session, "996439063", utcnow()) == [account.email]
    # Too many habilitations for a token (nothing given): forgotten everywhere until the next login.
    assert post_token(soffi_url, with_rights({})).status_code == 200
    with app.app_context():
        assert recipients.addresses(soffi_db.session, "996439063", utcnow()) == []


def test_a_replayed_rights_token_does_not_undo_a_later_correction(
    idp_url: str, http: httpx.Client, soffi: tuple[Flask, str], account: Account
) -> None:
    app, soffi_url = soffi
    sign_in(http, soffi_url, account.email)

    def collector_of(siret: str) -> dict[str, Any]:
        claim = HabilitationClaim(
            "soffi", "organisme_collecteur", "Organisme Collecteur", siret, siret[:9], "par code d'activation"
        )
        return claim.to_claim()

    def rights(*held: dict[str, Any]) -> str:
        claims = valid_claims(idp_url, account, None)
        return signed(claims | {"events": EVENT | {RIGHTS_CHANGED_EVENT: {"habilitations": list(held)}}})

    both = rights(collector_of(OPCO_SIRET), collector_of("99643906300016"))
    assert post_token(soffi_url, both).status_code == 200
    assert post_token(soffi_url, rights(collector_of("99643906300016"))).status_code == 200
    assert body_addresses(app) == []  # no longer the OPCO's collector
    # The first token again (captured, or delivered twice): refused, and the OPCO's e-mails stay away from the person.
    replayed = post_token(soffi_url, both)
    assert (replayed.status_code, replayed.json()) == (400, {"error": "invalid_request"})
    assert body_addresses(app) == []


def test_the_rights_of_someone_with_as_many_as_a_token_holds_reach_soffi_and_beyond_that_soffi_forgets(
    idp_app: Flask, http: httpx.Client, soffi: tuple[Flask, str]
) -> None:
    """An accountant collecting for as many bodies as a token holds, every field at its longest: the rights event
    fits what the service accepts (SOFFi answers 2xx, corrects); one body more and the provider gives none, and
    SOFFi forgets the accountant until their next login."""
    app, soffi_url = soffi
    accountant = make_account(db.session, email="expert@cabinet.example", prenom="Dominique", nom="EXPERT")
    bodies = [f"99{index:07d}" for index in range(MAX_HABILITATIONS_IN_TOKEN + 1)]
    db.session.add_all(Company(siren=siren, name=f"ORGANISME {siren} " + "X" * 235) for siren in bodies)
    db.session.commit()

    def delegate(siren: str) -> None:
        grant(accountant, "soffi", "organisme_collecteur", "Organisme Collecteur", SIRET,
              on_behalf_of_siret=f"{siren}00011", granted_via="par délégation de " + "D" * 182, delegated_by="D" * 200,
              expires_at=utcnow() + timedelta(days=300))  # fmt: skip

    def rights_changed() -> None:
        service = db.session.scalar(select(Service).where(Service.code == "soffi"))
        assert service is not None
        changed = backchannel_logout.Reason.HABILITATION_CHANGED
        backchannel_logout.end_service_sessions(db.session, accountant, service.id, changed)
        db.session.commit()
        assert "1 avis de déconnexion transmis" in deliver(idp_app)

    def mailed_for() -> list[str]:
        with app.app_context():
            return [siren for siren in bodies if recipients.addresses(soffi_db.session, siren, utcnow())]

    for siren in bodies[:-1]:
        delegate(siren)
    sign_in(http, soffi_url, accountant.email)
    assert mailed_for() == bodies[:-1]
    rights_changed()
    assert mailed_for() == bodies[:-1]

    delegate(bodies[-1])
    rights_changed()
    assert mailed_for() == []


# --- logout tokens the service refuses ---------------------------------------------------------------------------


def valid_claims(idp_url: str, account: Account, sid: str | None) -> dict[str, Any]:
    now = epoch(utcnow())
    claims = {
        "iss": idp_url,
        "aud": "soffi",
        "iat": now,
        "exp": now + 120,
        "jti": os.urandom(12).hex(),
        "sub": account.subject,
        "events": EVENT,
    }
    return claims | ({"sid": sid} if sid else {})


def signed(claims: dict[str, Any], key: RSAKey | None = None, **header: Any) -> str:
    """Signed with the provider's own key (its real kid), unless another key is given."""
    kid, own = keys.signing_key(db.session)
    return jwt.encode({"alg": "RS256", "kid": kid, "typ": "logout+jwt", **header}, claims, key or own)


def post_token(soffi_url: str, token: str) -> httpx.Response:
    return httpx.post(soffi_url + "/backchannel-logout", data={"logout_token": token}, follow_redirects=False)


def without(claims: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in claims.items() if key != name}


def bad_tokens(idp_url: str, account: Account, sid: str) -> dict[str, str]:
    good = valid_claims(idp_url, account, sid)
    now = good["iat"]
    return {
        "forged (another key, the provider's kid)": signed(good, RSAKey.generate_key(2048, private=True)),
        "forged (unknown kid)": jwt.encode(
            {"alg": "RS256", "kid": "unknown"}, good, RSAKey.generate_key(2048, private=True)
        ),
        "addressed to another client": signed(good | {"aud": "sofi"}),
        "another issuer": signed(good | {"iss": "https://evil.example"}),
        "an ID token (nonce)": signed(good | {"nonce": "n-0S6_WzA2Mj"}),
        "expired": signed(good | {"iat": now - 240, "exp": now - 120}),
        "issued too long ago": signed(good | {"iat": now - 3600, "exp": now + 60}),
        "issued in the future": signed(good | {"iat": now + 600, "exp": now + 720}),
        "no event": signed(without(good, "events")),
        "another event": signed(good | {"events": {"http://schemas.openid.net/event/other": {}}}),
        "neither sub nor sid": signed(without(without(good, "sub"), "sid")),
        "no jti": signed(without(good, "jti")),
        "no exp": signed(without(good, "exp")),
        "another typ": signed(good, typ="JWT"),
        "not signed (alg none)": pyjwt.encode(good, None, algorithm="none"),
        "not a token": "not-a-token",
        "empty": "",
    }


def test_logout_tokens_that_fail_a_check_are_refused_and_end_nothing(
    http: httpx.Client, idp_url: str, soffi: tuple[Flask, str], account: Account
) -> None:
    _, soffi_url = soffi
    sign_in(http, soffi_url, account.email)
    sid = rp_session(soffi[0], http)["rp_sid"]
    for name, token in bad_tokens(idp_url, account, sid).items():
        refused = post_token(soffi_url, token)
        assert (refused.status_code, refused.json()) == (400, {"error": "invalid_request"}), name
        assert refused.headers["Cache-Control"] == "no-store"
        assert is_logged_in(http, soffi_url), f"{name}: the session ended"
    # The same checks let a genuine token through, and it ends the session: 200, nothing cached, no body.
    accepted = post_token(soffi_url, signed(valid_claims(idp_url, account, sid)))
    assert (accepted.status_code, accepted.text, accepted.headers["Cache-Control"]) == (200, "", "no-store")
    assert not is_logged_in(http, soffi_url)


def test_a_replayed_logout_token_is_refused_and_ends_nothing(
    http: httpx.Client, idp_url: str, soffi: tuple[Flask, str], account: Account
) -> None:
    _, soffi_url = soffi
    sign_in(http, soffi_url, account.email)
    token = signed(valid_claims(idp_url, account, None))  # every session of Claire
    assert post_token(soffi_url, token).status_code == 200
    assert not is_logged_in(http, soffi_url)
    http.get(soffi_url + "/connexion")  # logged in again, after that logout
    assert is_logged_in(http, soffi_url)
    replayed = post_token(soffi_url, token)
    assert (replayed.status_code, replayed.json()) == (400, {"error": "invalid_request"})
    assert is_logged_in(http, soffi_url)


def test_a_logout_token_naming_another_login_session_ends_only_that_one(
    http: httpx.Client, idp_url: str, soffi: tuple[Flask, str], account: Account
) -> None:
    _, soffi_url = soffi
    sign_in(http, soffi_url, account.email)
    assert post_token(soffi_url, signed(valid_claims(idp_url, account, "another-browser"))).status_code == 200
    assert is_logged_in(http, soffi_url)


def test_an_oversized_or_non_form_body_is_refused(soffi: tuple[Flask, str]) -> None:
    _, soffi_url = soffi
    big = httpx.post(soffi_url + "/backchannel-logout", data={"logout_token": "a.b." + "c" * 20_000})
    assert (big.status_code, big.json()) == (400, {"error": "invalid_request"})
    as_json = httpx.post(soffi_url + "/backchannel-logout", json={"logout_token": "a.b.c"})
    assert as_json.status_code == 400


# --- other causes: a disabled account, a logout, an end date --------------------------------------------------------


@pytest.fixture
def bpf(idp_url: str, bpf_database: str) -> Iterator[tuple[Flask, str]]:
    config = {"SQLALCHEMY_DATABASE_URI": bpf_database}
    with serve_relying_party(rp_bpf.create_app, "bpf", idp_url, setup=add_private_page, config=config) as served:
        yield served
    with served[0].app_context():  # its own database, migrated: emptied, as every service's test database
        empty_bpf_tables()
        bpf_db.engine.dispose()


def test_a_disabled_account_is_logged_out_of_every_service_it_used(
    idp_app: Flask, http: httpx.Client, soffi: tuple[Flask, str], bpf: tuple[Flask, str], account: Account
) -> None:
    sign_in(http, soffi[1], account.email)
    http.get(bpf[1] + "/connexion")  # single sign-on
    assert is_logged_in(http, soffi[1]) and is_logged_in(http, bpf[1])
    result = idp_app.test_cli_runner().invoke(args=["accounts", "disable", account.email])
    assert result.exit_code == 0, result.output
    assert "2 avis de déconnexion transmis" in deliver(idp_app)
    assert not is_logged_in(http, soffi[1]) and not is_logged_in(http, bpf[1])


def test_a_logout_from_one_service_ends_the_others_sessions_of_that_login(
    idp_app: Flask, http: httpx.Client, soffi: tuple[Flask, str], bpf: tuple[Flask, str], account: Account
) -> None:
    """RP-initiated logout from SOFFi: BPF, used through the same login, is told (with the session's sid); SOFFi,
    which asked, is not."""
    home = sign_in(http, soffi[1], account.email)
    http.get(bpf[1] + "/connexion")
    submit_form(http, home, "/deconnexion", {})
    [notice] = db.session.scalars(select(BackchannelLogout)).all()
    assert (notice.client_id, notice.reason) == ("bpf", "logout") and notice.sid
    assert is_logged_in(http, bpf[1])
    assert "1 avis de déconnexion transmis" in deliver(idp_app)
    assert not is_logged_in(http, bpf[1])


def test_an_ended_habilitation_ends_the_session_once(
    idp_app: Flask, http: httpx.Client, soffi: tuple[Flask, str], account: Account
) -> None:
    held = db.session.get(Habilitation, consultation_of(account))
    assert held is not None
    held.expires_at = utcnow() + timedelta(minutes=30)
    db.session.commit()
    sign_in(http, soffi[1], account.email)
    runner = idp_app.test_cli_runner()
    assert "0 habilitation(s) échue(s)" in runner.invoke(args=["habilitations", "remind"]).output
    with time_machine.travel(later(minutes=31)):
        assert "1 habilitation(s) échue(s)" in runner.invoke(args=["habilitations", "remind"]).output
        assert "0 habilitation(s) échue(s)" in runner.invoke(args=["habilitations", "remind"]).output
        assert is_logged_in(http, soffi[1])
        assert "1 avis de déconnexion transmis" in deliver(idp_app)
        assert not is_logged_in(http, soffi[1])
    assert db.session.scalar(select(BackchannelLogout.reason)) == "habilitation_ended"


# --- the outbox: a service that is down, a worker that dies ----------------------------------------------------------


def test_a_service_that_is_down_gets_the_notice_when_it_is_back(
    idp_app: Flask, idp_url: str, http: httpx.Client, account: Account, store_config: dict[str, Any]
) -> None:
    app = upgrade_own_database(rp_soffi.create_app(rp_test_config("soffi", idp_url) | store_config))
    add_private_page(app)
    with serve(app) as url:
        client, secret = register_client(
            "SOFFi", "soffi", [f"{url}/callback"], [f"{url}/"], client_id="soffi",
            backchannel_logout_uri=f"{url}/backchannel-logout",
        )  # fmt: skip
        app.config.update(RP_PUBLIC_URL=url, RP_CLIENT_ID=client.client_id, RP_CLIENT_SECRET=secret)
        sign_in(http, url, account.email)
    # SOFFi is down when the account is disabled: the first attempt fails, the notice waits.
    idp_app.test_cli_runner().invoke(args=["accounts", "disable", account.email])
    assert "0 avis de déconnexion transmis" in deliver(idp_app)
    notice = db.session.scalar(select(BackchannelLogout))
    assert notice is not None and notice.attempts == 1 and notice.sent_at is None
    assert notice.last_error and "ConnectionError" in notice.last_error
    port = int(url.rsplit(":", 1)[1])
    with serve(app, port):
        assert is_logged_in(http, url)  # back, and still believing Claire is there
        assert "0 avis de déconnexion transmis" in deliver(idp_app)  # not due yet: the retry waits 30 seconds
        with time_machine.travel(later(seconds=31)):
            assert "1 avis de déconnexion transmis" in deliver(idp_app)
            assert not is_logged_in(http, url)
    db.session.expire_all()
    assert db.session.scalar(select(BackchannelLogout.attempts)) == 2
    dispose(app)


def test_a_notice_is_given_up_after_its_last_attempt_with_a_log_line_and_an_audit_row(
    idp_url: str, account: Account, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alembic's fileConfig (the migrations of the session's database) disabled the loggers that existed then.
    monkeypatch.setattr(logging.getLogger(backchannel_logout.__name__), "disabled", False)
    register_client("Hors service", "soffi", [], [], client_id="gone", backchannel_logout_uri="http://127.0.0.1:9/x")
    db.session.add(BackchannelLogout(client_id="gone", account_id=account.id, reason="logout"))
    db.session.commit()
    issuer = idp_url
    for attempt in range(1, BackchannelLogout.MAX_ATTEMPTS + 1):
        with time_machine.travel(later(hours=attempt)):
            delivered = backchannel_logout.deliver_due(db.session, issuer)
    assert (delivered.failed, delivered.given_up) == (0, 1)
    notice = db.session.scalar(select(BackchannelLogout))
    assert notice is not None and notice.given_up_at is not None and notice.sent_at is None
    assert notice.attempts == BackchannelLogout.MAX_ATTEMPTS
    assert "given up after 10 attempt(s)" in caplog.text
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.event == AuditEventType.BACKCHANNEL_LOGOUT_GIVEN_UP))
    assert audit is not None and audit.data["client_id"] == "gone"
    with time_machine.travel(later(days=2)):
        assert backchannel_logout.deliver_due(db.session, issuer).given_up == 0  # never tried again


def holding_logouts(app: Flask) -> None:
    """/moi, and a gate: while it is closed, a back-channel logout request waits at the door (the service is slow)."""
    add_private_page(app)
    gate = app.extensions["test_gate"] = {name: threading.Event() for name in ("arrived", "open", "done")}

    @app.before_request
    def hold_the_logout() -> None:
        if request.path == "/backchannel-logout" and not gate["open"].is_set():
            gate["arrived"].set()
            gate["open"].wait(10)

    @app.teardown_request
    def say_it_is_handled(error: BaseException | None) -> None:
        if request.path == "/backchannel-logout":
            gate["done"].set()


def test_a_worker_that_dies_mid_run_leaves_the_notice_pending(
    idp_app: Flask, idp_database: str, idp_url: str, http: httpx.Client, account: Account, store_config: dict[str, Any]
) -> None:
    """The worker is killed while SOFFi holds its request: nothing of that attempt was committed, the notice is
    pending as before, and the next run delivers it."""
    served = serve_relying_party(rp_soffi.create_app, "soffi", idp_url, setup=holding_logouts, config=store_config)
    with served as (app, soffi_url):
        sign_in(http, soffi_url, account.email)
        gate = app.extensions["test_gate"]
        idp_app.test_cli_runner().invoke(args=["accounts", "disable", account.email])
        environment = os.environ | {
            "DATABASE_URL": idp_database,
            "IDP_PUBLIC_URL": idp_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(idp_app.config["MAIL_PORT"]),
            # Every process of the provider shares the secret its signing keys are encrypted with (here derived
            # from SECRET_KEY): the worker signs the logout token with the key the test's provider created.
            "SECRET_KEY": idp_app.config["SECRET_KEY"],
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "idp", "outbox", "send"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert gate["arrived"].wait(60), "the worker never posted the logout token"
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
            gate["open"].set()
        # The held request finishes (the service did get a valid token: it may end the session).
        assert gate["done"].wait(10), "the held back-channel logout request never finished"
        db.session.expire_all()
        notice = db.session.scalar(select(BackchannelLogout))
        assert notice is not None and (notice.sent_at, notice.attempts, notice.last_error) == (None, 0, None)
        assert "1 avis de déconnexion transmis" in deliver(idp_app)
        assert not is_logged_in(http, soffi_url)
        dispose(app)
