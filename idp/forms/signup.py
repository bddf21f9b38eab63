from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired

from idp import messages
from idp.forms.fields import (
    civilite_field,
    email_field,
    name_field,
    new_password_fields,
    phone_field,
    strip,
)
from shared.forms import AppForm


class ChooseEstablishmentForm(AppForm):
    siret = HiddenField("SIRET", filters=[strip], validators=[DataRequired(messages.ESTABLISHMENT_REQUIRED)])


class CredentialsForm(AppForm):
    email = email_field("Email")
    password, confirm = new_password_fields(email_field="email")


class CoordonneesForm(AppForm):
    civilite = civilite_field()
    nom = name_field("Nom")
    prenom = name_field("Prénom")
    telephone = phone_field()
    altcha = StringField("Confirmez que vous n'êtes pas une machine")
