"""The signing keys' private parts are encrypted at rest with SIGNING_KEYS_SECRET (a dump of the shared database
signs nothing); the secret is rotated by putting a new one first, `keys reencrypt`, then removing the old one; a
secret that reads no stored key is reported by /readyz; production refuses to start without one."""

from collections.abc import Iterator

import pytest
import webtest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import select

from idp import create_app
from idp.extensions import db
from idp.models import SigningKey
from idp.oidc import keys
from shared.config import UnsafeConfiguration
from tests.conftest import idp_test_config
from tests.idp.conftest import FreshContext
from tests.mail_server import MailServer

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def with_secret(idp_database: str, mail_server: MailServer) -> Iterator[object]:
    """`with_secret(value)`: the provider configured with that SIGNING_KEYS_SECRET, as a new deployment would be."""
    apps: list[Flask] = []

    def configured(value: str) -> Flask:
        keys.forget_signing_key()  # a new process: nothing decrypted yet
        app = create_app(idp_test_config(idp_database, mail_server.port) | {"SIGNING_KEYS_SECRET": value})
        apps.append(app)
        return app

    yield configured
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    keys.forget_signing_key()


def ready(app: Flask) -> webtest.TestResponse:
    return webtest.TestApp(FreshContext(app)).get("/readyz", expect_errors=True)


def test_the_private_key_is_stored_encrypted_and_the_jwks_is_its_public_part(app: Flask, with_secret) -> None:  # type: ignore[no-untyped-def]
    first = with_secret(OLD)
    with first.app_context():
        kid, private = keys.signing_key(db.session)
        row = db.session.scalar(select(SigningKey).where(SigningKey.kid == kid))
        secret_exponent = private.as_dict(private=True)["d"]
        assert secret_exponent not in row.sealed_private_jwk and row.sealed_private_jwk.startswith("gAAAA")
        (published,) = keys.public_jwks(db.session)["keys"]
        assert published == {**private.as_dict(private=False), "kid": kid, "alg": "RS256", "use": "sig"}
        assert not {"d", "p", "q", "dp", "dq", "qi"} & published.keys()


def test_the_secret_is_rotated_without_losing_the_key(app: Flask, with_secret) -> None:  # type: ignore[no-untyped-def]
    first = with_secret(OLD)
    with first.app_context():
        kid, _ = keys.signing_key(db.session)
    assert ready(first).status_int == 200

    wrong = with_secret(NEW)  # the new secret alone, before `keys reencrypt`: the key cannot be read
    answer = ready(wrong)
    assert answer.status_int == 503 and "signing_keys" in answer.text

    both = with_secret(f"{NEW},{OLD}")
    assert ready(both).status_int == 200
    with both.app_context():  # the command runs in the app of the context already there
        result = both.test_cli_runner().invoke(args=["keys", "reencrypt"])
    assert result.exit_code == 0 and "1 clé(s) chiffrée(s) à nouveau." in result.output

    only_new = with_secret(NEW)
    assert ready(only_new).status_int == 200
    with only_new.app_context():
        assert keys.signing_key(db.session)[0] == kid  # the same key signs on


def test_production_refuses_a_missing_or_malformed_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/idp")
    monkeypatch.setenv("IDP_PUBLIC_URL", "https://mesdemarches.example")
    with pytest.raises(UnsafeConfiguration, match="SIGNING_KEYS_SECRET must be set in production"):
        create_app()
    monkeypatch.setenv("SIGNING_KEYS_SECRET", "not-a-fernet-key")
    with pytest.raises(UnsafeConfiguration, match="each secret is a Fernet key"):
        create_app()
    monkeypatch.setenv("SIGNING_KEYS_SECRET", NEW)
    assert create_app().config["SIGNING_KEYS_SECRET"] == NEW
