"""SOFFi answers odd input clearly, never with a 500: every route of its URL map, the query parameters its views
read and every form of its pages, walked (1) logged out, (2) as the organisme collecteur of OPCO DEMO (a draft with
its attachments, a statement filed the year before, a campaign to start) and (3) as an agent of the DGEFP (a filed
statement to take, others in instruction and validated, campaigns to open, close and date); then the agents' lists
with odd values beside sensible ones, the figures given digits Python reads differently, and odd files (names and
contents) to « Pièces jointes » and « Importer un fichier ».

One test walks the three: that every route was reached is asserted at its end."""

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import time_machine
import webtest
from flask import Flask, request, request_started

from rp_soffi.config import ATTACHMENTS_FOLDER
from rp_soffi.extensions import db
from rp_soffi.models import Statement
from rp_soffi.services import attachments, instruction, statements
from rp_soffi.statement import exports
from rp_soffi.statement.attachments import AttachmentKind
from rp_soffi.statement.workflow import CampaignStatus
from tests.rp_soffi import factories as f
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn, habilitation, session_opener
from tests.security.oddities import ODD_VALUES
from tests.security.test_csrf_everywhere import SOFFI_FOURTH, SOFFI_THIRD
from tests.security.test_sofi_odd_input import DIGITS, PAST_32_BITS, decide_alone, odd_digits
from tests.security.walker import (
    FilePart,
    Identity,
    Pairs,
    Walker,
    parse_forms,
    pretend_provider,
    refresher,
    report,
    rule_key,
    walk,
)

UNWALKABLE: set[str] = set()

SOFFI_FIFTH = "99433218700015"  # a fifth body (made up): its statement in instruction, « Renvoyer » walked alone
WHEN = "2025-05-20 10:00:00+00:00"  # before the campaign's deadline (factories' DUE_ON)


@pytest.fixture
def soffi_browser(soffi_app: Flask) -> webtest.TestApp:
    """SOFFi's browser (the folder's `soffi` is the IdP's service row)."""
    from tests.idp.conftest import FreshContext

    return webtest.TestApp(FreshContext(soffi_app), extra_environ={"HTTP_HOST": "localhost"})


@pytest.fixture
def world(soffi_app: Flask) -> dict[str, int]:
    """The OPCO's draft of 2024 ready to be filed with two attachments (the first one's id walked: posting to it
    deletes it; the second's « Supprimer » form is walked), its statement of 2022 filed, the campaign 2023 open and
    not started, 2021 in preparation; for the agents, another OPCO's statement filed, two in instruction, one
    validated."""
    folder = Path(soffi_app.config[ATTACHMENTS_FOLDER])
    with time_machine.travel(WHEN, tick=False):
        body = f.make_body(db.session)
        current, started = f.make_campaign(db.session), f.make_campaign(db.session, 2023)
        filed_before = f.make_campaign(db.session, 2022)
        preparing = f.make_campaign(db.session, 2021, CampaignStatus.PREPARATION)
        draft = f.make_fileable(db.session, body, current, folder)
        second = attachments.add_attachment(
            db.session, f.COLLECTEUR, draft.id, AttachmentKind.ANNEXE, "annexe.pdf", f.PDF, folder, f.BEFORE_DUE
        )
        own_filed = f.make_filed(db.session, body, filed_before, folder)
        other = f.make_filed(db.session, f.make_body(db.session, f.OTHER_SIRET), current, folder)
        third = f.make_in_instruction(db.session, f.make_body(db.session, SOFFI_THIRD), current, folder)
        fifth = f.make_in_instruction(db.session, f.make_body(db.session, SOFFI_FIFTH), current, folder)
        validated = f.make_in_instruction(db.session, f.make_body(db.session, SOFFI_FOURTH), current, folder)
        instruction.validate(db.session, f.AGENT, validated.id, f.BEFORE_DUE)
        db.session.commit()
        return {
            "draft": draft.id,
            "attachment": draft.attachments[0].id,
            "second": second.id,
            "own_filed": own_filed.id,
            "other": other.id,
            "third": third.id,
            "fifth": fifth.id,
            "validated": validated.id,
            "current": current.id,
            "started": started.id,
            "preparing": preparing.id,
        }


@pytest.fixture
def provider(soffi_app: Flask) -> None:
    pretend_provider(soffi_app)


def sensible(name: str, options: list[str]) -> str:
    """What a person would type in a field the page leaves empty (the figures are the draft's)."""
    typed = {
        "text": "Justifiez cette ligne.", "comment": "Revoir la ligne E8.", "due_on": "15/07/2025",
        "campagne": "", "page": "1",
    }  # fmt: skip
    if options:
        return options[0]
    return typed.get(name.rsplit("-", 1)[-1], "")


# « Enregistrer » posts two to three fields for each of some thirty lines, parsed by one loop (parse_figures): the
# walk fuzzes the lines of each kind — an amount (R1), an amount and a count (E1), a signed amount (S1), a count
# (Q1) —, the others sent as the page shows them.
SAMPLE_LINES = {"R1", "E1", "S1", "Q1"}


def fuzzed(name: str) -> bool:
    kind, _, code = name.partition("-")
    return kind not in ("montant", "nombre", "commentaire") or code in SAMPLE_LINES


def real_values(world: dict[str, int], agent: bool = False) -> dict[str, list[str]]:
    """Every id posted to with a bare CSRF token by the rule walk: none whose change would hide a form walked
    after it (the statements in instruction and the campaign of 2024 are walked through their pages only)."""
    return {
        "statement_id": [str(world["other"]), str(world["draft"])] if agent else [
            str(world["draft"]), str(world["own_filed"]), str(world["other"])],  # the last: another body's, a 404
        "attachment_id": [str(world["attachment"])],
        "campaign_id": [str(world["preparing"]), str(world["started"])] if agent else [str(world["started"])],
        "slug": ["guide-authentification", "guide-saisie-etat", "inconnu"],
        "filename": ["app.css", "dsfr.min.css", "altcha.js", "dsfr/dsfr.min.css"],
    }  # fmt: skip


def logged_in(
    browser: webtest.TestApp, log_in: LogIn, role: str, siret: str, home: str
) -> Callable[[], webtest.TestResponse]:
    def ensure() -> webtest.TestResponse:
        page = browser.get(home, expect_errors=True)
        if page.status_int != 200:
            log_in(habilitation(role, siret))
            page = browser.get(home)
        return page

    return ensure


def identities(browser: webtest.TestApp, log_in: LogIn, world: dict[str, int]) -> list[Identity]:
    def logged_out() -> webtest.TestResponse:
        browser.reset()
        return browser.get("/")

    collector_pages = [f"/etats/{world['own_filed']}", "/campagnes"]
    agent_pages = [
        f"/admin/etats?campagne={world['current']}&statut=DEPOSE&type=OPCO&hors_delai=y&page=1",
        f"/admin?campagne={world['current']}",
    ]
    collector = logged_in(browser, log_in, "organisme_collecteur", f.OPCO_SIRET, "/campagnes")
    agent = logged_in(browser, log_in, "agent_dgefp", AGENT_SIRET, "/admin/etats")
    return [
        Identity("logged out", logged_out, sensible, real_values(world), ["/connexion?next=%2Fcampagnes"]),
        Identity("organisme collecteur", collector, sensible, real_values(world), collector_pages, fuzzed=fuzzed),
        Identity("agent", agent, sensible, real_values(world, agent=True), agent_pages),
    ]


# --- beyond the generic walk ---------------------------------------------------------------------------------------


def with_query(walker: Walker, path: str, base: dict[str, str]) -> None:
    """Each parameter in turn given each odd value (and digits Python reads differently), the others sensible."""
    for name in base:
        for value in (*ODD_VALUES, *DIGITS, PAST_32_BITS):
            pairs = [(key, old.encode()) for key, old in base.items() if key != name]
            walker.send("GET", path, [*pairs, (name, value)])


def odd_files(world: dict[str, int]) -> list[FilePart]:
    """Files a broken or hostile client sends: odd names (NUL, not UTF-8, traversal, overlong, no extension) and odd
    contents (empty, not what the extension says, the statement's CSV and XLSX with odd cells, a broken archive)."""
    statement = db.session.get(Statement, world["draft"])
    assert statement is not None
    exported = exports.statement_csv(statements.data_of(statement), statement.body.name)
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    odd_csvs = []
    for cell in ("1e309", "99999999999999999999", "-0,001", "NaN", "a\x00b", "²", "é" * 600, "=1+1"):
        for column in (5, 6, 7):  # montant_euros, nombre, commentaire
            changed = [row if number != 1 else [*row[:column], cell, *row[column + 1 :]] for number, row in
                       enumerate(rows)]  # fmt: skip
            text = io.StringIO()
            csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(changed)
            odd_csvs.append(text.getvalue().encode())
    xlsx = exports.statement_xlsx(statements.data_of(statement), statement.body.name)
    odd_xlsxs = []
    for cell_value in (1e308, -(2**70), "a\tb\n", '=HYPERLINK("http://x")', "é" * 600, True):
        book = openpyxl.load_workbook(io.BytesIO(xlsx))
        sheet = book.active
        assert sheet is not None
        for column in (6, 7, 8):
            sheet.cell(row=2, column=column, value=cell_value)
        out = io.BytesIO()
        book.save(out)
        odd_xlsxs.append(out.getvalue())
    not_xlsx = io.BytesIO()
    with zipfile.ZipFile(not_xlsx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    pdf = f.PDF
    return [
        *(FilePart(content, b"etat.csv") for content in odd_csvs),
        *(FilePart(content, b"etat.xlsx") for content in odd_xlsxs),
        FilePart(b"", b"vide.csv"),
        FilePart(b"\xff\xfe\x00;\x00", b"etat.csv"),
        FilePart(b"exercice;siren\r\n" + b"A" * 150_000, b"etat.csv"),
        FilePart(b"PK\x03\x04" + b"\x00" * 64, b"etat.xlsx"),
        FilePart(not_xlsx.getvalue(), b"etat.xlsx"),
        FilePart(pdf, b"a\x00b.pdf"),
        FilePart(pdf, b"\xff\xfe.pdf"),
        FilePart(pdf, b"../../../etc/passwd.pdf"),
        FilePart(pdf, "é".encode() * 600 + b".pdf"),
        FilePart(pdf, b"comptes"),
        FilePart(pdf, b""),
        FilePart(b"not a pdf", b"comptes.PDF"),
        FilePart(b"", b"vide.pdf"),
        FilePart(pdf, b'a";\r\nX-Injected: 1.pdf'),
    ]


def send_files(walker: Walker, who: Identity, page: str, action: str, field: str, files: list[FilePart]) -> None:
    """Each odd file in the form's file field, its other fields as the page renders them."""
    who.ensure()
    shown = walker.send("GET", page)
    assert shown is not None and shown.status_int == 200, page
    specs = [spec for spec in parse_forms(shown, who.sensible) if spec.action == action]
    assert specs, f"no form to {action} on {page}"
    refresh = refresher(walker, who)
    current = refresh(specs[0])
    for odd in files:
        pairs: Pairs = [(key, odd if key == field else old.encode()) for key, old in current.fields]
        answer = walker.send("POST", action, body=pairs)
        if answer is None or answer.status_int < 400:  # taken: the statement's version moved, the form with it
            current = refresh(current)


def stored_then_read(walker: Walker, who: Identity, statement_id: int) -> None:
    """Each odd value saved as a line's comment (the form read again each time, for the statement's version: the
    walk's other saves are refused as stale after the first one), then every page and file that shows it again."""
    page = f"/etats/{statement_id}"
    who.ensure()
    shown = walker.send("GET", page)
    assert shown is not None and shown.status_int == 200, page
    specs = [spec for spec in parse_forms(shown, who.sensible) if spec.action == page and spec.method == "POST"]
    assert specs, f"no « Enregistrer » on {page}"
    name = next(name for name in specs[0].names if name.startswith("commentaire-"))
    refresh = refresher(walker, who)
    for value in (*ODD_VALUES, b"a\x01b", "\u2028\ufeff".encode()):
        current = refresh(specs[0])
        walker.send("POST", page, body=[(key, value if key == name else old.encode()) for key, old in current.fields])
        for shown_again in ("", "/export.csv", "/export.xlsx", "/historique"):
            walker.send("GET", page + shown_again)


def test_every_route_and_form_of_soffi_answers_odd_input(
    soffi_app: Flask, soffi_browser: webtest.TestApp, world: dict[str, int], provider: None
) -> None:
    log_in = session_opener(soffi_app, soffi_browser)  # the folder's `log_in` is SOFI's
    reached: set[str] = set()

    def note(sender: Flask, **extra: object) -> None:
        if request.url_rule is not None:
            reached.add(rule_key(request.url_rule))

    request_started.connect(note, soffi_app)
    try:
        with time_machine.travel(WHEN, tick=False), Walker("soffi", soffi_app, soffi_browser) as walker:
            logged_out, collector, agent = identities(soffi_browser, log_in, world)
            walk(walker, logged_out, UNWALKABLE)
            # Odd files first, while the draft may be edited (the walk of its forms may file it).
            draft = f"/etats/{world['draft']}"
            files = odd_files(world)
            send_files(walker, collector, draft, f"{draft}/importer", "classeur", files)
            send_files(walker, collector, draft, f"{draft}/pieces-jointes", "fichier", files)
            odd_digits(walker, collector, [draft], fuzzed)
            stored_then_read(walker, collector, world["draft"])
            walk(walker, collector, UNWALKABLE)
            # The agent's decisions, each on a statement still waiting for it, before the walk closes the campaign.
            third, fifth, validated = (f"/etats/{world[name]}" for name in ("third", "fifth", "validated"))
            decide_alone(walker, agent, third, f"{third}/commentaires")
            decide_alone(walker, agent, fifth, f"{fifth}/corriger")
            decide_alone(walker, agent, validated, f"{validated}/rouvrir")
            decide_alone(walker, agent, third, f"{third}/valider")
            agent.ensure()
            base = {"campagne": str(world["current"]), "statut": "DEPOSE", "type": "OPCO", "hors_delai": "y",
                    "page": "1"}  # fmt: skip
            with_query(walker, "/admin/etats", base)
            for path in ("/admin", "/admin/export.csv", "/admin/export.xlsx"):
                with_query(walker, path, {"campagne": str(world["current"])})
            walk(walker, agent, UNWALKABLE)
    finally:
        request_started.disconnect(note, soffi_app)
    assert not walker.errors, report(walker.errors)
    missed = sorted(rule_key(rule) for rule in walker.rules(UNWALKABLE) if rule_key(rule) not in reached)
    assert missed == [], "routes no identity reached: walk them, or say in UNWALKABLE why they cannot be"
