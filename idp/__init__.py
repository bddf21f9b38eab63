"""The OpenID Provider « Mes démarches emploi et formation professionnelle»."""

from pathlib import Path
from typing import Any

from flask import Flask

from idp import messages
from idp.config import settings
from idp.extensions import db, limiter, mail, migrate
from idp.oidc import key_secret, keys
from shared import health
from shared import mail as relay
from shared.config import check_production
from shared.web import init_common


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    app.config.update(settings(app.instance_path))
    app.config.update(config or {})
    check_production(app.config)
    relay.check(app.config)
    key_secret.check(app.config)
    Path(app.instance_path).mkdir(exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    limiter.init_app(app)
    mail.init_app(app)
    init_common(app)
    health.init_app(
        app,
        {
            "database": health.database(lambda: db.engine),
            "rate_limits": _rate_limit_storage,
            "signing_keys": lambda: keys.check_readable(db.session),  # the secret reads the key that signs
        },
    )

    # The app's parts register themselves here, imported by the factory as the conventions ask: importing
    # one module of idp (a model, a service) does not load every view, command and the OpenID server.
    from idp import auth, cli, metrics, oidc

    app.jinja_env.globals["messages"] = messages
    from idp.views import (
        access_journal,
        activation,
        activation_codes,
        altcha,
        delegation,
        home,
        legal,
        login,
        my_account,
        password_reset,
        portal,
        service_users,
        signup,
    )

    auth.init_app(app)
    metrics.init_app(app)
    blueprints = (home, signup, activation, login, password_reset, my_account, legal, altcha, portal)
    for module in (*blueprints, service_users, delegation, access_journal, activation_codes):
        app.register_blueprint(module.bp)
    cli.init_app(app)
    oidc.init_app(app)
    return app


def _rate_limit_storage() -> None:
    """The rate limits' counters (Redis in production): without them, logins are not guarded."""
    if limiter.enabled and not limiter.storage.check():  # off (RATELIMIT_ENABLED=False): nothing to reach
        raise ConnectionError("the rate limits' storage does not answer")
