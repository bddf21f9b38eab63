"""The attachments' virus scan (soffi.md §3: « virus-scanned hook »): every file is shown to a scanner before it is
stored. In service the scanner is ClamAV's daemon, `clamd`, reached over TCP (SOFFI_CLAMD_ADDRESS=host:port) with its
INSTREAM command; with no address set (development, the demo) files are not scanned. A daemon that does not answer
refuses the upload rather than letting an unscanned file in (it fails closed)."""

import socket
import struct
from dataclasses import dataclass
from typing import Protocol

SETTING = "SOFFI_CLAMD_ADDRESS"
SCANNER = "soffi_scanner"  # the app's scanner, in app.extensions
CHUNK = 64 * 1024  # clamd's INSTREAM takes the file in chunks, each prefixed by its length
MAX_REPLY = 4096


class ScannerUnavailable(RuntimeError):
    """The scanner could not say: the file is not taken."""


class Scanner(Protocol):
    def scan(self, content: bytes) -> str | None:
        """None when the file is clean, else the name of what was found; ScannerUnavailable when it cannot say."""


class NoScanner:
    """No scanner configured: every file is taken as it is (development and the demo only)."""

    def scan(self, content: bytes) -> str | None:
        return None


@dataclass(frozen=True)
class Clamd:
    host: str
    port: int
    timeout: float = 30.0  # a 10 Mo file takes a daemon well under a second

    def scan(self, content: bytes) -> str | None:
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as connection:
                connection.sendall(b"zINSTREAM\0")
                for start in range(0, len(content), CHUNK):
                    chunk = content[start : start + CHUNK]
                    connection.sendall(struct.pack("!L", len(chunk)) + chunk)
                connection.sendall(struct.pack("!L", 0))
                reply = _read_reply(connection)
        except OSError as error:
            raise ScannerUnavailable(f"clamd at {self.host}:{self.port}: {type(error).__name__}") from error
        # « stream: OK », « stream: Eicar-Test-Signature FOUND », or « … ERROR » (a file too big for its limits)
        if reply.endswith(" FOUND"):
            return reply.removeprefix("stream: ").removesuffix(" FOUND")
        if reply.endswith(" OK"):
            return None
        raise ScannerUnavailable(f"clamd answered {reply[:200]!r}")


def _read_reply(connection: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < MAX_REPLY:
        piece = connection.recv(MAX_REPLY)
        if not piece:
            break
        reply += piece
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scanner_from(address: str | None) -> Scanner:
    """The scanner of SOFFI_CLAMD_ADDRESS (« host:port »), or none when it is empty."""
    if not address:
        return NoScanner()
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"{SETTING} is « host:port », not {address!r}")
    return Clamd(host, int(port))
