"""« Ma déclaration d'activité » (bpf.md §4.1): consult it, deposit or change it, declare the cessation."""

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from rp_bpf import messages
from rp_bpf.access import get_scope, require_declarant
from rp_bpf.extensions import db
from rp_bpf.forms.declaration import CessationForm, DeclarationForm
from rp_bpf.models import DeclarationStatus
from rp_bpf.services import declarations
from rp_bpf.services.errors import BpfError
from rp_bpf.views.refusals import refused
from shared.clock import utcnow
from shared.forms import lock_of

bp = Blueprint("declaration", __name__, url_prefix="/declaration")


def _siren() -> str:
    siren = get_scope().siren
    assert siren is not None  # require_declarant
    return siren


@bp.get("")
@require_declarant
def show() -> str | Response:
    declaration = declarations.find(db.session, _siren())
    if declaration is None:
        return redirect(url_for("declaration.edit"))
    history = declarations.history(db.session, declaration.siren)
    return render_template(
        "declaration/show.html", declaration=declaration, history=history, form=CessationForm.of(declaration)
    )


@bp.get("/modifier")
@require_declarant
def edit() -> str:
    declaration = declarations.find(db.session, _siren())
    if declaration is None:  # the establishment the person works for, as a start
        form = DeclarationForm(formdata=None, data={"siret": get_scope().siret})
    else:
        form = DeclarationForm.of(declaration)
    return render_template("declaration/edit.html", form=form, declaration=declaration)


@bp.post("/modifier")
@require_declarant
def save() -> tuple[str, int] | Response:
    declaration = declarations.find(db.session, _siren())
    form = DeclarationForm()
    if form.validate():
        was_registered = declaration is not None and declaration.status == DeclarationStatus.ENREGISTREE
        lock = lock_of(form.lock.data) if declaration else None
        try:
            declarations.deposit(db.session, get_scope().actor, _siren(), form.values(), utcnow(), lock)
        except BpfError as error:
            status = refused(error, form)  # first: the page shows the reason
            return render_template("declaration/edit.html", form=form, declaration=declaration), status
        flash(messages.DA_CHANGED if was_registered else messages.DA_DEPOSITED, "success")
        return redirect(url_for("home.index"))
    return render_template("declaration/edit.html", form=form, declaration=declaration), 422


@bp.post("/cessation")
@require_declarant
def cease() -> Response:
    form = CessationForm()
    try:
        declarations.cease(db.session, get_scope().actor, _siren(), lock_of(form.lock.data) or 0, utcnow())
    except BpfError as error:
        refused(error)
        return redirect(url_for("declaration.show"))
    flash(messages.DA_CEASED, "success")
    return redirect(url_for("home.index"))
