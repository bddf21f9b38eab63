"""Attachments of a statement (soffi.md §3): their kinds, and what a file must look like to be accepted.

The type is read from the file's first bytes as well as its name, so that a renamed executable or HTML page
is not stored as a « PDF »."""

import enum
from pathlib import PurePosixPath, PureWindowsPath

MAX_BYTES = 10 * 1024 * 1024  # « 10 Mo »
HEAD_BYTES = 8  # how much of the file `looks_like` needs


class AttachmentKind(enum.StrEnum):
    COMPTES_CERTIFIES = "COMPTES_CERTIFIES"
    RAPPORT_CAC = "RAPPORT_CAC"
    ANNEXE = "ANNEXE"
    AUTRE = "AUTRE"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    AttachmentKind.COMPTES_CERTIFIES: "Comptes annuels certifiés",
    AttachmentKind.RAPPORT_CAC: "Rapport du commissaire aux comptes",
    AttachmentKind.ANNEXE: "Annexe explicative",
    AttachmentKind.AUTRE: "Autre",
}


def extension(filename: str) -> str:
    """The lower-case extension of the name's last part, whichever separator the browser kept."""
    name = PureWindowsPath(PurePosixPath(filename).name).name
    return PurePosixPath(name).suffix.lower().lstrip(".")


def looks_like(kind: str, head: bytes) -> bool:
    """Whether the first bytes match the extension: PDF header, XLSX (a ZIP archive), CSV (text, no NUL)."""
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "xlsx":
        return head.startswith(b"PK\x03\x04")
    if kind == "csv":
        return b"\x00" not in head
    return False
