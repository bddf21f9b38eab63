"""PostgreSQL restarted under the provider (issue 18), on a cluster of this module's own — the suite's shared one never
goes down: while it is stopped the pages that need it answer 503 with the French page (never a 500), /healthz still
answers and /readyz says so; once it is back the same app object serves again from its first request, its pool
reconnecting by itself; and a request cut off by the stop leaves no half-written rows. Runs in both the SQLite and
the PostgreSQL runs of the suite."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import webtest
from flask import Flask
from flask_migrate import upgrade

from idp import create_app
from idp.extensions import db
from tests.conftest import empty_idp_tables, idp_test_config, new_database
from tests.idp import factories
from tests.idp.conftest import FreshContext
from tests.idp.test_signup import coordonnees, credentials, start
from tests.idp.web import form
from tests.mail_server import MailServer
from tests.postgres_cluster import Cluster

UNAVAILABLE = "Le service est momentanément indisponible et votre demande n'a pas été traitée."
EMAIL = "claire.testeuse@exemple.fr"


@pytest.fixture(scope="module")
def database(own_cluster: Cluster, mail_server: MailServer) -> str:
    """The provider's database on this module's cluster, migrated once."""
    url = new_database(own_cluster.url, "idp")
    with create_app(idp_test_config(url, mail_server.port)).app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(own_cluster: Cluster, database: str, mail_server: MailServer) -> Iterator[Flask]:
    app = create_app(idp_test_config(database, mail_server.port))
    with app.app_context():
        factories.load_directory(db.session)
        yield app
        if not own_cluster.running:  # a failed test left it stopped
            own_cluster.start()
        empty_idp_tables()


@pytest.fixture
def browser(app: Flask) -> webtest.TestApp:
    return webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "198.51.100.7"})


def rows() -> dict[str, int]:
    """How many rows each table holds."""
    with db.engine.connect() as connection:
        count = sa.func.count()
        return {
            table.name: connection.scalar(sa.select(count).select_from(table)) for table in db.metadata.tables.values()
        }


def login_form(browser: webtest.TestApp) -> webtest.Form:
    page = form(browser.get("/connexion"), "/connexion")
    page["email"], page["password"] = EMAIL, factories.PASSWORD
    return page


def logged_in(response: webtest.TestResponse) -> bool:
    return bool(response.maybe_follow().request.path == "/portail/services/")


def assert_unavailable_in_french(response: webtest.TestResponse) -> None:
    assert response.status_int == 503 and response.headers["Retry-After"] == "30"
    shown = " ".join(response.html.get_text().split())
    assert "Service momentanément indisponible" in shown and UNAVAILABLE in shown


def test_while_postgresql_is_stopped_a_login_answers_503_in_french_then_works_again(
    own_cluster: Cluster, browser: webtest.TestApp
) -> None:
    factories.make_account(db.session)
    db.session.remove()
    login = login_form(browser)
    before = rows()

    own_cluster.stop()
    assert_unavailable_in_french(login.submit(expect_errors=True))
    assert_unavailable_in_french(login.submit(expect_errors=True))  # the second one too: no dead connection reused
    assert browser.get("/healthz").status_int == 200  # the process answers: nobody restarts it
    ready = browser.get("/readyz", expect_errors=True)
    assert ready.status_int == 503 and ready.json["checks"]["database"] == "error"

    own_cluster.start()
    assert rows() == before  # the logins refused wrote nothing
    assert browser.get("/readyz").json["status"] == "ok"
    assert logged_in(login.submit())  # the same app, the same pool


def test_the_first_request_after_a_restart_is_served(own_cluster: Cluster, browser: webtest.TestApp) -> None:
    """No request during the outage: the pool still holds connections the restart closed, and must not hand one
    out (a 503, or a 500, for whoever comes first)."""
    factories.make_account(db.session)
    db.session.remove()
    login = login_form(browser)  # the pool holds an open connection
    own_cluster.stop()
    own_cluster.start()
    assert logged_in(login.submit())
    assert browser.get("/readyz").json["status"] == "ok"


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_sign_up_cut_off_by_the_stop_leaves_no_half_account(
    own_cluster: Cluster, browser: webtest.TestApp, mode: str
) -> None:
    """PostgreSQL stops (« fast »: a restart; « immediate »: a crash) just after the account's INSERT, before its
    activation link, its e-mail and its audit row are written: the request answers 503 and none of them is there
    once it is back."""
    step = credentials(start(browser), EMAIL).follow()
    # What came before made durable: this throwaway cluster runs with synchronous_commit=off, so a crash may lose the
    # last commits — the directory the fixture imported (its words counted last) is not the sign-up's to lose.
    with db.engine.connect() as connection:
        connection.execute(sa.text("CHECKPOINT"))
    before = rows()
    cut: list[str] = []

    def stop_after_the_account(connection: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("INSERT INTO account ") and not cut:
            cut.append(statement)
            own_cluster.stop(mode)

    sa.event.listen(db.engine, "after_cursor_execute", stop_after_the_account)
    try:
        assert_unavailable_in_french(coordonnees(browser, step))
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", stop_after_the_account)
        if not own_cluster.running:
            own_cluster.start()
    assert cut, "the sign-up never inserted its account"
    after = rows()
    # The bot check is spent and committed on its own before the sign-up: kept across a clean stop. A crash may lose
    # it: this throwaway cluster runs with synchronous_commit=off, trading the last commits' durability for speed.
    spent = after.pop("spent_bot_check") - before.pop("spent_bot_check")
    assert spent == 1 if mode == "fast" else spent in (0, 1)
    assert after == before
