"""A person's consent to share their claims with a service outside the ministry (a third-party client).
Ministry services (first-party clients) never ask."""

from idp.models import Consent, OAuthClient
from shared.clock import utcnow
from shared.db import DbSession


def needs_consent(session: DbSession, account_id: int, client: OAuthClient, scope: str, prompt: str) -> bool:
    """True when the consent page must be shown: `prompt=consent`, or a third-party client that was never
    given every scope it asks for now."""
    if "consent" in prompt.split():
        return True
    if client.first_party:
        return False
    given = session.query(Consent).filter_by(account_id=account_id, client_id=client.client_id).first()
    return given is None or not set(scope.split()) <= set(given.scope.split())


def save_consent(session: DbSession, account_id: int, client_id: str, scope: str) -> None:
    """Record the consent (its scopes added to any given before), committed."""
    given = session.query(Consent).filter_by(account_id=account_id, client_id=client_id).first()
    if given is None:
        session.add(Consent(account_id=account_id, client_id=client_id, scope=scope))
    else:
        given.scope, given.granted_at = " ".join(sorted(set(given.scope.split()) | set(scope.split()))), utcnow()
    session.commit()
