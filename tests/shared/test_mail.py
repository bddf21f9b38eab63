"""The outbox speaks to a real relay through Flask-Mail: plain, STARTTLS or implicit TLS, with a login; the relay's
certificate is verified and its password never recorded nor logged."""

import datetime
import ipaddress
import logging
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask
from sqlalchemy import select

from idp.extensions import db, mail
from idp.models import OutboxMessage
from idp.services.password_reset import request_reset
from shared.config import UnsafeConfiguration
from shared.mail import REDACTED, check, redact
from shared.outbox import deliver_due
from tests.idp.factories import make_account
from tests.mail_server import MailServer, Relay
from tests.postgres_cluster import free_port

LOGIN = ("mesdemarches", "correct horse battery staple 42")
EMAIL = "claire.testeuse@exemple.fr"


def self_signed(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A certificate for 127.0.0.1 made for this test: the server's context, and the file the client trusts."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relais de test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "relay.pem", folder / "relay.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    return self_signed(tmp_path)


def serve(relay: Relay) -> Iterator[MailServer]:
    server = MailServer(free_port(), relay)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def starttls_relay(certificate: tuple[ssl.SSLContext, Path]) -> Iterator[MailServer]:
    yield from serve(Relay(context=certificate[0], login=LOGIN))


@pytest.fixture
def implicit_tls_relay(certificate: tuple[ssl.SSLContext, Path]) -> Iterator[MailServer]:
    yield from serve(Relay(context=certificate[0], implicit_tls=True, login=LOGIN))


def use(app: Flask, server: MailServer, ca_file: Path | None, **settings: object) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TLS_CA_FILE=ca_file and str(ca_file))
    app.config.update({"MAIL_USERNAME": LOGIN[0], "MAIL_PASSWORD": LOGIN[1], **settings})


def send_one(app: Flask) -> OutboxMessage:
    make_account(db.session)
    request_reset(db.session, EMAIL)
    deliver_due(db.session, OutboxMessage, mail, app.config["MAIL_SENDER"])
    db.session.expire_all()
    row: OutboxMessage = db.session.scalars(select(OutboxMessage)).one()
    return row


def test_plain_relay_without_login_as_the_demo_catcher(app: Flask, mail_server: MailServer) -> None:
    row = send_one(app)
    assert row.sent_at is not None
    assert [mail.recipients for mail in mail_server.received] == [[EMAIL]]


def test_starttls_and_login_with_a_verified_certificate(
    app: Flask, starttls_relay: MailServer, certificate: tuple[ssl.SSLContext, Path]
) -> None:
    use(app, starttls_relay, certificate[1], MAIL_USE_TLS=True)
    row = send_one(app)
    assert row.sent_at is not None and row.last_error is None
    assert [mail.recipients for mail in starttls_relay.received] == [[EMAIL]]
    assert starttls_relay.relay.logins_tried == [LOGIN]


# aiosmtpd counts only STARTTLS as TLS, and warns that a login is required without it: here the port is TLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_implicit_tls_and_login(
    app: Flask, implicit_tls_relay: MailServer, certificate: tuple[ssl.SSLContext, Path]
) -> None:
    use(app, implicit_tls_relay, certificate[1], MAIL_USE_SSL=True)
    assert send_one(app).sent_at is not None
    assert len(implicit_tls_relay.received) == 1


def test_a_relay_whose_certificate_is_not_trusted_gets_no_password(app: Flask, starttls_relay: MailServer) -> None:
    """STARTTLS verifies the relay (Flask-Mail alone would not): a man in the middle never reads the login."""
    use(app, starttls_relay, None, MAIL_USE_TLS=True)
    row = send_one(app)
    assert row.sent_at is None and "CERTIFICATE_VERIFY_FAILED" in (row.last_error or "")
    assert starttls_relay.relay.logins_tried == [] and starttls_relay.received == []


def test_the_relay_refuses_to_relay_without_login(
    app: Flask, starttls_relay: MailServer, certificate: tuple[ssl.SSLContext, Path]
) -> None:
    use(app, starttls_relay, certificate[1], MAIL_USE_TLS=True, MAIL_USERNAME=None, MAIL_PASSWORD=None)
    row = send_one(app)
    assert row.sent_at is None and row.last_error
    assert starttls_relay.received == []


def test_a_wrong_password_leaves_the_mail_pending_with_the_error_and_never_the_password(
    app: Flask, starttls_relay: MailServer, certificate: tuple[ssl.SSLContext, Path], caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "Wr0ng-but-secret-password"
    use(app, starttls_relay, certificate[1], MAIL_USE_TLS=True, MAIL_PASSWORD=wrong)
    with caplog.at_level(logging.DEBUG):
        row = send_one(app)
    assert row.sent_at is None and row.attempts == 1
    assert row.last_error and "535" in row.last_error  # the relay's « authentication failed »
    assert set(starttls_relay.relay.logins_tried) == {(LOGIN[0], wrong)}  # smtplib tries PLAIN, then LOGIN
    assert wrong not in row.last_error and wrong not in caplog.text
    assert starttls_relay.received == []


def test_redact_removes_the_password_in_clear_and_as_auth_sends_it() -> None:
    config = {"MAIL_USERNAME": "u", "MAIL_PASSWORD": "s3cret"}
    echoed = "535 refused: s3cret czNjcmV0 AHUAczNjcmV0"  # clear, base64 (AUTH LOGIN), \0u\0s3cret (AUTH PLAIN)
    assert redact(echoed, config) == f"535 refused: {REDACTED} {REDACTED} {REDACTED}"


def test_a_password_over_plain_smtp_is_refused_in_production() -> None:
    with pytest.raises(UnsafeConfiguration):
        check({"ENV_PRODUCTION": True, "MAIL_PASSWORD": "x"})
    with pytest.raises(UnsafeConfiguration):
        check({"MAIL_USE_TLS": True, "MAIL_USE_SSL": True})
    check({"ENV_PRODUCTION": True, "MAIL_PASSWORD": "x", "MAIL_USE_TLS": True})
