"""The least a login can cost on this stack: the requests, connections, statements and transactions of a
complete login of bench/sso.py, and nothing else (no Authlib, no template, no form, no password hash).

Not a test. `python bench/login_floor.py` starts a throwaway PostgreSQL cluster and serves, with gunicorn
configured as bench/sso.py serves the provider, a Flask app with Flask-SQLAlchemy whose four views send
as many trivial statements (`SELECT 1`), in as many transactions, as the provider's four steps of a login
(bench/sso_steps.py counts them), and read and write the cookie session as those steps do. Each
skeleton login opens two connections (the browser's, the back channel's), as bench/sso.py's do. It
reports the workers' CPU per skeleton login: the part of the provider's budget that the server, Flask
and the database driver take before the provider does any work of its own.
"""

import argparse
import os
import sys
from pathlib import Path

import httpx
from flask import Flask, jsonify, redirect, session
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
PAGE = "<p>" + "Connectez-vous. " * 1200 + "</p>"  # about the size of the login page (19 kB)
SELECT_ONE = text("SELECT 1")


def create_app() -> Flask:
    """What gunicorn serves (`bench.login_floor:create_app()`), on the database named by DATABASE_URL; both
    workers sign the cookie session with SECRET_KEY."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=os.environ["SECRET_KEY"], SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"])
    db = SQLAlchemy(app, session_options={"expire_on_commit": False})

    def statements(count: int) -> None:
        for _ in range(count):
            db.session.execute(SELECT_ONE).scalar_one()

    @app.get("/authorize")
    def authorize() -> str:  # the client looked up, autocommit; the form's CSRF token in the cookie
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        statements(1)
        session["csrf_token"] = os.urandom(16).hex()
        return PAGE

    @app.post("/login")
    def login() -> object:  # throttles, account, last login, audit, session, client, code: one transaction
        assert session.get("csrf_token")
        statements(7)
        db.session.commit()
        session.clear()
        session["login_token"] = os.urandom(32).hex()  # as idp.auth.LOGIN_TOKEN
        return redirect("http://127.0.0.1:5999/callback?code=x&state=y&iss=z")

    @app.post("/token")
    def token() -> object:  # the client, the code, the session's account, habilitations, the tokens
        statements(5)
        db.session.commit()
        return jsonify(access_token="a" * 43, refresh_token="r" * 43, id_token="i" * 900, expires_in=600)

    @app.get("/userinfo")
    def userinfo() -> object:  # the token with its account and client, the habilitations; autocommit
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        statements(2)
        return jsonify(sub="s" * 43, email="bench@exemple.fr", habilitations=[])

    return app


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.common import create_database, gunicorn, say
    from bench.sso import TLS, cpu_seconds
    from tests.postgres_cluster import free_port, postgres_cluster

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", type=int, default=600)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with postgres_cluster() as cluster:
        database_url, port = create_database(cluster, "floor"), free_port()
        base = f"http://127.0.0.1:{port}"
        environment = {"DATABASE_URL": database_url, "SECRET_KEY": os.urandom(16).hex()}
        app = "bench.login_floor:create_app()"
        with gunicorn(app, port, "/authorize", args.worker_class, args.threads, environment) as pids:

            def login() -> None:
                with httpx.Client(base_url=base, verify=TLS) as browser:
                    assert browser.get("/authorize").status_code == 200
                    assert browser.post("/login", data={"email": "bench@exemple.fr", "password": "x"}).is_redirect
                with httpx.Client(base_url=base, verify=TLS) as back_channel:
                    assert back_channel.post("/token", data={"grant_type": "authorization_code"}).is_success
                    assert back_channel.get("/userinfo", headers={"Authorization": "Bearer a"}).is_success

            for _ in range(30):  # warm-up: connection pools
                login()
            before = cpu_seconds(pids)
            for _ in range(args.logins):
                login()
            per_login = 1000 * (cpu_seconds(pids) - before) / args.logins
            say(
                f"skeleton login (4 requests, 2 new connections, 15 statements: 12 in 2 transactions, 3 in "
                f"autocommit): {per_login:.2f} ms of the workers' CPU"
            )


if __name__ == "__main__":
    main()
