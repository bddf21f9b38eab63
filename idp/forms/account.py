from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import InputRequired

from idp import messages
from idp.forms.fields import civilite_field, email_field, name_field, new_password_fields, phone_field


class CoordonneesForm(FlaskForm):
    civilite = civilite_field()
    nom = name_field("Nom")
    prenom = name_field("Prénom")
    telephone = phone_field()


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Mot de passe actuel", validators=[InputRequired(messages.REQUIRED)])
    password, confirm = new_password_fields()


class ChangeEmailForm(FlaskForm):
    email = email_field("Nouvelle adresse électronique")
    # Its own id: the password form on the same page already has a field "current" (labels, error ids).
    current = PasswordField("Mot de passe actuel", id="email_current", validators=[InputRequired(messages.REQUIRED)])
