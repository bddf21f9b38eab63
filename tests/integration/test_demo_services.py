"""`flask --app idp demo load` registers the three services as the services' own settings expect."""

from flask import Flask
from sqlalchemy import select

import rp_bpf
import rp_soffi
import rp_sofi
from idp.demo.accounts import DEMO_ACCOUNTS
from idp.extensions import db
from idp.models import Account, Habilitation, OAuthClient, Role, Service


def test_demo_load_registers_the_three_services_once(idp_app: Flask) -> None:
    runner = idp_app.test_cli_runner()
    for _ in range(2):  # idempotent
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    assert "0 habilitation(s) de démonstration ajoutée(s)." in result.output
    for package in (rp_soffi, rp_sofi, rp_bpf):
        settings = package.create_app({"TESTING": True}).config
        client = db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == settings["RP_CLIENT_ID"]))
        assert client is not None and client.service.code == package.SERVICE.code
        assert client.redirect_uris == [f"{settings['RP_PUBLIC_URL']}/callback"]
        assert client.post_logout_redirect_uris == [f"{settings['RP_PUBLIC_URL']}/"]
        assert client.backchannel_logout_uri == f"{settings['RP_PUBLIC_URL']}/backchannel-logout"
        served = package.create_app({"TESTING": True}).url_map.iter_rules()
        assert "/backchannel-logout" in {rule.rule for rule in served}
        assert client.check_client_secret(settings["RP_CLIENT_SECRET"])
        # The roles the service knows are those the IdP grants, with the same labels.
        roles = db.session.scalars(select(Role).join(Service).where(Service.code == package.SERVICE.code))
        assert {role.code: role.label for role in roles} == dict(package.SERVICE.roles)
    # The demo accounts' own habilitations (the portal's demo people have theirs: tests/idp/test_demo.py).
    demo_emails = [email for email, *_ in DEMO_ACCOUNTS]
    assert db.session.query(Habilitation).join(Habilitation.account).filter(Account.email.in_(demo_emails)).count() == 9
