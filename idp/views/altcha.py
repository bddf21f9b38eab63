"""The self-hosted bot check (ALTCHA proof of work): no third-party CAPTCHA service, no tracking."""

from datetime import UTC, datetime, timedelta

import altcha
from flask import Blueprint, current_app, jsonify
from werkzeug.wrappers import Response

from idp.extensions import limiter

bp = Blueprint("altcha", __name__)

CHALLENGE_LIFETIME = timedelta(minutes=20)


@bp.get("/altcha/challenge")
@limiter.limit("60 per minute")
def challenge() -> Response:
    options = altcha.ChallengeOptionsV1(
        hmac_key=current_app.config["SECRET_KEY"],
        max_number=current_app.config["ALTCHA_MAX_NUMBER"],
        expires=datetime.now(UTC) + CHALLENGE_LIFETIME,
    )
    created = altcha.create_challenge_v1(options)
    return jsonify(
        algorithm=created.algorithm,
        challenge=created.challenge,
        maxnumber=created.max_number,
        salt=created.salt,
        signature=created.signature,
    )


def is_human(payload: str | None) -> bool:
    """True when the form carries a solved, unexpired challenge signed by this server."""
    if not current_app.config["ALTCHA_ENABLED"]:
        return True
    if not payload or len(payload) > 4096:
        return False
    try:
        verified, _ = altcha.verify_solution_v1(payload, current_app.config["SECRET_KEY"], check_expires=True)
    except (ValueError, TypeError, KeyError):
        return False
    return bool(verified)
