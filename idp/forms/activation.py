from idp.forms.fields import email_field
from shared.forms import AppForm


class ActivateForm(AppForm):
    """Only a button: activation is a POST so that link scanners cannot activate accounts."""


class NewActivationLinkForm(AppForm):
    email = email_field("Adresse électronique")
