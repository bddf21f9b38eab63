from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import InputRequired

from idp import messages
from idp.forms.fields import email_field


class LoginForm(FlaskForm):
    email = email_field("Adresse électronique")
    password = PasswordField("Mot de passe", validators=[InputRequired(messages.REQUIRED)])
