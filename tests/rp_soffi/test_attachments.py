"""« Pièces jointes »: PDF, XLSX or CSV of 10 Mo at most, checked by name and content; stored under the folder by
their SHA-256, never by the name given (a path in it is harmless); read back byte for byte; only collectors, on
a statement they may edit."""

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rp_soffi import messages
from rp_soffi.models import Attachment
from rp_soffi.services import attachments
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import Invalid, NotAllowed, NotFound
from rp_soffi.statement.attachments import MAX_BYTES, AttachmentKind
from shared.db import DbSession
from tests.rp_soffi.factories import (
    AGENT,
    BEFORE_DUE,
    COLLECTEUR,
    CONSULTATION,
    GESTIONNAIRE,
    PDF,
    make_body,
    make_campaign,
    make_draft,
    make_filed,
)

KIND = AttachmentKind.COMPTES_CERTIFIES
XLSX = b"PK\x03\x04" + b"\x00" * 60
by_role = {"ids": lambda actor: actor.role.value}


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize("actor", [COLLECTEUR, GESTIONNAIRE], **by_role)
def test_a_file_is_stored_by_its_hash_and_read_back_identical(
    session: DbSession, actor: Actor, attachments_folder: Path
) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session))
    added = attachments.add_attachment(
        session, actor, draft.id, KIND, "Comptes 2024.pdf", PDF, attachments_folder, BEFORE_DUE
    )
    digest = hashlib.sha256(PDF).hexdigest()
    assert (added.sha256, added.size, added.original_name, added.storage_path) == (
        digest,
        len(PDF),
        "Comptes 2024.pdf",
        f"{digest[:2]}/{digest}",
    )
    assert stored_files(attachments_folder) == [attachments_folder / digest[:2] / digest]
    assert attachments.read_attachment(attachments.get_attachment(session, added.id), attachments_folder) == PDF
    assert (added.uploaded_by_sub, added.uploaded_at) == (actor.sub, BEFORE_DUE)


def test_the_same_content_twice_is_one_file(session: DbSession, attachments_folder: Path) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session))
    for name in ("a.xlsx", "b.xlsx"):
        attachments.add_attachment(
            session, COLLECTEUR, draft.id, AttachmentKind.ANNEXE, name, XLSX, attachments_folder, BEFORE_DUE
        )
    assert len(stored_files(attachments_folder)) == 1
    assert session.scalar(select(func.count()).select_from(Attachment)) == 2


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("trop-gros.pdf", b"%PDF-" + b"0" * MAX_BYTES),  # one byte over 10 Mo
        ("vide.pdf", b""),
        ("programme.exe", b"MZ\x90\x00"),
        ("rapport.docx", XLSX),
        ("faux.pdf", b"<html><script>alert(1)</script>"),  # a page renamed
        ("faux.xlsx", PDF),
        ("binaire.csv", b"a;b\x00\x01"),
        ("sans-extension", PDF),
    ],
)
def test_any_other_file_is_refused_and_nothing_stored(
    session: DbSession, attachments_folder: Path, name: str, data: bytes
) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session))
    with pytest.raises(Invalid, match=messages.ATTACHMENT_FORMAT):
        attachments.add_attachment(session, COLLECTEUR, draft.id, KIND, name, data, attachments_folder, BEFORE_DUE)
    assert stored_files(attachments_folder) == []
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_exactly_10_mo_is_accepted(session: DbSession, attachments_folder: Path) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session))
    data = b"%PDF-" + b"0" * (MAX_BYTES - 5)
    added = attachments.add_attachment(
        session, COLLECTEUR, draft.id, KIND, "gros.pdf", data, attachments_folder, BEFORE_DUE
    )
    assert added.size == MAX_BYTES


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\comptes.pdf", "comptes.pdf"),
        ("/var/../comptes.pdf", "comptes.pdf"),
        ("C:\\Users\\jules\\Bilan 2024 é.pdf", "Bilan 2024 é.pdf"),
        ("com\x00ptes\r\n.pdf", "com_ptes__.pdf"),
        ('a<b>"|?*.pdf', "a_b_____.pdf"),
        ("Comptes.PDF", "Comptes.PDF"),
        ("....pdf", "piece-jointe.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_the_name_given_is_cleaned_and_never_a_path(
    session: DbSession, attachments_folder: Path, tmp_path: Path, given: str, shown: str
) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session))
    added = attachments.add_attachment(session, COLLECTEUR, draft.id, KIND, given, PDF, attachments_folder, BEFORE_DUE)
    assert added.original_name == shown
    digest = hashlib.sha256(PDF).hexdigest()
    # Nothing written anywhere but the folder, under the hash.
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == [attachments_folder / digest[:2] / digest]


@pytest.mark.parametrize("actor", [CONSULTATION, AGENT], **by_role)
def test_readers_and_agents_attach_nothing(session: DbSession, actor: Actor, attachments_folder: Path) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session))
    with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
        attachments.add_attachment(session, actor, draft.id, KIND, "a.pdf", PDF, attachments_folder, BEFORE_DUE)
    assert stored_files(attachments_folder) == []


def test_a_filed_statement_takes_no_attachment_and_keeps_its_own(session: DbSession, attachments_folder: Path) -> None:
    filed = make_filed(session, make_body(session), make_campaign(session), attachments_folder)
    with pytest.raises(NotAllowed, match="« Déposé »"):
        attachments.add_attachment(
            session, COLLECTEUR, filed.id, KIND, "b.pdf", PDF + b" ", attachments_folder, BEFORE_DUE
        )
    [kept] = filed.attachments
    with pytest.raises(NotAllowed, match="« Déposé »"):
        attachments.delete_attachment(session, COLLECTEUR, kept.id)


def test_a_draft_attachment_is_removed_and_its_file_kept(session: DbSession, attachments_folder: Path) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session))
    added = attachments.add_attachment(
        session, COLLECTEUR, draft.id, KIND, "a.pdf", PDF, attachments_folder, BEFORE_DUE
    )
    with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
        attachments.delete_attachment(session, CONSULTATION, added.id)
    attachments.delete_attachment(session, GESTIONNAIRE, added.id)
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert len(stored_files(attachments_folder)) == 1  # a frozen version may list it


def test_a_missing_or_altered_file_is_not_served(session: DbSession, attachments_folder: Path) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session))
    added = attachments.add_attachment(
        session, COLLECTEUR, draft.id, KIND, "a.pdf", PDF, attachments_folder, BEFORE_DUE
    )
    (attachments_folder / added.storage_path).write_bytes(PDF + b"changed")
    with pytest.raises(NotFound):
        attachments.read_attachment(added, attachments_folder)
    (attachments_folder / added.storage_path).unlink()
    with pytest.raises(NotFound):
        attachments.read_attachment(added, attachments_folder)
