"""SOFI « Système de l'Offre de Formation Informatisé » (Carif-Oref Pays de la Loire), a service that
logs its users in through Mes démarches. For now: its home page and the sign-in."""

from typing import Any

from flask import Flask

from rp_sofi.config import SERVICE
from shared import relying_party


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = relying_party.create_relying_party(__name__, SERVICE, config)
    app.register_blueprint(relying_party.home)
    return app
