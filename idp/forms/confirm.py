"""The form of every plain confirmation: a button and its CSRF token, no field.

Activating an account, consenting, logging out, confirming an e-mail change, answering a delegation,
withdrawing a request, deleting a habilitation: each is a POST (so that link scanners and forged pages
cannot do it) that carries nothing but the token."""

from shared.forms import AppForm


class ConfirmForm(AppForm):
    """Only a button, with its CSRF token."""
