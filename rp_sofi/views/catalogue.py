"""The public catalogue (no login): the active validated sessions, as the regional site shows them, searched by
domain (Formacode), place and date."""

from flask import Blueprint, render_template, request

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.forms.catalogue import CatalogueSearchForm
from rp_sofi.services import catalogue
from shared.clock import in_paris, utcnow
from shared.paging import Page

bp = Blueprint("catalogue", __name__)

SEARCH_ARGS = ("formacode", "lieu", "date")


def _criteria(form: CatalogueSearchForm) -> catalogue.Criteria | None:
    """What to search for; None when a field is wrong (its message is then on the field)."""
    form.validate()
    criteria = None
    if not form.formacode.errors:
        criteria = catalogue.criteria(db.session, form.formacode.data or "", form.lieu.data or "", form.date.data)
        if criteria is None:
            form.formacode.errors.append(messages.CATALOGUE_FORMACODE)
    return None if form.errors else criteria


@bp.get("/catalogue")
def index() -> str:
    form = CatalogueSearchForm(request.args)
    criteria = _criteria(form)
    today, wanted = in_paris(utcnow()).date(), request.args.get("page", type=int)
    results = catalogue.search(db.session, criteria, today, wanted) if criteria else Page([], 0, 1)
    args = {key: request.args[key] for key in SEARCH_ARGS if request.args.get(key)}
    return render_template("catalogue/index.html", form=form, results=results, args=args,
                           form_has_errors=bool(form.errors))  # fmt: skip
