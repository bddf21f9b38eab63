"""Benchmark of the gestionnaire's « Utilisateurs du service » and « Journal des accès » with thousands of people.

Not a test. `python bench/service_users.py --people 5000` starts a throwaway PostgreSQL cluster, migrates it,
loads the demo directory and services, writes one company's gestionnaire, its people (habilitations of
every role, delegations to third parties, pending requests), other companies' rows as noise and the
journal's audit rows, all in bulk; then times the service functions the pages call, and the pages
themselves through Flask's test client, logged in as the gestionnaire.
"""

import argparse
import contextvars
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bench.common import create_database, say  # noqa: E402
from idp import create_app  # noqa: E402
from idp.auth import LOGIN_TOKEN  # noqa: E402
from idp.extensions import db  # noqa: E402
from idp.models import (  # noqa: E402
    AccessRequest,
    AccessRequestStatus,
    Account,
    AccountStatus,
    AuditEvent,
    AuditEventType,
    Civilite,
    Habilitation,
    Role,
    Service,
)
from idp.models.account import new_subject  # noqa: E402
from idp.services import access_journal, service_users, sessions  # noqa: E402
from idp.services.access_journal import JournalFilters  # noqa: E402
from idp.services.service_users import PENDING_FILTER, UserFilters  # noqa: E402
from shared.clock import utcnow  # noqa: E402
from shared.paging import PAGE_SIZE  # noqa: E402
from shared.text import fold  # noqa: E402
from tests.idp import factories, portal_data  # noqa: E402
from tests.postgres_cluster import postgres_cluster  # noqa: E402

SERVICE = "sofi"
SIREN = "997915665"  # FORMA'LOIRE CONSEIL, three establishments in the demo directory
COMPANY_SIRETS = [portal_data.FORMALOIRE_NANTES, portal_data.FORMALOIRE_ESTUAIRE, portal_data.FORMALOIRE_ANJOU]
THIRD_PARTY_SIRET = "99643906300016"  # the demo's accounting firm: delegations to a third party
GESTIONNAIRE_EMAIL = "gestionnaire@formaloire-bench.example"
SURNAMES = [
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU", "SIMON",
    "LAURENT", "LEFÈVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL", "GIRARD",
    "ANDRÉ", "MERCIER", "DUPONT", "LAMBERT", "BONNET", "FRANÇOIS", "MARTINEZ", "LEGRAND", "GARNIER", "FAURE",
    "ROUSSEAU", "BLANC", "GUÉRIN", "MULLER", "HENRY", "ROUSSEL", "NICOLAS", "PERRIN", "MORIN", "MATHIEU", "CLÉMENT",
    "GAUTHIER", "DUMONT", "LOPEZ", "FONTAINE", "CHEVALIER", "ROBIN", "MASSON", "SANCHEZ", "GÉRARD", "NGUYEN", "BOYER",
    "DENIS", "LEMAIRE", "DUVAL", "JOLY", "KERVADEC", "LE GOFF", "LE BIHAN", "DE LA FONTAINE-SAINT-ÉTIENNE",
]  # fmt: skip
FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jade", "Louise", "Hélène", "Zoé", "Anaïs", "Élodie", "Margaux",
    "Océane", "Sarah", "Julie", "Lucas", "Hugo", "Théo", "Nathan", "Louis", "Jules", "Gabriel", "Arthur", "Raphaël",
    "Noé", "Léo", "Adam", "Paul", "Maël", "Éric", "Jérôme", "François", "Benoît", "Marie-Hélène", "Jean-Baptiste",
]  # fmt: skip


# Data --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    gestionnaire_id: int
    people: list[int]  # the company's people for the service (habilitation holders and requesters)
    sample_name: str  # a name as typed in the search box
    sample_person: int  # an account with two roles and a pending request, for the detail panel


def _accounts(rows: list[dict[str, Any]]) -> list[int]:
    """Insert accounts (one executemany), return their ids in the same order."""
    table = Account.__table__
    db.session.execute(sa.insert(table), rows)
    ids = dict(
        db.session.execute(
            sa.select(table.c.email, table.c.id).where(table.c.email.in_([r["email"] for r in rows]))
        ).all()
    )
    return [ids[row["email"]] for row in rows]


def _account_row(email: str, nom: str, prenom: str, siret: str, password_hash: str, now: datetime) -> dict[str, Any]:
    return {
        "subject": new_subject(),
        "email": email,
        "password_hash": password_hash,
        "civilite": Civilite.MADAME,
        "nom": nom,
        "prenom": prenom,
        "telephone": "+33122334455",
        "siret": siret,
        "status": AccountStatus.ACTIVE,
        "created_at": now,
        "activated_at": now,
        "password_changed_at": now,
        "updated_at": now,
    }


def _habilitation(
    account_id: int, role: Role, siret: str, now: datetime, rng: random.Random, on_behalf_of: str | None = None
) -> dict[str, Any]:
    granted = now - timedelta(days=rng.randrange(1, 900))
    roll = rng.random()
    return {
        "account_id": account_id,
        "role_id": role.id,
        "siret": siret,
        "company_siren": (on_behalf_of or siret)[:9],
        "granted_via": "par code d'activation" if roll < 0.5 else "par Camille DEMOLOIRE",
        "granted_at": granted,
        "granted_by_id": None,
        # 4 % ended (revoked or expired): they stay in the table, and every query must skip them.
        "expires_at": (now - timedelta(days=3))
        if roll < 0.02
        else (now + timedelta(days=200))
        if roll < 0.15
        else None,
        "revoked_at": (granted + timedelta(days=10)) if 0.02 <= roll < 0.04 else None,
        "on_behalf_of_siret": on_behalf_of,
        "delegated_by": "Camille DEMOLOIRE" if on_behalf_of else None,
    }


def load(people: int, noise_habilitations: int, pending: int, journal: int, journal_noise: int, seed: int) -> Loaded:
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    factories.load_directory(db.session)
    services = portal_data.services(db.session)
    db.session.commit()
    service = services[SERVICE]
    by_code = {role.code: role for role in service.roles}
    password_hash = factories.password_hash()  # one argon2 hash for every account

    # The gestionnaire, and the company's people.
    gestionnaire_id = _accounts(
        [_account_row(GESTIONNAIRE_EMAIL, "DEMOLOIRE", "Camille", COMPANY_SIRETS[0], password_hash, now)]
    )[0]
    weights = [1 / (rank + 1) for rank in range(len(SURNAMES))]  # Zipf-like: a few very common names
    rows = []
    for index in range(people):
        nom, prenom = rng.choices(SURNAMES, weights)[0], rng.choice(FIRST_NAMES)
        email = fold(f"{prenom}.{nom}.{index}@formaloire-bench.example").replace(" ", "")
        rows.append(_account_row(email, nom, prenom, rng.choice(COMPANY_SIRETS), password_hash, now))
    person_ids = _accounts(rows)
    third_party = [  # 2 %: the accounting firm's staff, acting for the company
        _account_row(f"tiers.{index}@cabinet-bench.example", rng.choice(SURNAMES), rng.choice(FIRST_NAMES),
                     THIRD_PARTY_SIRET, password_hash, now)
        for index in range(max(people // 50, 1))
    ]  # fmt: skip
    third_party_ids = _accounts(third_party)
    requesters = [  # people who only asked: no habilitation yet
        _account_row(f"demandeur.{index}@formaloire-bench.example", rng.choice(SURNAMES), rng.choice(FIRST_NAMES),
                     COMPANY_SIRETS[index % 3], password_hash, now)
        for index in range(pending * 2 // 3)
    ]  # fmt: skip
    requester_ids = _accounts(requesters)

    habilitation_rows = [_habilitation(gestionnaire_id, by_code["gestionnaire"], COMPANY_SIRETS[0], now, rng)]
    habilitation_rows[0].update(expires_at=None, revoked_at=None)
    sample_person = person_ids[0]
    for index, account_id in enumerate(person_ids):
        roll = rng.random()
        code = "gestionnaire" if roll < 0.03 else "contributeur" if roll < 0.55 else "consultation"
        siret = rows[index]["siret"]
        habilitation_rows.append(_habilitation(account_id, by_code[code], siret, now, rng))
        if rng.random() < 0.1 or account_id == sample_person:  # a second role on another establishment
            second = by_code["consultation" if code != "consultation" else "contributeur"]
            habilitation_rows.append(_habilitation(account_id, second, rng.choice(COMPANY_SIRETS), now, rng))
    for account_id in third_party_ids:
        role = by_code[rng.choice(["contributeur", "consultation"])]
        habilitation_rows.append(_habilitation(account_id, role, THIRD_PARTY_SIRET, now, rng, COMPANY_SIRETS[0]))
    # The same people on the company's other services: not theirs to list here.
    other_roles = [role for code in ("soffi", "bpf") for role in services[code].requestable_roles]
    for account_id in rng.sample(person_ids, people // 3):
        habilitation_rows.append(_habilitation(account_id, rng.choice(other_roles), COMPANY_SIRETS[0], now, rng))

    # Noise: other companies' people and habilitations, on every service.
    directory = [
        siret
        for (siret,) in db.session.execute(sa.text("SELECT siret FROM establishment WHERE siren <> :s"), {"s": SIREN})
    ]
    noise_people = max(noise_habilitations // 2, 1)
    noise_ids = _accounts(
        [
            _account_row(f"autre.{index}@ailleurs-bench.example", rng.choice(SURNAMES), rng.choice(FIRST_NAMES),
                         rng.choice(directory), password_hash, now)
            for index in range(noise_people)
        ]
    )  # fmt: skip
    all_roles = [role for each in services.values() for role in each.requestable_roles]
    sirets = dict(db.session.execute(sa.select(Account.id, Account.siret).where(Account.id.in_(noise_ids))).all())
    for index in range(noise_habilitations):
        account_id = noise_ids[index % noise_people]
        habilitation_rows.append(_habilitation(account_id, rng.choice(all_roles), sirets[account_id], now, rng))
    db.session.execute(sa.insert(Habilitation.__table__), habilitation_rows)

    # Requests: pending ones for the company (a third from people who already hold a role), decided ones,
    # and other companies' pending ones.
    request_rows = []
    askers = requester_ids + rng.sample(person_ids, pending - len(requester_ids))
    for index, account_id in enumerate(askers):
        request_rows.append(_request(account_id, service, by_code["contributeur"], COMPANY_SIRETS[index % 3], now, rng))
    request_rows.append(_request(sample_person, service, by_code["gestionnaire"], COMPANY_SIRETS[2], now, rng))
    if sample_person in askers:
        request_rows.pop()
    for account_id in rng.sample(person_ids, min(people, 2 * pending)):
        decided = _request(account_id, service, by_code["contributeur"], COMPANY_SIRETS[0], now, rng)
        decided.update(status=rng.choice([AccessRequestStatus.ACCEPTED, AccessRequestStatus.REFUSED]), decided_at=now)
        request_rows.append(decided)
    for account_id in rng.sample(noise_ids, min(noise_people, 2 * pending)):
        role = rng.choice(all_roles)
        request_rows.append(_request(account_id, role.service, role, sirets[account_id], now, rng))
    db.session.execute(sa.insert(AccessRequest.__table__), request_rows)

    # The journal: the company's rows for the service, and rows of other companies, services and kinds.
    company_people = person_ids + third_party_ids + requester_ids
    events = [
        AuditEventType.ACCESS_REQUESTED, AuditEventType.ACCESS_REQUEST_ACCEPTED, AuditEventType.ACCESS_REQUEST_REFUSED,
        AuditEventType.HABILITATION_GRANTED, AuditEventType.HABILITATION_CHANGED, AuditEventType.HABILITATION_REVOKED,
        AuditEventType.ACTIVATION_CODE_REDEEMED, AuditEventType.ACCESS_REQUEST_ESCALATED,
    ]  # fmt: skip
    audit_rows = [
        _audit(rng.choice(events), rng.choice([gestionnaire_id, *company_people[:50]]), rng.choice(company_people),
               SIREN, service.id, now, rng)
        for _ in range(journal)
    ]  # fmt: skip
    other_services = [each.id for each in services.values()]
    for _ in range(journal_noise):
        roll, account_id = rng.random(), rng.choice(noise_ids)
        if roll < 0.4:  # logins and the like: no company
            audit_rows.append(_audit(AuditEventType.LOGIN_SUCCESS, account_id, None, None, None, now, rng))
        else:
            siren = SIREN if roll < 0.55 else sirets[account_id][:9]
            audit_rows.append(
                _audit(rng.choice(events), account_id, account_id, siren, rng.choice(other_services), now, rng)
            )
    db.session.execute(sa.insert(AuditEvent.__table__), audit_rows)
    db.session.commit()

    sample = db.session.get(Account, sample_person)
    assert sample is not None
    return Loaded(gestionnaire_id, company_people, f"{sample.prenom} {sample.nom}".lower(), sample_person)


def _request(
    account_id: int, service: Service, role: Role, siret: str, now: datetime, rng: random.Random
) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "service_id": service.id,
        "role_id": role.id,
        "siret": siret,
        "siren": siret[:9],
        "status": AccessRequestStatus.PENDING,
        "created_at": now - timedelta(days=rng.randrange(0, 20), minutes=rng.randrange(1440)),
        "decided_at": None,
    }


def _audit(
    event: AuditEventType, actor: int, subject: int | None, siren: str | None, service_id: int | None,
    now: datetime, rng: random.Random,
) -> dict[str, Any]:  # fmt: skip
    state = {"role": rng.choice(["contributeur", "consultation", "gestionnaire"]), "siret": rng.choice(COMPANY_SIRETS)}
    expiring = {**state, "expires_at": (now + timedelta(days=rng.randrange(1, 400))).isoformat()}
    data: dict[str, Any] = {"service": SERVICE}
    if event is AuditEventType.HABILITATION_CHANGED:
        data |= {"before": state, "after": expiring}
    elif event is AuditEventType.HABILITATION_GRANTED:
        data |= {"after": {**state, "expires_at": None}, "granted_via": "par Camille DEMOLOIRE"}
    elif event is AuditEventType.HABILITATION_REVOKED:
        data |= {"before": expiring}
    elif event is AuditEventType.ACCESS_REQUEST_ESCALATED:
        data |= {"reason": "no_answer"}
    else:
        data |= state if siren else {}
    return {
        "created_at": now - timedelta(seconds=rng.randrange(2 * 365 * 86400)),
        "event": event,
        "account_id": actor,
        "ip": "198.51.100.7",
        "data": data,
        "siren": siren,
        "service_id": service_id,
        "subject_account_id": subject,
    }


def vacuum() -> None:
    """What autovacuum does soon after a bulk load: statistics and the visibility map."""
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))


# Timing ------------------------------------------------------------------------------------------


def summary(kind: str, millis: list[float], note: str = "") -> None:
    cuts = statistics.quantiles(millis, n=100, method="inclusive") if len(millis) > 1 else millis * 99
    say(f"{kind:<34} {len(millis):>4} {cuts[49]:>8.1f} {cuts[94]:>8.1f} {max(millis):>8.1f}  {note}")


def header(title: str) -> None:
    say(f"\n{title}\n{'kind':<34} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")


@dataclass(frozen=True)
class Call:
    """One service call as a page makes it, given the service object loaded in the same session."""

    kind: str
    run: Callable[[Service], Any]
    describe: Callable[[Any], str]
    runs: int | None = None  # fewer for the CSV export


def service_calls(loaded: Loaded, sirets: list[str], middle: int, csv_runs: int) -> list[Call]:
    def listing(query: str = "", role: str | None = None, page: int | None = None) -> Callable[[Service], Any]:
        def run(service: Service) -> Any:
            filters = service_users.parse_filters(service, query, role, None)
            return service_users.search(db.session, service, SIREN, filters, page)

        return run

    def rows(page: Any) -> str:
        return f"total {page.total}, page {page.number}, {len(page.items)} rows"

    def journal_csv(service: Service) -> int:
        return sum(
            1 for _ in access_journal.to_csv(access_journal.entries(db.session, service, SIREN, JournalFilters()))
        )

    return [
        Call("list, page 1", listing(), rows),
        Call(f"list, page {middle} (middle)", listing(page=middle), rows),
        Call(f"search name « {loaded.sample_name} »", listing(loaded.sample_name), rows),
        Call("search surname « martin »", listing("martin"), rows),
        Call(f"search SIRET {sirets[1]}", listing(sirets[1]), rows),
        Call("search SIRET start « 9979156650003 »", listing("9979156650003"), rows),
        Call("filter role contributeur", listing(role="contributeur"), rows),
        Call("filter en-attente", listing(role=PENDING_FILTER), rows),
        Call("facet counts", lambda s: service_users.facets(db.session, s, SIREN),
             lambda f: f"total {f.total}, pending {f.pending}"),
        Call("person detail", lambda s: service_users.find_person(db.session, s, SIREN, loaded.sample_person),
             lambda p: f"{len(p.habilitations)} habilitations, {len(p.requests)} requests"),
        Call("journal, page 1", lambda s: access_journal.page(db.session, s, SIREN, JournalFilters(), None), rows),
        Call("journal, search person « martin »",
             lambda s: access_journal.page(db.session, s, SIREN, JournalFilters(person="martin"), None), rows,
             runs=csv_runs),  # seconds each: see the README
        Call("journal CSV, everything", journal_csv, lambda n: f"{n - 1} lines", runs=csv_runs),
    ]  # fmt: skip


def time_services(app: Flask, calls: list[Call], runs: int, warmup: int) -> None:
    header(f"Service functions (one session per call, as in a request; {runs} runs after {warmup} of warm-up)")
    for call in calls:
        count = call.runs or runs
        millis, result = [], None
        for index in range(min(warmup, count) + count):
            with app.app_context():
                service = service_users.find_service(db.session, SERVICE)
                assert service is not None
                _ = service.roles  # loaded before the clock, as the view has it
                start = time.perf_counter()
                result = call.run(service)
                seconds = time.perf_counter() - start
                if index >= min(warmup, count):
                    millis.append(seconds * 1000)
                    if index == min(warmup, count):
                        note = call.describe(result)
                db.session.remove()
        summary(call.kind, millis, note)


def fresh(action: Callable[[], Any]) -> Any:
    """Each request in an empty context, as a real server serves it (see tests/idp/conftest.FreshContext)."""
    return contextvars.Context().run(action)


def read(response: Any) -> tuple[Any, bytes]:
    """The response and its whole body (a streamed CSV is produced while it is read: in the same context)."""
    return response, response.get_data()


def time_pages(
    app: Flask, loaded: Loaded, sirets: list[str], middle: int, runs: int, warmup: int, csv_runs: int
) -> None:
    client = app.test_client()
    with app.app_context():
        account = db.session.get(Account, loaded.gestionnaire_id)
        assert account is not None
        token, _ = sessions.start_session(db.session, account, "198.51.100.7")
        db.session.commit()
        db.session.remove()
    with client.session_transaction() as cookie:  # what idp.auth.log_in puts in the cookie
        cookie[LOGIN_TOKEN] = token
    base, journal = f"/portail/services/{SERVICE}/utilisateurs", f"/portail/services/{SERVICE}/journal"
    pages = [
        ("list, page 1", base, runs),
        (f"list, page {middle}", f"{base}?page={middle}", runs),
        ("search name", f"{base}?q={loaded.sample_name.replace(' ', '+')}", runs),
        ("search SIRET", f"{base}?q={sirets[1]}", runs),
        ("filter role contributeur", f"{base}?role=contributeur", runs),
        ("filter en-attente", f"{base}?role={PENDING_FILTER}", runs),
        ("person panel", f"{base}?personne={loaded.sample_person}", runs),
        ("journal, page 1", journal, runs),
        ("journal CSV, everything", f"{journal}.csv", csv_runs),
    ]
    header(f"Pages through Flask's test client, logged in as the gestionnaire ({runs} runs after {warmup} of warm-up)")
    for kind, url, count in pages:
        millis, size = [], 0
        for index in range(min(warmup, count) + count):
            start = time.perf_counter()
            response, body = fresh(lambda url=url: read(client.get(url)))  # type: ignore[misc]
            seconds = time.perf_counter() - start
            assert response.status_code == 200, (url, response.status_code, body[:300])
            size = len(body)
            if index >= min(warmup, count):
                millis.append(seconds * 1000)
        summary(kind, millis, f"{size / 1024:.0f} KiB")


# Plans -------------------------------------------------------------------------------------------


@contextmanager
def captured_statements() -> Iterator[list[tuple[str, Any]]]:
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield captured
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)


def explain(app: Flask, title: str, action: Callable[[Service], Any], which: dict[int, str] | None = None) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements `action` sent, by their position (the first is 0; all if None)."""
    with app.app_context():
        service = service_users.find_service(db.session, SERVICE)
        assert service is not None
        _ = service.roles
        with captured_statements() as captured:
            result = action(service)
            if isinstance(result, Iterator):
                for _ in result:
                    pass
        statements = list(captured)
        for position, name in (which or {index: str(index) for index in range(len(statements))}).items():
            statement, parameters = statements[position]
            plan = db.session.connection().exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            say(f"\n--- {title}: {name}\n{statement}\n{parameters}\n")
            say("\n".join(str(line) for (line,) in plan))
        db.session.remove()


# Main --------------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000, help="the company's people with a habilitation")
    parser.add_argument("--pending", type=int, default=300, help="pending access requests in the company")
    parser.add_argument("--noise", type=int, default=20_000, help="habilitations of other companies")
    parser.add_argument("--journal", type=int, default=50_000, help="journal rows of the company for the service")
    parser.add_argument("--journal-noise", type=int, default=50_000, help="other audit rows")
    parser.add_argument("--runs", type=int, default=50, help="timed runs of each kind")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--csv-runs", type=int, default=5, help="timed runs of the CSV export")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain-all", action="store_true", help="plans of every statement of every call")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    started = time.perf_counter()
    say(f"load average at start (other jobs on this machine): {os.getloadavg()}")
    with postgres_cluster() as server:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": create_database(server, "bench"),
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            loaded = load(args.people, args.noise, args.pending, args.journal, args.journal_noise, args.seed)
            vacuum()
            counts = {
                table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                for table in (Account.__table__, Habilitation.__table__, AccessRequest.__table__, AuditEvent.__table__)
            }
            db.session.remove()
        say(f"loaded in {time.perf_counter() - start:.1f} s: {counts}; {len(loaded.people)} people in the company")
        with app.app_context():
            service = service_users.find_service(db.session, SERVICE)
            assert service is not None
            total = service_users.facets(db.session, service, SIREN).total
            db.session.remove()
        middle = max(1, -(-total // PAGE_SIZE) // 2)
        sirets = COMPANY_SIRETS
        calls = service_calls(loaded, sirets, middle, args.csv_runs)
        time_services(app, calls, args.runs, args.warmup)
        say(f"load average: {os.getloadavg()}")
        time_pages(app, loaded, sirets, middle, args.runs, args.warmup, args.csv_runs)
        say(f"load average: {os.getloadavg()}")
        explain(
            app,
            "list, page 1",
            lambda s: service_users.search(db.session, s, SIREN, UserFilters(), None),
            {0: "count", 1: "list"},
        )
        by_kind = {call.kind: call for call in calls}
        explain(app, "search name", by_kind[f"search name « {loaded.sample_name} »"].run, {0: "count"})
        explain(app, "journal, page 1", by_kind["journal, page 1"].run, {0: "count", 1: "page"})
        explain(app, "journal, search person", by_kind["journal, search person « martin »"].run, {0: "count"})
        for call in calls if args.explain_all else []:
            explain(app, call.kind, call.run)
        with app.app_context():
            db.engine.dispose()
    say(f"\ntotal {time.perf_counter() - started:.0f} s; load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
