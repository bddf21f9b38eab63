"""How a view shows what a service refused: next to the form's fields, or flashed."""

from flask import flash
from flask_wtf import FlaskForm

from rp_bpf.services.errors import BpfError, Invalid, NotFound


def refused(error: BpfError, form: FlaskForm | None = None) -> int:
    """The reason (the service wrote nothing) next to the form's fields, or flashed; the status of the page that
    says so. Another organisation's object is absent: the caller's decorator answers 404."""
    if isinstance(error, NotFound):
        raise error
    fields = error.errors if isinstance(error, Invalid) else {"": error.message}
    for name, message in fields.items():
        if form is not None and name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")
    return 422 if isinstance(error, Invalid) else 409
