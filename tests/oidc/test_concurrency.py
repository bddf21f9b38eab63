"""Many requests of one person at the same moment, from real threads over real HTTP: no unique-constraint
error, no 500, and single-use things used once. Meaningful on PostgreSQL; passes on SQLite too."""

import dataclasses
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import time_machine
from flask import got_request_exception

from idp import create_app
from idp.extensions import db
from tests.conftest import idp_test_config
from tests.idp.factories import PASSWORD
from tests.live_server import serve
from tests.oidc.rp import EMAIL, Provider, callback_params, code_flow, shows_login_form

THREADS = 10


def all_at_once(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run action(0..count-1) in as many threads, released together by a barrier; re-raise any failure."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = action(index)
        except BaseException as failure:
            failures.append(failure)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    if failures:
        raise failures[0]
    return results


def test_same_person_logs_in_from_many_browsers_at_once(new_browser, soffi, account):
    soffi.provider.metadata  # noqa: B018  (discovery read once, before the threads)
    browsers = [new_browser() for _ in range(THREADS)]
    flows = all_at_once(THREADS, lambda index: code_flow(browsers[index], soffi))
    assert len({flow.access_token for flow in flows}) == THREADS
    assert len({flow.refresh_token for flow in flows}) == THREADS
    assert len({flow.claims["sub"] for flow in flows}) == 1
    for flow in flows:
        assert soffi.userinfo(flow.access_token).status_code == 200


def test_many_refreshes_of_one_person_in_the_same_second(browser, soffi, account):
    flows = [code_flow(browser, soffi) for _ in range(THREADS)]
    # Time stands still: every token is issued in the same second (and the same microsecond).
    with time_machine.travel(timedelta(0), tick=False):
        responses = all_at_once(THREADS, lambda index: soffi.refresh(flows[index].refresh_token))
    assert [response.status_code for response in responses] == [200] * THREADS, [r.text for r in responses]
    bodies = [response.json() for response in responses]
    assert len({body["refresh_token"] for body in bodies}) == THREADS
    assert len({body["access_token"] for body in bodies}) == THREADS
    for body in bodies:
        assert soffi.userinfo(body["access_token"]).status_code == 200


def test_many_userinfo_and_flows_in_the_same_second(new_browser, soffi, account):
    soffi.provider.metadata  # noqa: B018
    browsers = [new_browser() for _ in range(THREADS)]
    with time_machine.travel(timedelta(0), tick=False):
        flows = all_at_once(THREADS, lambda index: code_flow(browsers[index], soffi))
        answers = all_at_once(THREADS, lambda index: soffi.userinfo(flows[index].access_token).status_code)
    assert answers == [200] * THREADS


def test_one_code_redeemed_twice_at_once_gives_tokens_once(browser, soffi, account):
    for _ in range(3):
        auth = soffi.new_request()
        code = callback_params(soffi, browser.until_client(browser.authorize(auth)))["code"]
        responses = all_at_once(2, lambda index, code=code, auth=auth: soffi.redeem(code, auth.verifier))
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [200, 400], [response.text for response in responses]
        (refused,) = [response for response in responses if response.status_code == 400]
        assert refused.json()["error"] == "invalid_grant"


def test_one_refresh_token_used_twice_at_once_is_used_once(browser, soffi, account):
    for _ in range(3):
        tokens = code_flow(browser, soffi)
        responses = all_at_once(2, lambda index, tokens=tokens: soffi.refresh(tokens.refresh_token))
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [200, 400], [response.text for response in responses]


def test_one_client_assertion_presented_twice_at_once_is_accepted_once(browser, jwt_rp, account):
    codes = []
    for _ in range(2):
        auth = jwt_rp.new_request()
        codes.append((callback_params(jwt_rp, browser.until_client(browser.authorize(auth)))["code"], auth.verifier))
    assertion = jwt_rp.client_assertion()

    def redeem(index: int) -> Any:
        code, verifier = codes[index]
        return jwt_rp.token(
            assertion=assertion,
            grant_type="authorization_code",
            code=code,
            redirect_uri=jwt_rp.redirect_uri,
            code_verifier=verifier,
        )

    statuses = sorted(response.status_code for response in all_at_once(2, redeem))
    assert statuses == [200, 401]


def test_two_instances_share_every_piece_of_state(idp_database, mail_server, browser, soffi, account):
    """Like two gunicorn workers or two servers behind a load balancer: each step may land on either."""
    instance_a = soffi.provider
    other = create_app({**idp_test_config(idp_database, mail_server.port), "PUBLIC_URL": instance_a.url})
    errors: list[BaseException] = []

    def record(sender: Any, exception: BaseException, **extra: Any) -> None:
        errors.append(exception)

    got_request_exception.connect(record, other)
    with serve(other) as other_url:
        instance_b = Provider(other_url)
        instance_b.metadata = {  # same issuer, endpoints on the other instance
            name: value.replace(instance_a.url, other_url) if isinstance(value, str) and name != "issuer" else value
            for name, value in instance_a.metadata.items()
        }
        soffi_b = dataclasses.replace(soffi, provider=instance_b)
        try:
            for prompt in (None, "login"):  # the second time, a fresh login is asked despite the session
                auth = soffi.new_request(prompt=prompt)
                page = browser.authorize(auth)  # A shows the form (the second time despite the session B made)
                assert shows_login_form(page)
                back = browser.submit(page, "/connexion", at=other_url, email=EMAIL, password=PASSWORD)  # B
                callback = callback_params(soffi, back)  # B answers the service with a code
                tokens = soffi.redeem(callback["code"], auth.verifier)  # A
                assert tokens.status_code == 200, tokens.text
                body = tokens.json()
                soffi.verify_id_token(body["id_token"], auth.nonce)
                assert soffi_b.userinfo(body["access_token"]).status_code == 200  # B
                refreshed = soffi.refresh(body["refresh_token"]).json()  # A
                assert soffi_b.refresh(body["refresh_token"]).json()["error"] == "invalid_grant"  # replay on B
                assert soffi.userinfo(refreshed["access_token"]).status_code == 401  # family revoked, seen by A
            # A session made by B, an authorization on A: no password asked.
            silent = soffi.new_request(prompt="none")
            assert "code" in callback_params(soffi, browser.authorize(silent))
        finally:
            instance_b.close()
            got_request_exception.disconnect(record, other)
            with other.app_context():
                db.engine.dispose()
    assert not errors, f"the second instance raised: {errors!r}"
