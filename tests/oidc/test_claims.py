"""What the tokens say: `sub` stable and opaque, standard claims per scope, the `claims` parameter, and the
habilitations claim filtered to the requesting client's service."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from idp.extensions import db
from idp.models import Habilitation, Role, Service
from shared.clock import utcnow
from shared.oidc_client.claims import parse_habilitations
from tests.idp.factories import PASSWORD, SIRET
from tests.oidc.rp import EMAIL, callback_params, code_flow

THIRD_PARTY_SIRET = "99972281200016"
OTHER_SIRET = "99972281200024"
CONTRACT = {
    "service",
    "role",
    "role_label",
    "siret",
    "siren",
    "granted_via",
    "delegated",
    "on_behalf_of_siret",
    "expires_at",
}


def role(service_code, code, label):
    service = db.session.query(Service).filter_by(code=service_code).one()
    row = Role(service=service, code=code, label=label, is_manager=code == "gestionnaire")
    db.session.add(row)
    return row


@pytest.fixture
def habilitations(soffi, bpf, account):
    """SOFFi and BPF habilitations of one person, some of them no longer active."""
    gestionnaire = role("soffi", "gestionnaire", "Gestionnaire")
    consultation = role("soffi", "consultation", "Consultation")
    collecteur = role("soffi", "organisme_collecteur", "Organisme Collecteur")
    declarant = role("bpf", "declarant", "Déclarant")
    in_a_month = utcnow().replace(microsecond=0) + timedelta(days=30)
    rows = {
        "gestionnaire": Habilitation(
            account=account, role=gestionnaire, siret=SIRET, granted_via="par code d'activation"
        ),
        "consultation": Habilitation(
            account=account,
            role=consultation,
            siret=OTHER_SIRET,
            granted_via="par Camille DEMOLOIRE",
            expires_at=in_a_month,
        ),
        "delegated": Habilitation(
            account=account,
            role=collecteur,
            siret=THIRD_PARTY_SIRET,
            on_behalf_of_siret=SIRET,
            granted_via="délégation",
        ),
        "expired": Habilitation(
            account=account,
            role=consultation,
            siret=THIRD_PARTY_SIRET,
            granted_via="par code d'activation",
            expires_at=utcnow() - timedelta(minutes=1),
        ),
        "revoked": Habilitation(
            account=account,
            role=gestionnaire,
            siret=OTHER_SIRET,
            granted_via="par code d'activation",
            revoked_at=utcnow() - timedelta(days=1),
        ),
        "bpf": Habilitation(account=account, role=declarant, siret=SIRET, granted_via="par code d'activation"),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return {"in_a_month": in_a_month}


# sub


def test_sub_is_stable_across_logins_and_clients(new_browser, soffi, bpf, account):
    first = code_flow(new_browser(), soffi)
    second = code_flow(new_browser(), soffi)
    other_client = code_flow(new_browser(), bpf)
    assert first.claims["sub"] == second.claims["sub"] == other_client.claims["sub"]
    assert soffi.userinfo(first.access_token).json()["sub"] == first.claims["sub"]


def test_sub_is_opaque(browser, soffi, account):
    sub = code_flow(browser, soffi).claims["sub"]
    assert sub != str(account.id)
    assert EMAIL not in sub and "claire" not in sub.lower()
    assert len(sub) >= 22


# Standard claims


def test_id_token_carries_the_standard_claims_of_the_scopes(browser, soffi, account):
    claims = code_flow(browser, soffi, scope="openid profile email phone").claims
    assert claims["given_name"] == "Claire"
    assert claims["family_name"] == "TESTEUSE"
    assert claims["email"] == EMAIL
    assert claims["email_verified"] is True
    assert claims["phone_number"] == "+33612345678"
    assert isinstance(claims["updated_at"], int)
    assert isinstance(claims["auth_time"], int)
    assert "habilitations" not in claims


def test_claims_parameter_adds_phone_number_to_userinfo(browser, soffi, account):
    tokens = code_flow(browser, soffi, scope="openid", claims='{"userinfo": {"phone_number": null}}')
    info = soffi.userinfo(tokens.access_token).json()
    assert info["phone_number"] == "+33612345678"
    assert "email" not in info
    assert "phone_number" not in tokens.claims  # asked for userinfo only


def test_claims_parameter_adds_email_to_the_id_token(browser, soffi, account):
    tokens = code_flow(browser, soffi, scope="openid", claims='{"id_token": {"email": {"essential": true}}}')
    assert tokens.claims["email"] == EMAIL
    assert "email" not in soffi.userinfo(tokens.access_token).json()


def test_claims_parameter_survives_a_refresh(browser, soffi, account):
    tokens = code_flow(browser, soffi, scope="openid", claims='{"userinfo": {"phone_number": null}}')
    refreshed = soffi.refresh(tokens.refresh_token).json()
    assert soffi.userinfo(refreshed["access_token"]).json()["phone_number"] == "+33612345678"


def test_unknown_claims_requested_are_ignored(browser, soffi, account):
    tokens = code_flow(browser, soffi, scope="openid", claims='{"userinfo": {"password_hash": null, "id": null}}')
    assert set(soffi.userinfo(tokens.access_token).json()) == {"sub"}


# Habilitations


def test_soffi_tokens_carry_only_the_active_soffi_habilitations(browser, soffi, habilitations):
    tokens = code_flow(browser, soffi)
    introspected = soffi.introspect(tokens.access_token).json()
    for claims in (tokens.claims, soffi.userinfo(tokens.access_token).json(), introspected):
        values = claims["habilitations"]
        assert all(set(value) - {"company"} == CONTRACT for value in values)  # company: optional, when known
        parsed = parse_habilitations(claims)
        assert {(h.service, h.role, h.siret) for h in parsed} == {
            ("soffi", "gestionnaire", SIRET),
            ("soffi", "consultation", OTHER_SIRET),
            ("soffi", "organisme_collecteur", THIRD_PARTY_SIRET),
        }
        by_role = {h.role: h for h in parsed}
        gestionnaire = by_role["gestionnaire"]
        assert gestionnaire.role_label == "Gestionnaire"
        assert gestionnaire.siren == SIRET[:9]
        assert gestionnaire.granted_via == "par code d'activation"
        assert gestionnaire.delegated is False and gestionnaire.on_behalf_of_siret is None
        assert gestionnaire.expires_at is None
        consultation = by_role["consultation"]
        assert consultation.expires is not None and consultation.expires.utcoffset() is not None
        assert consultation.expires == habilitations["in_a_month"].replace(tzinfo=UTC)
        delegated = by_role["organisme_collecteur"]
        assert delegated.delegated is True
        assert delegated.on_behalf_of_siret == SIRET
        assert delegated.siret == THIRD_PARTY_SIRET and delegated.siren == THIRD_PARTY_SIRET[:9]


def test_bpf_tokens_carry_only_the_bpf_habilitation(browser, bpf, habilitations):
    tokens = code_flow(browser, bpf)
    parsed = parse_habilitations(tokens.claims)
    assert [(h.service, h.role, h.role_label, h.siret) for h in parsed] == [("bpf", "declarant", "Déclarant", SIRET)]
    assert parse_habilitations(bpf.userinfo(tokens.access_token).json()) == parsed


def test_a_service_without_habilitations_gets_an_empty_list(browser, jwt_rp, habilitations):
    tokens = code_flow(browser, jwt_rp)
    assert tokens.claims["habilitations"] == []


def test_habilitations_need_their_scope(browser, soffi, habilitations):
    tokens = code_flow(browser, soffi, scope="openid profile")
    assert "habilitations" not in tokens.claims
    assert "habilitations" not in soffi.userinfo(tokens.access_token).json()


def test_habilitations_are_read_again_at_every_token(browser, soffi, habilitations, account):
    tokens = code_flow(browser, soffi)
    assert len(tokens.claims["habilitations"]) == 3
    db.session.query(Habilitation).filter_by(account_id=account.id, siret=OTHER_SIRET).update({"revoked_at": utcnow()})
    db.session.commit()
    assert len(soffi.userinfo(tokens.access_token).json()["habilitations"]) == 2
    refreshed = soffi.refresh(tokens.refresh_token).json()
    claims = soffi.verify_id_token(refreshed["id_token"], tokens.request.nonce, refreshed=True)
    assert len(claims["habilitations"]) == 2


def test_habilitation_expiring_now_is_absent(browser, soffi, habilitations, account):
    with time_machine.travel(timedelta(0)) as traveller:
        traveller.shift(timedelta(days=30, seconds=1))
        roles = {h.role for h in parse_habilitations(code_flow(browser, soffi).claims)}
    assert roles == {"gestionnaire", "organisme_collecteur"}


def test_expires_at_is_iso_8601_with_an_offset(browser, soffi, habilitations):
    values = code_flow(browser, soffi).claims["habilitations"]
    (dated,) = [value for value in values if value["expires_at"]]
    parsed = datetime.fromisoformat(dated["expires_at"])
    assert parsed.utcoffset() is not None


def test_delegation_may_name_who_delegated(browser, soffi, account):
    collecteur = role("soffi", "organisme_collecteur", "Organisme Collecteur")
    db.session.add(
        Habilitation(
            account=account,
            role=collecteur,
            siret=THIRD_PARTY_SIRET,
            on_behalf_of_siret=SIRET,
            granted_via="délégation",
            delegated_by="Camille DEMOLOIRE",
        )
    )
    db.session.commit()
    (value,) = code_flow(browser, soffi).claims["habilitations"]
    assert set(value) - {"company"} == CONTRACT | {"delegated_by"}
    (parsed,) = parse_habilitations({"habilitations": [value]})
    assert parsed.delegated is True and parsed.delegated_by == "Camille DEMOLOIRE"


def test_a_role_changed_or_removed_by_a_gestionnaire_shows_at_the_next_login(
    new_browser, soffi, habilitations, account
):
    from idp.services import habilitations as management

    before = {(h.role, h.siret) for h in parse_habilitations(code_flow(new_browser(), soffi).claims)}
    assert ("consultation", OTHER_SIRET) in before
    consultation = (
        db.session.query(Habilitation).filter_by(account_id=account.id, siret=OTHER_SIRET, revoked_at=None).one()
    )
    collecteur = db.session.query(Role).filter_by(code="organisme_collecteur").one()
    management.change_habilitation(db.session, account, consultation, collecteur, None)

    after = {(h.role, h.siret) for h in parse_habilitations(code_flow(new_browser(), soffi).claims)}
    assert ("organisme_collecteur", OTHER_SIRET) in after and ("consultation", OTHER_SIRET) not in after

    management.revoke_habilitation(db.session, account, consultation)
    last = {(h.role, h.siret) for h in parse_habilitations(code_flow(new_browser(), soffi).claims)}
    assert last == after - {("organisme_collecteur", OTHER_SIRET)}


def test_a_delegation_leaves_every_answer_the_second_it_ends(browser, soffi, habilitations):
    """Checked wherever claims are built — at code and token time, refresh and userinfo — not by a sweeper:
    one second before its end the delegation is there, one second after it is gone from all of them."""
    delegated = db.session.query(Habilitation).filter(Habilitation.on_behalf_of_siret.is_not(None)).one()
    with time_machine.travel(utcnow().replace(microsecond=0), tick=False) as traveller:
        delegated.expires_at = utcnow() + timedelta(minutes=5)
        db.session.commit()

        def delegations(claims):
            return [h for h in parse_habilitations(claims) if h.delegated]

        traveller.shift(timedelta(minutes=5) - timedelta(seconds=1))
        before = code_flow(browser, soffi)
        assert len(delegations(before.claims)) == 1
        assert len(delegations(soffi.userinfo(before.access_token).json())) == 1
        pending = soffi.new_request()  # a code issued before the end, redeemed after it
        code = callback_params(soffi, browser.until_client(browser.authorize(pending), EMAIL, PASSWORD))["code"]

        traveller.shift(timedelta(seconds=2))
        redeemed = soffi.redeem(code, pending.verifier).json()
        assert delegations(soffi.verify_id_token(redeemed["id_token"], pending.nonce)) == []
        assert delegations(soffi.userinfo(before.access_token).json()) == []
        refreshed = soffi.refresh(before.refresh_token).json()
        assert delegations(soffi.verify_id_token(refreshed["id_token"], refreshed=True)) == []
        assert delegations(code_flow(browser, soffi).claims) == []
