"""The private parts of the signing keys are encrypted at rest (issue 18): every instance reads them from the shared
database, so whoever reads a dump or a backup must not be able to sign ID tokens. The secret comes from the
environment, SIGNING_KEYS_SECRET: one or more Fernet keys separated by commas — the first encrypts, each decrypts, so
the secret itself is rotated by putting a new one first, running `flask --app idp keys reencrypt`, then removing the
old one. Production refuses to start without it; elsewhere it is derived from SECRET_KEY (the demo, the tests)."""

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from shared.config import UnsafeConfiguration

SETTING = "SIGNING_KEYS_SECRET"
HOW_TO_MAKE_ONE = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


class UnreadableKey(RuntimeError):
    """A stored key that none of the configured secrets decrypts (the secret was changed without `keys reencrypt`)."""


def check(config: dict[str, Any]) -> None:
    """Refuse a missing secret in production, and a malformed one anywhere, at start-up rather than at the first
    token."""
    if config.get("ENV_PRODUCTION") and not config.get(SETTING):
        raise UnsafeConfiguration(f"{SETTING} must be set in production (one Fernet key: {HOW_TO_MAKE_ONE}).")
    _cipher(config)


def _secrets(config: dict[str, Any]) -> list[bytes]:
    configured = [part.strip() for part in str(config.get(SETTING) or "").split(",") if part.strip()]
    if configured:
        return [part.encode() for part in configured]
    derived = hashlib.sha256(b"signing keys at rest:" + str(config["SECRET_KEY"]).encode()).digest()
    return [base64.urlsafe_b64encode(derived)]


def _cipher(config: dict[str, Any]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(secret) for secret in _secrets(config)])
    except ValueError as error:
        raise UnsafeConfiguration(f"{SETTING}: each secret is a Fernet key ({HOW_TO_MAKE_ONE}).") from error


def seal(config: dict[str, Any], private_jwk: dict[str, Any]) -> str:
    return _cipher(config).encrypt(json.dumps(private_jwk).encode()).decode()


def unseal(config: dict[str, Any], sealed: str) -> dict[str, Any]:
    try:
        return dict(json.loads(_cipher(config).decrypt(sealed.encode())))
    except InvalidToken as error:
        raise UnreadableKey(f"a signing key cannot be decrypted with {SETTING}") from error


def reseal(config: dict[str, Any], sealed: str) -> str:
    """The same key encrypted with the first secret (MultiFernet.rotate)."""
    try:
        return _cipher(config).rotate(sealed.encode()).decode()
    except InvalidToken as error:
        raise UnreadableKey(f"a signing key cannot be decrypted with {SETTING}") from error
