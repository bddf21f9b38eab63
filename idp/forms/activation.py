from idp.forms.fields import email_field
from shared.forms import AppForm


class NewActivationLinkForm(AppForm):
    email = email_field("Adresse électronique")
