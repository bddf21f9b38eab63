"""Behind nginx (PROXY_HOPS=1) the client's address is the one nginx appended to X-Forwarded-For; with no proxy
declared the header is ignored, so a client cannot choose the address its login failures are counted under."""

from pathlib import Path

import pytest
from flask import Flask, request

import rp_soffi

NGINX = "10.0.0.2"
CLIENT = "203.0.113.9"
FORGED = "198.51.100.1"  # what the client itself wrote in the header, before nginx appended its address


def seen_address(tmp_path: Path, hops: int) -> str:
    app: Flask = rp_soffi.create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/rp.sqlite3", "PROXY_HOPS": hops}
    )
    seen: list[str | None] = []
    app.before_request(lambda: seen.append(request.remote_addr))
    app.test_client().get(
        "/healthz", environ_base={"REMOTE_ADDR": NGINX}, headers={"X-Forwarded-For": f"{FORGED}, {CLIENT}"}
    )
    (address,) = seen
    assert address is not None
    return address


@pytest.mark.parametrize(("hops", "expected"), [(0, NGINX), (1, CLIENT), (2, FORGED)])
def test_the_client_address_is_counted_from_the_trusted_proxies(tmp_path: Path, hops: int, expected: str) -> None:
    assert seen_address(tmp_path, hops) == expected
