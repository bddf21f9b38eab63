"""Attachments are scanned before they are stored (soffi.md §3's virus-scan hook): a file the daemon finds a virus
in is refused next to the file field and nothing is written; a daemon that does not answer refuses the upload
(fail closed); without SOFFI_CLAMD_ADDRESS nothing is scanned."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from rp_soffi import antivirus, messages
from rp_soffi.models import Attachment
from tests.postgres_cluster import free_port
from tests.rp_soffi.clamd import EICAR, fake_clamd
from tests.rp_soffi.conftest import LogIn, serving, soffi_config
from tests.rp_soffi.factories import PDF, make_body, make_campaign, make_draft
from tests.rp_soffi.test_attachment_pages import upload
from tests.rp_soffi.web import count, fresh, messages_of

INFECTED_PDF = b"%PDF-1.7\n" + EICAR + b"\n%%EOF\n"


@pytest.fixture
def clamd() -> Iterator[str]:
    with fake_clamd() as address:
        yield address


@pytest.fixture
def soffi_app(soffi_database: str, attachments_folder: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """SOFFi with the scanner the test names (`clamd` or `no_clamd`)."""
    address = request.getfixturevalue(request.param)
    yield from serving(soffi_config(soffi_database, attachments_folder) | {antivirus.SETTING: address})


@pytest.fixture
def no_clamd() -> str:
    return f"127.0.0.1:{free_port()}"  # nobody listens there


@pytest.mark.parametrize("soffi_app", ["clamd"], indirect=True)
def test_a_file_with_a_virus_is_refused_and_a_clean_one_taken(session, soffi, log_in: LogIn) -> None:  # type: ignore[no-untyped-def]
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur")
    page = upload(soffi, statement.id, "comptes.pdf", INFECTED_PDF, status=422)
    assert messages_of(page, "fichier") == messages.ATTACHMENT_INFECTED.format(found="Eicar-Test-Signature")
    fresh()
    assert count(Attachment) == 0
    assert upload(soffi, statement.id, "comptes.pdf", PDF).status_int == 302
    assert count(Attachment) == 1


@pytest.mark.parametrize("soffi_app", ["no_clamd"], indirect=True)
def test_without_an_answering_scanner_no_file_is_taken(session, soffi, log_in: LogIn) -> None:  # type: ignore[no-untyped-def]
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur")
    page = upload(soffi, statement.id, "comptes.pdf", PDF, status=422)
    assert messages_of(page, "fichier") == messages.ATTACHMENT_SCAN_UNAVAILABLE
    fresh()
    assert count(Attachment) == 0


def test_the_scanner_reads_a_file_larger_than_one_chunk(clamd: str) -> None:
    scanner = antivirus.scanner_from(clamd)
    big = b"%PDF-1.7\n" + b"x" * (3 * antivirus.CHUNK) + EICAR
    assert scanner.scan(big) == "Eicar-Test-Signature"
    assert scanner.scan(b"%PDF-1.7\n" + b"x" * (3 * antivirus.CHUNK)) is None


def test_no_address_no_scan_and_a_malformed_one_is_refused() -> None:
    assert antivirus.scanner_from("").scan(INFECTED_PDF) is None
    with pytest.raises(ValueError, match="host:port"):
        antivirus.scanner_from("clamav")
