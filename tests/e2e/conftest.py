"""Browser journeys: the IdP served over real HTTP on loopback, driven by Debian's chromium.

Each test gets a live server (its own port, the demo directory loaded, ALTCHA on for real and
PUBLIC_URL pointing at it, so e-mailed links open in the browser) and a fresh browser context.
A page that logs an error in the console (a CSP violation, a script error, a missing asset) or a
request that raises in the app fails the test.
"""

import json
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, got_request_exception
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright
from werkzeug.serving import make_server

from idp.extensions import db, mail
from idp.models import OutboxMessage
from shared.outbox import deliver_due
from tests.idp.factories import load_directory
from tests.mail_server import MailServer, ReceivedMail

REPOSITORY = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
# The pages forbid inline scripts (CSP script-src 'self'), so axe-core is injected as a same-origin
# file that the browser context answers itself: the app's CSP is tested as it is, never bypassed.
AXE_PATH = "/__e2e__/axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
SCREENSHOTS = Path(tempfile.gettempdir()) / "e2e-shots"


@dataclass
class LiveServer:
    url: str
    app: Flask
    mail_server: MailServer
    errors: list[BaseException] = field(default_factory=list)

    def deliver(self) -> list[ReceivedMail]:
        """Run the outbox worker once; returns everything the SMTP server has received so far."""
        deliver_due(db.session, OutboxMessage, mail, self.app.config["MAIL_SENDER"])
        return list(self.mail_server.received)

    def inbox(self, address: str) -> list[ReceivedMail]:
        self.deliver()
        return self.mail_server.to(address)


@pytest.fixture
def live_server(idp_app: Flask, mail_server: MailServer) -> Iterator[LiveServer]:
    load_directory(db.session)
    server = make_server("127.0.0.1", 0, idp_app, threaded=True)
    live = LiveServer(f"http://127.0.0.1:{server.server_port}", idp_app, mail_server)
    idp_app.config.update(PUBLIC_URL=live.url, ALTCHA_ENABLED=True)

    def record(sender: Flask, exception: BaseException, **extra: Any) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, idp_app)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join()
    server.server_close()
    got_request_exception.disconnect(record, idp_app)
    assert not live.errors, f"the app raised while serving the browser: {live.errors!r}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def watched_page(browser: Browser, live_server: LiveServer, whose: str = "the") -> Iterator[Page]:
    """A page in a browser context of its own (its own cookies), axe-core served, whose console must stay clean."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.route(live_server.url + AXE_PATH, lambda route: route.fulfill(path=AXE_SCRIPT))
    page = context.new_page()
    console_errors: list[tuple[str, str]] = []
    documents: set[str] = set()

    def on_response(response: Response) -> None:
        if response.request.is_navigation_request():
            documents.add(response.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append((message.location["url"], message.text))

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append((page.url, f"uncaught {error}")))
    yield page
    context.close()
    # A page answered 422 (a form with errors) or 410 (a dead link) is the app speaking, checked by the
    # test through what the page says; any other failed load (asset, fetch) is a defect. Filtered only
    # now: the console message may arrive before the response event.
    errors = [
        f"{url}: {text}"
        for url, text in console_errors
        if not (text.startswith("Failed to load resource") and url in documents)
    ]
    assert not errors, f"errors in {whose} browser console:\n" + "\n".join(errors)


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with watched_page(browser, live_server) as opened:
        yield opened


def axe_check(page: Page) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; fail on any serious or critical violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_PATH)
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    report = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not report, f"axe-core on {page.url}:\n{json.dumps(report, indent=2, ensure_ascii=False)}"


@pytest.fixture
def visit(page: Page, request: pytest.FixtureRequest) -> Callable[[str], None]:
    """visit(name): what every page of a journey gets — axe-core, then a full-page screenshot to look at."""
    prefix = request.node.name.removeprefix("test_")
    counter = iter(range(1, 100))

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        axe_check(page)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{prefix}-{next(counter):02d}-{name}.png", full_page=True)

    return check
