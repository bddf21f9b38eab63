"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives: plain as the demo's catcher, or with
STARTTLS or implicit TLS and a login, as a production relay."""

import email
import email.policy
import re
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


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
    def __init__(self, store: list[ReceivedMail], lock: threading.Lock, refused: set[str]) -> None:
        self.store, self.lock, self.refused = store, lock, refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.lower() in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.store.append(ReceivedMail(list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@dataclass
class Relay:
    """How a MailServer is reached: `starttls` (its certificate in `context`), `implicit_tls`, and the one login it
    accepts (AUTH PLAIN or LOGIN, only over TLS, required before any mail)."""

    context: ssl.SSLContext | None = None
    implicit_tls: bool = False
    login: tuple[str, str] | None = None
    logins_tried: list[tuple[str, str]] = field(default_factory=list)

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        given = (data.login.decode(), data.password.decode())
        self.logins_tried.append(given)
        return AuthResult(success=given == self.login, handled=False)

    def options(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.context is not None and self.implicit_tls:
            found["ssl_context"] = self.context
        elif self.context is not None:
            found.update(tls_context=self.context, require_starttls=True)
        if self.login is not None:
            # aiosmtpd counts only STARTTLS as TLS: on an implicit TLS port every exchange already is.
            found.update(authenticator=self.authenticate, auth_required=True, auth_require_tls=not self.implicit_tls)
        return found


class MailServer:
    def __init__(self, port: int, relay: Relay | None = None) -> None:
        self.port = port
        self.relay = relay or Relay()
        self.received: list[ReceivedMail] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self.refused: set[str] = set()  # addresses answered « 550 » at RCPT TO, as a relay does for an unknown one

    def start(self) -> None:
        self._controller = Controller(
            _Handler(self.received, self._lock, self.refused),
            hostname="127.0.0.1",
            port=self.port,
            **self.relay.options(),
        )
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
