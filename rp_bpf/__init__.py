"""« Mon Activité Formation » (déclaration d'activité and bilan pédagogique et financier), a service
that logs its users in through Mes démarches. For now: its home page and the sign-in."""

from typing import Any

from flask import Flask

from rp_bpf.config import SERVICE
from shared import relying_party


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = relying_party.create_relying_party(__name__, SERVICE, config)
    app.register_blueprint(relying_party.home)
    return app
