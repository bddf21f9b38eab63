"""The self-hosted bot check (ALTCHA proof of work): no third-party CAPTCHA service, no tracking. The challenges
are served here; a solution is checked, and spent, by idp.services.bot_check."""

from datetime import UTC, datetime

import altcha
from flask import Blueprint, current_app, jsonify
from werkzeug.wrappers import Response

from idp.extensions import limiter
from idp.services.bot_check import CHALLENGE_LIFETIME

bp = Blueprint("altcha", __name__)


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
