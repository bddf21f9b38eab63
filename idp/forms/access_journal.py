"""« Journal des accès »: the filters, read from the query string (a GET form: no CSRF, links can be shared)."""

from typing import Any

from wtforms import Field, Form, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from idp import messages
from idp.forms.fields import strip
from idp.forms.service_users import FrenchDateField
from idp.services.access_journal import JOURNAL_EVENTS


def validate_after_start(form: Form, field: Field) -> None:
    start = form["du"].data
    if field.data and start and field.data < start:
        raise ValidationError(messages.JOURNAL_PERIOD_REVERSED)


def validate_event(form: Form, field: Field) -> None:
    if field.data and field.data not in {event.value for event in JOURNAL_EVENTS}:
        raise ValidationError(messages.JOURNAL_EVENT_UNKNOWN)


class JournalFilterForm(Form):
    du = FrenchDateField("Du", validators=[Optional()])
    au = FrenchDateField("Au", validators=[Optional(), validate_after_start])
    type = SelectField("Type d'événement", validators=[validate_event], validate_choice=False)
    personne = StringField(
        "Personne", filters=[strip], validators=[Length(max=200, message=messages.JOURNAL_PERSON_TOO_LONG)]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = [("", "Tous les événements")] + [
            (event.value, messages.JOURNAL_EVENTS[event.value]) for event in JOURNAL_EVENTS
        ]
