from flask_wtf import FlaskForm

from idp.forms.fields import email_field


class ActivateForm(FlaskForm):
    """Only a button: activation is a POST so that link scanners cannot activate accounts."""


class NewActivationLinkForm(FlaskForm):
    email = email_field("Adresse électronique")
