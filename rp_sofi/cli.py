"""SOFI's commands: `flask --app rp_sofi reference load` (Certifinfo, Formacode, SIRENE extract), `lheo export`
(the nightly Lhéo file), `demo load` (demo organisations and their offer)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from rp_sofi.demo import demo_cli
    from rp_sofi.reference import reference_cli
    from rp_sofi.views.export import lheo_cli

    app.cli.add_command(reference_cli)
    app.cli.add_command(lheo_cli)
    app.cli.add_command(demo_cli)
