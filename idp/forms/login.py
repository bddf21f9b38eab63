from idp.forms.fields import email_field, password_field
from shared.forms import AppForm


class LoginForm(AppForm):
    email = email_field("Adresse électronique")
    password = password_field("Mot de passe")
