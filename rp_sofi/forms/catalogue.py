"""The public catalogue's search (a GET form: nothing is changed, no CSRF token needed)."""

from wtforms import DateField, Form, StringField
from wtforms.validators import Length, Optional

from rp_sofi import messages


class CatalogueSearchForm(Form):
    formacode = StringField(
        "Domaine de formation", validators=[Optional(), Length(max=120, message=messages.CATALOGUE_FORMACODE)]
    )
    lieu = StringField("Lieu", validators=[Optional(), Length(max=120, message=messages.CATALOGUE_PLACE)])
    # type="date" sends AAAA-MM-JJ; a date typed by hand as JJ/MM/AAAA is read too.
    date = DateField(
        "À partir du", validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"],
        invalid_value_message=messages.CATALOGUE_DATE,
    )  # fmt: skip
