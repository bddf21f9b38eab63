"""The identity provider's operators' commands, one module per group (the README lists them). Each
command reads its options, calls a service and prints what it did, in French."""

from flask import Flask

from idp.cli.accounts import accounts_cli
from idp.cli.demo import demo_cli
from idp.cli.directory import directory_cli
from idp.cli.oidc import clients_cli, keys_cli
from idp.cli.outbox import outbox_cli
from idp.cli.portal import access_requests_cli, activation_codes_cli, habilitations_cli


def init_app(app: Flask) -> None:
    for group in (
        accounts_cli,
        outbox_cli,
        directory_cli,
        demo_cli,
        activation_codes_cli,
        access_requests_cli,
        habilitations_cli,
        clients_cli,
        keys_cli,
    ):
        app.cli.add_command(group)
