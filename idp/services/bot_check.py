"""The self-hosted bot check (ALTCHA proof of work): a solved challenge signed by this server, unexpired, and
used once — the same solution posted twice (two accounts from one proof of work) is refused on every instance."""

import base64
import json
from datetime import timedelta

import altcha
from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from idp.models import SpentBotCheck
from shared.clock import utcnow
from shared.db import DbSession

CHALLENGE_LIFETIME = timedelta(minutes=20)
MAX_PAYLOAD_LENGTH = 4096


def is_human(session: DbSession, payload: str | None) -> bool:
    """True, once, for a form carrying a solved challenge of this server that has not expired."""
    if not current_app.config["ALTCHA_ENABLED"]:
        return True
    if not payload or len(payload) > MAX_PAYLOAD_LENGTH:
        return False
    try:
        verified, _ = altcha.verify_solution_v1(payload, current_app.config["SECRET_KEY"], check_expires=True)
    except (ValueError, TypeError, KeyError):
        return False
    return bool(verified) and _spend(session, json.loads(base64.b64decode(payload))["challenge"])


def _spend(session: DbSession, challenge: str) -> bool:
    """Record the challenge as used; False when it already was (the primary key decides, across instances)."""
    now = utcnow()
    session.execute(delete(SpentBotCheck).where(SpentBotCheck.expires_at < now))  # past their lifetime: useless
    session.add(SpentBotCheck(challenge=challenge, expires_at=now + CHALLENGE_LIFETIME))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
