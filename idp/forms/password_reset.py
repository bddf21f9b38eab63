from idp.forms.fields import email_field, new_password_fields
from shared.forms import AppForm


class RequestResetForm(AppForm):
    email = email_field("Email")


class ResetPasswordForm(AppForm):
    password, confirm = new_password_fields()
