"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

import email
import email.policy
import re
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class ReceivedMail:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    def link(self, contains: str = "http") -> str:
        """The first URL of the text body that contains `contains`."""
        for url in re.findall(r"https?://\S+", self.text):
            if contains in url:
                return str(url)
        raise AssertionError(f"no link containing {contains!r} in:\n{self.text}")


class _Handler:
    def __init__(self, store: list[ReceivedMail], lock: threading.Lock) -> None:
        self.store, self.lock = store, lock

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.store.append(ReceivedMail(list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[ReceivedMail] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Handler(self.received, self._lock), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self._lock:
            self.received.clear()

    def to(self, address: str) -> list[ReceivedMail]:
        with self._lock:
            return [mail for mail in self.received if address.lower() in (r.lower() for r in mail.recipients)]
