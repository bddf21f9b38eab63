"""« Journal des accès »: what happened to a company's access to a service, for its gestionnaires; CSV export."""

from flask import Blueprint, Response, abort, render_template, request, stream_with_context

from idp import messages
from idp.auth import client_ip, current_account, login_required
from idp.extensions import db
from idp.forms.access_journal import JournalFilterForm
from idp.models import AuditEventType, Service
from idp.services import access_journal, habilitations, service_users
from idp.services.access_journal import JournalFilters
from idp.services.service_users import ManagedCompany
from shared.web import render_error

bp = Blueprint("access_journal", __name__, url_prefix="/portail/services/<code>")

FILTER_ARGS = ("siren", "du", "au", "type", "personne")


@bp.errorhandler(habilitations.NotGestionnaire)
def not_gestionnaire(error: habilitations.NotGestionnaire) -> tuple[str, int]:
    service = service_users.find_service(db.session, (request.view_args or {}).get("code", ""))
    return render_error(403, messages.USERS_NOT_GESTIONNAIRE.format(service=service.name if service else ""))


def _company(code: str) -> tuple[Service, ManagedCompany]:
    """The service and the company shown; NotGestionnaire (a 403, audited) for anyone who does not manage it."""
    service, account = service_users.find_service(db.session, code), current_account()
    if service is None:
        abort(404)
    assert account is not None  # guaranteed by login_required
    return service, service_users.managed_company(db.session, account, service, request.args.get("siren"), client_ip())


def _filters(form: JournalFilterForm) -> JournalFilters:
    """The filters to apply: those typed right (a wrong one is shown next to its field and ignored)."""
    form.validate()
    return JournalFilters(
        start=None if form.du.errors else form.du.data,
        end=None if form.au.errors else form.au.data,
        event=AuditEventType(form.type.data) if form.type.data and not form.type.errors else None,
        person="" if form.personne.errors else form.personne.data or "",
    )


@bp.get("/journal")
@login_required
def index(code: str) -> Response | tuple[str, int]:
    return _journal(code, as_csv=request.args.get("format") == "csv")


@bp.get("/journal.csv")
@login_required
def export(code: str) -> Response | tuple[str, int]:
    return _journal(code, as_csv=True)


def _journal(code: str, as_csv: bool) -> Response | tuple[str, int]:
    service, company = _company(code)
    form = JournalFilterForm(request.args)
    filters = _filters(form)
    if as_csv and not form.errors:
        return _csv(service, company, filters)
    page = access_journal.page(db.session, service, company.siren, filters, request.args.get("page", type=int))
    args = {key: request.args[key] for key in FILTER_ARGS if request.args.get(key)} | {"siren": company.siren}
    context = {"service": service, "company": company, "form": form, "page": page, "args": args}
    status = 422 if form.errors else 200
    return render_template("access_journal/index.html", **context, form_has_errors=bool(form.errors)), status


def _csv(service: Service, company: ManagedCompany, filters: JournalFilters) -> Response:
    """Streamed: the rows are read from the database in batches while the file is being sent."""
    rows = access_journal.entries(db.session, service, company.siren, filters)
    name = f"journal-des-acces-{service.code}-{company.siren}-{service_users.today().isoformat()}.csv"
    return Response(
        stream_with_context(access_journal.to_csv(rows)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
