"""How a service's view shows what one of its services refused (the service wrote nothing): each message next to
the form's field it names, the others flashed; and the status of the page that says so — 422 for input breaking a
rule (the refusal carries `errors`, field → message), 409 for a state that forbids the action."""

from typing import Protocol

from flask import flash
from flask_wtf import FlaskForm


class Refusal(Protocol):
    message: str


def refused(error: Refusal, form: FlaskForm | None = None) -> int:
    errors: dict[str, str] | None = getattr(error, "errors", None)
    for name, message in (errors or {"": error.message}).items():
        if form is not None and name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")
    return 422 if errors else 409
