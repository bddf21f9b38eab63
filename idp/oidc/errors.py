"""Error answers of the provider: a French page for the person, standard errors for the protocol."""

from authlib.oauth2 import OAuth2Error
from flask import Response, jsonify, render_template

# What a person reads when a service sent them with a request the provider cannot honour.
FRENCH_DESCRIPTIONS = {
    "invalid_client": "Le service qui vous a envoyé ici n'est pas reconnu par Mes démarches.",
    "invalid_request": "La demande de connexion envoyée par le service est incorrecte.",
}
DEFAULT_DESCRIPTION = "La demande de connexion envoyée par le service ne peut pas être traitée."


def french_error_page(error: OAuth2Error) -> tuple[str, int]:
    """For an unknown client or an unregistered redirect URI: explain, and never redirect."""
    description = error.description or ""
    if "redirect" in description.lower():
        text = "L'adresse de retour demandée par le service n'est pas enregistrée auprès de Mes démarches."
    else:
        text = FRENCH_DESCRIPTIONS.get(error.error or "", DEFAULT_DESCRIPTION)
    return (
        render_template("oidc/error.html", text=text, error=error.error, description=description),
        400,
    )


def bearer_error(error: str | None, description: str | None, status: int) -> Response:
    """RFC 6750 §3: 401 with WWW-Authenticate (error omitted when no token was sent at all)."""
    challenge = 'Bearer realm="mesdemarches"'
    body = {}
    if error:
        challenge += f', error="{error}"'
        body["error"] = error
        if description:
            challenge += f', error_description="{description}"'
            body["error_description"] = description
    response = jsonify(body)
    response.status_code = status
    response.headers["WWW-Authenticate"] = challenge
    response.headers["Cache-Control"] = "no-store"
    return response
