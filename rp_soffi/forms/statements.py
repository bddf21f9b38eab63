"""The forms of a statement's page (soffi.md §5.3–5.4). The figures are one plain form of two to three fields per
line (`montant-R1`, `nombre-E1`, `commentaire-R1`): they are parsed here, each text bounded before it is read, into
the service's `LineValue`s, with the typed texts kept so that a refused page shows exactly what was typed. The
other forms (deposit, attachment, import) are WTForms with their CSRF token."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import request
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from rp_soffi import messages
from rp_soffi.statement.amounts import InvalidAmount, InvalidCount, parse_amount, parse_count
from rp_soffi.statement.attachments import KIND_LABELS
from rp_soffi.statement.catalogue import BodyType, lines_for
from rp_soffi.statement.csv_import import MAX_COMMENT
from rp_soffi.statement.values import LineValue
from shared.forms import AppForm
from shared.text import has_control_character

MAX_FIGURE_TEXT = 40  # « 9 999 999 999 999,99 » and spaces: longer is not a figure, refused unread


@dataclass
class TypedFigures:
    lines: dict[str, LineValue] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # field name → what was typed
    errors: dict[str, list[str]] = field(default_factory=dict)  # line code → messages


def parse_figures(form: Mapping[str, str], body_type: BodyType) -> TypedFigures:
    """The typed lines of the body's type from the posted form; any other field is ignored."""
    typed = TypedFigures()
    for line in lines_for(body_type):
        if not line.kind.typed:
            continue
        amount = _text(form, f"montant-{line.code}", typed) if line.has_amount else ""
        count = _text(form, f"nombre-{line.code}", typed) if line.has_count else ""
        comment = form.get(f"commentaire-{line.code}", "")[: MAX_COMMENT + 1]
        typed.texts[f"commentaire-{line.code}"] = comment
        if has_control_character(comment):  # NUL or the like: neither PostgreSQL nor the XLSX export can hold it
            typed.errors.setdefault(line.code, []).append(messages.COMMENT_CONTROL)
            comment = ""
        value = LineValue(comment=comment.strip())
        try:
            value = LineValue(parse_amount(amount), None, value.comment)
        except InvalidAmount:
            typed.errors.setdefault(line.code, []).append(messages.AMOUNT_FORMAT)
        try:
            value = LineValue(value.amount_cents, parse_count(count), value.comment)
        except InvalidCount:
            typed.errors.setdefault(line.code, []).append(messages.COUNT_FORMAT)
        typed.lines[line.code] = value
    return typed


def _text(form: Mapping[str, str], name: str, typed: TypedFigures) -> str:
    text = form.get(name, "")
    typed.texts[name] = text[:MAX_FIGURE_TEXT]
    return text if len(text) <= MAX_FIGURE_TEXT else "trop long"  # a parse error, with the format message


def version_of(form: Mapping[str, str]) -> int:
    """The version the page was read at; an unreadable one is no version (the save is then stale)."""
    text = form.get("version", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


def uploaded(field: FileField) -> FileStorage | None:
    """The file a file field sent: the forms read only the text fields (a file part where a text is expected is no
    text), so the file is taken from the request's files, by the field's name; None when none was chosen."""
    found = request.files.get(field.name)
    return found if found else None  # a part without a file name is « no file chosen »


class VersionForm(AppForm):
    """A button acting on the statement as the page showed it (« Retirer le dépôt »)."""

    version = HiddenField()


class DepositForm(VersionForm):
    certified = BooleanField("Je certifie l'exactitude des informations déclarées dans cet état.")
    alerts = BooleanField("J'ai pris connaissance des alertes")


class AttachmentForm(AppForm):
    kind = SelectField(
        "Type de pièce jointe",
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired(messages.ATTACHMENT_KIND_REQUIRED)],
        validate_choice=False,  # checked by `kind_of`, with a French message
    )
    fichier = FileField("Fichier (PDF, XLSX ou CSV, 10 Mo maximum)")


class ImportForm(VersionForm):
    classeur = FileField("Fichier rempli à partir du modèle (XLSX, ou CSV de l'export)")


class ButtonForm(AppForm):
    """A button that only needs its CSRF token (« Saisir l'état », « Supprimer », « Prendre en instruction »)."""
