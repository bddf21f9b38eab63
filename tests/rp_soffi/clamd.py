"""A stand-in for ClamAV's daemon (outside the system: its signatures cannot be downloaded here), speaking the same
INSTREAM protocol on loopback, so that rp_soffi.antivirus.Clamd is exercised as it talks to the real one. It finds
the EICAR test string, the antivirus industry's harmless test file."""

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        connection: socket.socket = self.request
        command = b""
        while not command.endswith(b"\0"):
            command += connection.recv(1)
        assert command == b"zINSTREAM\0", command
        content = b""
        while True:
            (size,) = struct.unpack("!L", _exactly(connection, 4))
            if size == 0:
                break
            content += _exactly(connection, size)
        reply = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in content else b"stream: OK\0"
        connection.sendall(reply)


def _exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        piece = connection.recv(size - len(data))
        if not piece:
            raise ConnectionError("closed")
        data += piece
    return data


@contextmanager
def fake_clamd() -> Iterator[str]:
    """« host:port » of a daemon answering until the block ends."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
