"""What the page « État {exercice} — {raison sociale} » shows (soffi.md §5.3), made ready for the template: the
sections and their lines for the body's type, each with what was typed (or saved), its computed amount for totals,
the problems of §6 and the agents' comments next to it; the buttons the workflow allows this user; the forms."""

from dataclasses import dataclass, field
from typing import Any

from flask import render_template

from rp_soffi.access import get_scope
from rp_soffi.forms.instruction import LineCommentForm, ReopenForm, SendBackForm, ValidateForm
from rp_soffi.forms.statements import AttachmentForm, ButtonForm, DepositForm, ImportForm, VersionForm
from rp_soffi.models import LineComment, Statement
from rp_soffi.services import history, instruction, statements
from rp_soffi.statement.amounts import format_amount
from rp_soffi.statement.catalogue import Line, LineKind, Section, lines_for
from rp_soffi.statement.rules import Kind, Problem
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import COLLECTOR_ROLES, Action, Status, allowed_actions
from rp_soffi.views.common import session

KIND_LABELS = {Kind.FORMAT: "Erreur", Kind.BLOCKING: "Bloquant", Kind.ALERT: "Alerte"}


@dataclass
class Row:
    line: Line
    amount: str  # as typed, or the saved amount formatted (computed lines: their total)
    count: str
    comment: str
    problems: list[tuple[str, str]] = field(default_factory=list)  # (label of the kind, message)
    agent_comments: list[LineComment] = field(default_factory=list)


def _figure(cents: int | None) -> str:
    return "" if cents is None else format_amount(cents)


def rows_of(
    data: StatementData, texts: dict[str, str], problems: list[Problem], comments: list[LineComment]
) -> dict[Section, list[Row]]:
    sections: dict[Section, list[Row]] = {section: [] for section in Section}
    for line in lines_for(data.body_type):
        value = data.value(line.code)
        amount = _figure(data.amount(line.code)) if not line.kind.typed else _figure(value.amount_cents)
        row = Row(
            line,
            texts.get(f"montant-{line.code}", amount),
            texts.get(f"nombre-{line.code}", "" if value.count is None else str(value.count)),
            texts.get(f"commentaire-{line.code}", value.comment),
        )
        row.problems = [(KIND_LABELS[p.kind], p.message) for p in problems if line.code in p.lines]
        row.agent_comments = [comment for comment in comments if comment.line_code == line.code]
        sections[line.section].append(row)
    return {section: rows for section, rows in sections.items() if rows}


def render_statement(
    statement: Statement,
    data: StatementData | None = None,
    texts: dict[str, str] | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
    **forms: Any,
) -> tuple[str, int]:
    """The page; `data`, `texts` and `problems` replace the saved figures after a refused or checked POST."""
    scope, problems = get_scope(), problems or []
    actions = allowed_actions(statement.status, scope.role, statement.campaign.status)
    editable = scope.role in COLLECTOR_ROLES and Action.MODIFIER in actions
    shown_round = statement.status in (Status.A_CORRIGER, Status.EN_INSTRUCTION) or scope.agent
    comments = instruction.line_comments(session(), statement.id, statement.filing_number) if shown_round else []
    data = data or statements.data_of(statement)
    context = {
        "statement": statement,
        "body": statement.body,
        "campaign": statement.campaign,
        "scope": scope,
        "sections": rows_of(data, texts or {}, problems, comments),
        "actions": actions,
        "editable": editable,
        "Action": Action,
        "general": [(KIND_LABELS[p.kind], p.message) for p in problems if not p.lines],
        "events": history.events(session(), statement.id),
        "form_has_errors": status >= 400,
        "deposit_form": forms.get("deposit_form") or DepositForm(version=statement.version),
        "version_form": VersionForm(version=statement.version),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "import_form": forms.get("import_form") or ImportForm(version=statement.version),
        "button_form": ButtonForm(),
        "comment_form": (forms.get("comment_form") or LineCommentForm()).for_body(statement.body.body_type),
        "validate_form": forms.get("validate_form") or ValidateForm(prefix="valider"),
        "send_back_form": forms.get("send_back_form") or SendBackForm(prefix="corriger"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(prefix="rouvrir"),
        "LineKind": LineKind,
    }
    return render_template("statements/show.html", **context), status
