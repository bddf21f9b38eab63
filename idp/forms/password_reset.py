from flask_wtf import FlaskForm

from idp.forms.fields import email_field, new_password_fields


class RequestResetForm(FlaskForm):
    email = email_field("Email")


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
