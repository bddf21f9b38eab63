"""The agents' « Organismes collecteurs » (soffi.md §5.6): the register's filters (a GET form, bounded like the other
lists), « Ajouter un organisme », « Modifier » and « Désactiver » / « Réactiver ». Every field has its French
message; the service checks the same bounds again."""

from wtforms import Field, Form, HiddenField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from rp_soffi import messages
from rp_soffi.forms.admin import page_param
from rp_soffi.services.bodies import MAX_AGREMENT, MAX_NAME, MAX_SEARCH, RegisterFilters
from rp_soffi.statement.catalogue import BODY_TYPE_LABELS, BodyType
from shared.forms import AppForm, lock_of, strip
from shared.identifiers import Siret

TYPE_CHOICES = [SelectChoice(t.value, label) for t, label in BODY_TYPE_LABELS.items()]


class RegisterFilterForm(Form):
    type = SelectField("Type d'organisme", choices=[SelectChoice("", "Tous"), *TYPE_CHOICES], validate_choice=False)
    q = StringField("Raison sociale ou SIREN")

    def filters(self, page_text: str | None) -> tuple[RegisterFilters, bool]:
        """The filters to apply, and whether some parameter was ignored."""
        body_type = self.type.data if self.type.data in {t.value for t in BodyType} else None
        search = (self.q.data or "").strip()
        page = page_param(page_text)
        too_long = len(search) > MAX_SEARCH
        ignored = (bool(self.type.data) and body_type is None) or too_long or page is None
        chosen = RegisterFilters(
            body_type=BodyType(body_type) if body_type else None,
            search="" if too_long else search,
            page=page or 1,
        )
        return chosen, ignored


def _known_type(form: Form, field: Field) -> None:
    if field.data not in {t.value for t in BodyType}:
        raise ValidationError(messages.BODY_TYPE_REQUIRED)


def _branches(form: Form, field: Field) -> None:
    text = (field.data or "").strip()
    if text and not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise ValidationError(messages.BODY_BRANCHES)


class _TooLong:
    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, form: Form, field: Field) -> None:
        if len(field.data or "") > self.limit:
            raise ValidationError(messages.TOO_LONG.format(limit=self.limit))


class BodyFieldsForm(AppForm):
    """What « Ajouter » and « Modifier » share."""

    name = StringField(
        "Raison sociale",
        filters=[strip],
        validators=[InputRequired(messages.BODY_NAME_REQUIRED), _TooLong(MAX_NAME)],
    )
    body_type = SelectField("Type d'organisme", choices=TYPE_CHOICES, validators=[_known_type], validate_choice=False)
    agrement_ref = StringField("Référence de l'agrément", filters=[strip], validators=[_TooLong(MAX_AGREMENT)])
    branches_count = StringField("Nombre de branches couvertes", validators=[_branches])

    def branches(self) -> int | None:
        text = (self.branches_count.data or "").strip()
        return int(text) if text else None

    def chosen_type(self) -> BodyType:
        return BodyType(self.body_type.data)


class RegisterBodyForm(BodyFieldsForm):
    siret_siege = StringField(
        "SIRET du siège", filters=[strip], validators=[InputRequired(messages.BODY_SIRET_REQUIRED), Siret()]
    )


class EditBodyForm(BodyFieldsForm):
    lock = HiddenField()

    def lock_value(self) -> int | None:
        return lock_of(self.lock.data)


class ActiveForm(AppForm):
    """« Désactiver » / « Réactiver »: the body's version the page showed."""

    lock = HiddenField()

    def lock_value(self) -> int | None:
        return lock_of(self.lock.data)
