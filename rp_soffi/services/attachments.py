"""« Pièces jointes » (soffi.md §3, §5.4): add a file to a statement being edited, read it back, remove it.

The file is checked by `rules.attachment_format` (PDF, XLSX or CSV by name *and* first bytes, 10 Mo at most), then
stored under the attachments folder as `<2 first hex digits>/<SHA-256>`: the name the user gave never reaches
the file system (it is kept, cleaned, only to be shown), so a name like « ../../x.pdf » is harmless, and the same
content sent twice is one file. Files are never deleted: a frozen version may list them."""

import hashlib
import logging
import os
import re
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from rp_soffi import messages
from rp_soffi.antivirus import NoScanner, Scanner, ScannerUnavailable
from rp_soffi.models import Attachment
from rp_soffi.services import history
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import Invalid, NotFound
from rp_soffi.services.statements import get_statement
from rp_soffi.services.transaction import transaction
from rp_soffi.statement.attachments import HEAD_BYTES, AttachmentKind
from rp_soffi.statement.rules import Kind, Problem, attachment_format
from rp_soffi.statement.workflow import Action
from shared.db import DbSession

logger = logging.getLogger(__name__)
MAX_NAME = 120
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|]')
_HASH = re.compile(r"[0-9a-f]{64}")


def _scanned(scanner: Scanner, data: bytes) -> list[Problem]:
    try:
        found = scanner.scan(data)
    except ScannerUnavailable as error:
        logger.error("Attachment not scanned: %s", error)
        return [Problem("attachment_scan", Kind.BLOCKING, (), messages.ATTACHMENT_SCAN_UNAVAILABLE)]
    if found is None:
        return []
    logger.warning("Attachment refused: virus %s", found[:200])  # security-relevant: the operators see it
    return [Problem("attachment_virus", Kind.BLOCKING, (), messages.ATTACHMENT_INFECTED.format(found=found[:200]))]


def sanitise_name(filename: str) -> str:
    """The name to show: its last part whatever the separator, without control or reserved characters, at most
    120 characters with its extension kept; « piece-jointe.<ext> » when nothing else is left."""
    name = PureWindowsPath(PurePosixPath(filename[-1000:]).name).name
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", name))
    suffix = PurePosixPath(name).suffix if len(PurePosixPath(name).suffix) <= 10 else ""
    stem = name.removesuffix(suffix).strip(" .")
    if not stem.strip("_"):
        stem = "piece-jointe"
    return stem[: MAX_NAME - len(suffix)] + suffix


@transaction
def add_attachment(
    db: DbSession,
    actor: Actor,
    statement_id: int,
    kind: AttachmentKind,
    filename: str,
    data: bytes,
    folder: Path,
    now: datetime,
    scanner: Scanner | None = None,
) -> Attachment:
    """Attach a file to a statement its collectors may edit now (« Brouillon » or « À corriger », campaign open);
    Invalid with « Format accepté : PDF, XLSX ou CSV, 10 Mo maximum. » for any other file, and for a file the
    scanner finds a virus in or cannot scan."""
    statement = get_statement(db, statement_id)
    history.check(Action.MODIFIER, statement.status, actor, statement.campaign.status)
    problems = attachment_format(filename[-1000:], len(data), data[:HEAD_BYTES])
    problems = problems or _scanned(scanner or NoScanner(), data)
    if problems:
        raise Invalid(problems)
    digest = hashlib.sha256(data).hexdigest()
    # Written before the row is committed: if the transaction fails, a file nobody lists stays, harmless (named by
    # its content, it is reused by the next upload of the same bytes).
    storage_path = _store(folder, digest, data)
    attachment = Attachment(
        statement_id=statement.id,
        kind=kind,
        original_name=sanitise_name(filename),
        size=len(data),
        sha256=digest,
        storage_path=storage_path,
        uploaded_at=now,
        uploaded_by_sub=actor.sub,
        uploaded_by_name=actor.name,
    )
    db.add(attachment)
    db.flush()
    return attachment


def get_attachment(db: DbSession, attachment_id: int) -> Attachment:
    attachment = db.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(messages.NOT_FOUND)
    return attachment


def read_attachment(attachment: Attachment, folder: Path) -> bytes:
    """The stored bytes, checked against their SHA-256 (NotFound when the file is missing or altered)."""
    if _HASH.fullmatch(attachment.sha256) is None:
        raise NotFound(messages.ATTACHMENT_MISSING)
    try:
        data = _path(folder, attachment.sha256).read_bytes()
    except OSError as error:
        raise NotFound(messages.ATTACHMENT_MISSING) from error
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise NotFound(messages.ATTACHMENT_MISSING)
    return data


@transaction
def delete_attachment(db: DbSession, actor: Actor, attachment_id: int) -> None:
    """« Supprimer » while the statement is being edited; the file stays (a frozen version may list it)."""
    attachment = get_attachment(db, attachment_id)
    statement = attachment.statement
    history.check(Action.MODIFIER, statement.status, actor, statement.campaign.status)
    db.delete(attachment)
    db.flush()


def _path(folder: Path, digest: str) -> Path:
    return folder / digest[:2] / digest


def _store(folder: Path, digest: str, data: bytes) -> str:
    target = _path(folder, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: a reader never sees half a file, two uploads of the same bytes agree.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    return f"{digest[:2]}/{digest}"
