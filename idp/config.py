"""Settings of the identity provider."""

import os
from datetime import timedelta
from typing import Any

from shared import mail
from shared.config import base_settings


def settings(instance_path: str) -> dict[str, Any]:
    values = base_settings(instance_path, "idp.sqlite3", cookie_name="idp_session")
    values.update(mail.settings())  # only the provider sends e-mails
    values.update(
        PUBLIC_URL=os.environ.get("IDP_PUBLIC_URL", "http://127.0.0.1:5000"),
        SIGNING_KEYS_SECRET=os.environ.get("SIGNING_KEYS_SECRET", ""),  # idp/oidc/key_secret.py
        ACTIVATION_LINK_LIFETIME=timedelta(hours=24),
        PASSWORD_RESET_LINK_LIFETIME=timedelta(minutes=60),
        EMAIL_CHANGE_LINK_LIFETIME=timedelta(hours=24),
        DELEGATION_INVITATION_LIFETIME=timedelta(days=int(os.environ.get("DELEGATION_INVITATION_DAYS", "7"))),
        SESSION_IDLE_TIMEOUT=timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30"))),
        SESSION_ABSOLUTE_TIMEOUT=timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))),
        # The ALTCHA proof of work: about a second of a phone's CPU, nothing for a person to do.
        ALTCHA_MAX_NUMBER=int(os.environ.get("ALTCHA_MAX_NUMBER", "100000")),
        ALTCHA_ENABLED=True,
        RATELIMIT_SIGNUP="10 per minute;60 per hour",
        RATELIMIT_LOGIN="30 per minute;300 per hour",
        RATELIMIT_MAIL="5 per minute;30 per hour",
        # Authlib: refresh tokens issued with every access token; access tokens live 10 minutes.
        OAUTH2_REFRESH_TOKEN_GENERATOR=True,
        OAUTH2_TOKEN_EXPIRES_IN={"authorization_code": 600, "refresh_token": 600},
        OAUTH2_SCOPES_SUPPORTED=["openid", "profile", "email", "phone", "habilitations"],
    )
    return values
