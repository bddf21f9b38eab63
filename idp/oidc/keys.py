"""RSA keys signing the ID tokens: generated on first use, rotated by a command, kept in the database
so that every worker and instance signs and publishes the same keys — their private parts encrypted
(key_secret.py), their public parts as the JWKS publishes them."""

from datetime import timedelta
from typing import Any

from flask import current_app
from joserfc.jwk import RSAKey
from sqlalchemy import or_, select

from idp.models import SigningKey
from idp.oidc import key_secret
from shared.clock import utcnow
from shared.db import DbSession

# A retired key stays in the JWKS this long: longer than any ID token it signed may be presented
# (ID tokens live minutes; id_token_hint at logout may be older).
RETIRED_KEY_PUBLISHED = timedelta(days=2)


def _new_key(session: DbSession) -> SigningKey:
    key = RSAKey.generate_key(2048, private=True)
    kid = key.thumbprint()
    usage = {"kid": kid, "alg": "RS256", "use": "sig"}
    row = SigningKey(
        kid=kid,
        public_jwk={**key.as_dict(private=False), **usage},
        sealed_private_jwk=key_secret.seal(current_app.config, {**key.as_dict(private=True), **usage}),
    )
    session.add(row)
    session.commit()
    return row


# Importing a private RSA key checks its consistency, which costs tens of milliseconds: imported
# keys are kept per process. The kid is the key's thumbprint, so a kid always names the same key.
_IMPORTED: dict[str, RSAKey] = {}


def imported(row: SigningKey) -> RSAKey:
    key = _IMPORTED.get(row.kid)
    if key is None:
        key = _IMPORTED[row.kid] = RSAKey.import_key(key_secret.unseal(current_app.config, row.sealed_private_jwk))
    return key


def current_key(session: DbSession) -> SigningKey:
    """The newest active key, created if there is none yet."""
    row = session.scalar(
        select(SigningKey).where(SigningKey.retired_at.is_(None)).order_by(SigningKey.id.desc()).limit(1)
    )
    return row or _new_key(session)


# Which key signs is looked up at most once a minute per process: after a rotation, workers switch
# within a minute, and meanwhile the JWKS (never cached) already publishes the new key and keeps the old.
SIGNING_KEY_REFRESH = timedelta(minutes=1)
_signing: dict[str, Any] = {}


def forget_signing_key() -> None:
    """Look the signing key up and decrypt it again at the next token (after a rotation, or a test emptying the
    tables or changing the secret)."""
    _signing.clear()
    _IMPORTED.clear()


def signing_key(session: DbSession) -> tuple[str, RSAKey]:
    """(kid, private key) to sign ID tokens with."""
    now = utcnow()
    if not _signing or now >= _signing["until"]:
        row = current_key(session)
        _signing.update(kid=row.kid, key=imported(row), until=now + SIGNING_KEY_REFRESH)
    return _signing["kid"], _signing["key"]


def rotate(session: DbSession) -> SigningKey:
    """A new signing key; the previous ones are retired but stay published for a while."""
    now = utcnow()
    for row in session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
        row.retired_at = now
    forget_signing_key()  # this process switches at once
    return _new_key(session)


def public_jwks(session: DbSession) -> dict[str, Any]:
    current_key(session)
    rows = session.scalars(
        select(SigningKey)
        .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > utcnow() - RETIRED_KEY_PUBLISHED))
        .order_by(SigningKey.id.desc())
    )
    return {"keys": [row.public_jwk for row in rows]}


def check_readable(session: DbSession) -> None:
    """/readyz: the key that signs is readable with the configured secret (else no login can complete)."""
    imported(current_key(session))


def reencrypt(session: DbSession) -> int:
    """Every stored key encrypted again with the first secret of SIGNING_KEYS_SECRET; returns how many."""
    rows = list(session.scalars(select(SigningKey)))
    for row in rows:
        row.sealed_private_jwk = key_secret.reseal(current_app.config, row.sealed_private_jwk)
    session.commit()
    return len(rows)
