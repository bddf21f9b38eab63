"""The agents' forms on a statement (soffi.md §5.5, §9): a comment on one line, « Valider », « Renvoyer pour
correction » (its comment required: the service says so, in French)."""

from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from rp_soffi import messages
from rp_soffi.services.instruction import MAX_COMMENT
from rp_soffi.statement.catalogue import BodyType, lines_for
from shared.forms import AppForm


class LineCommentForm(AppForm):
    line_code = SelectField("Ligne commentée", validators=[InputRequired(messages.CHOOSE_LINE)], validate_choice=False)
    text = TextAreaField("Commentaire pour l'organisme")

    def for_body(self, body_type: BodyType) -> "LineCommentForm":
        self.line_code.choices = [
            SelectChoice(line.code, f"{line.code} — {line.label}") for line in lines_for(body_type)
        ]
        return self

    def clipped(self) -> tuple[str, str]:
        return (self.line_code.data or "")[:8], (self.text.data or "")[: MAX_COMMENT + 1]


class DecisionForm(AppForm):
    comment = TextAreaField("Commentaire")

    def clipped(self) -> str:
        return (self.comment.data or "")[: MAX_COMMENT + 1]


class ValidateForm(DecisionForm):
    comment = TextAreaField("Commentaire de validation (facultatif)")


class SendBackForm(DecisionForm):
    """Its comment is required: the service refuses without it, with the message next to the field."""

    comment = TextAreaField("Ce que l'organisme doit corriger")


class ReopenForm(DecisionForm):
    """« Rouvrir » a validated statement (exceptional, soffi.md §4): the reason is required."""

    comment = TextAreaField("Motif de la réouverture")
