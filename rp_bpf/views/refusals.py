"""How a view of Mon Activité Formation shows what a service refused (shared.refusals), except another
organisation's or région's object: absent, the caller's decorator answers 404."""

from flask_wtf import FlaskForm

from rp_bpf.services.errors import BpfError, NotFound
from shared import refusals


def refused(error: BpfError, form: FlaskForm | None = None) -> int:
    if isinstance(error, NotFound):
        raise error
    return refusals.refused(error, form)
