"""init_common(app): what every app's web layer does the same way.

CSRF on every form, security headers on every response, French error pages, DSFR assets served
from node_modules (installed by npm, never committed), Jinja in strict mode with French filters.
"""

from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from shared import metrics, request_log
from shared.clock import in_paris

REPOSITORY = Path(__file__).resolve().parent.parent
NODE_MODULES = REPOSITORY / "node_modules"

csrf = CSRFProtect()

# No inline script or style anywhere: every script is a file served by the app itself.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)

# Added to every response that does not set its own.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Addresses carry one-time tokens (activation, reset, invitation): only the origin is ever sent, never the
    # path. Not « no-referrer »: Flask-WTF refuses an HTTPS form posted without a same-origin Referer.
    "Referrer-Policy": "strict-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

ERROR_TITLES = {
    400: "Requête incorrecte",
    403: "Accès refusé",
    404: "Page non trouvée",
    405: "Méthode non autorisée",
    413: "Envoi trop volumineux",
    429: "Trop de demandes",
    500: "Erreur inattendue",
    503: "Service momentanément indisponible",
}
ERROR_TEXTS = {
    400: "La demande n'a pas pu être traitée. Revenez à la page précédente et réessayez.",
    403: "Vous n'avez pas les droits nécessaires pour accéder à cette page.",
    404: "La page que vous cherchez est introuvable. Vérifiez l'adresse saisie.",
    405: "Cette page ne peut pas être utilisée de cette façon.",
    413: "Le contenu envoyé est trop volumineux.",
    429: "Vous avez fait trop de demandes en peu de temps. Patientez quelques minutes avant de réessayer.",
    500: "Une erreur inattendue s'est produite. L'équipe technique a été prévenue ; réessayez plus tard.",
    503: "Le service est momentanément indisponible et votre demande n'a pas été traitée. Réessayez dans quelques"
    " minutes.",
}
# What the database or Redis (the provider's rate limits) raise while they do not answer — a restart, an outage: the
# request is refused with 503 and a French page, its transaction rolled back (nothing half-written), and the next
# requests succeed once they answer again (the pools reconnect by themselves). Rate limits thus fail closed: a
# password is not checked while its attempts cannot be counted; pages that count nothing keep working.
UNAVAILABLE = (OperationalError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 30
CSRF_TEXT = (
    "Votre session a expiré ou le formulaire a déjà été envoyé. "
    "Revenez à la page précédente, rechargez-la et réessayez."
)


MAX_ID = 2**31 - 1  # every primary key is an INTEGER column: 32 bits on PostgreSQL


class DatabaseId(IntegerConverter):
    """`<int:…>` in every app's routes: an id the database column cannot hold is a 404, not an overflow
    error from the driver (a 500)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def database_id(value: str) -> int:
    """A query-string id: `request.args.get(name, type=database_id)` is None when the value is not one."""
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise ValueError(f"not a database id: {value!r}")
    return int(value)


def init_common(app: Flask) -> None:
    """Wire CSRF, headers, error pages, templates and DSFR assets into an app (before its blueprints: the routes'
    `<int:…>` are database ids)."""
    metrics.init_app(app)  # first: its timer starts before any other hook runs
    request_log.init_app(app)  # next: the request id exists for every other hook's log lines
    if app.config.get("PROXY_HOPS"):
        # Behind nginx every request comes from nginx: the client's address (login throttles, rate limits, audit
        # rows) is the one the trusted proxies appended, counted from the right. Only the address: the links' base
        # is each app's configured public URL, not the scheme or host a request says.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=0, x_host=0)  # type: ignore[method-assign]
    app.url_map.converters["int"] = DatabaseId
    csrf.init_app(app)
    app.jinja_env.undefined = StrictUndefined
    app.jinja_loader = ChoiceLoader(
        [app.jinja_loader, FileSystemLoader(str(Path(__file__).parent / "templates"))]  # type: ignore[list-item]
    )
    app.jinja_env.filters["date_fr"] = _date_fr
    app.jinja_env.filters["datetime_fr"] = lambda value: format_datetime(
        in_paris(value), "dd/MM/yyyy 'à' HH'h'mm", locale="fr_FR"
    )
    app.register_blueprint(_assets_blueprint())
    app.before_request(_refuse_nul_bytes)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    for unavailable in UNAVAILABLE:
        app.register_error_handler(unavailable, _unavailable)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _date_fr(value: date | datetime) -> str:
    """A day as users in France read it: a stored time (naive UTC) is on the next day in Paris after 23:00 or
    22:00 UTC."""
    day = in_paris(value).date() if isinstance(value, datetime) else value
    return format_date(day, "dd/MM/yyyy", locale="fr_FR")


def _assets_blueprint() -> Blueprint:
    assets = Blueprint("assets", __name__, static_folder="static", static_url_path="/static/shared")
    dsfr = Blueprint(
        "dsfr", __name__, static_folder=str(NODE_MODULES / "@gouvfr/dsfr/dist"), static_url_path="/static/dsfr"
    )
    altcha = Blueprint(
        "altcha", __name__, static_folder=str(NODE_MODULES / "altcha/dist_external"), static_url_path="/static/altcha"
    )
    assets.register_blueprint(dsfr)
    assets.register_blueprint(altcha)
    return assets


NUL_BYTE_TEXT = "L'adresse demandée contient un caractère non autorisé (caractère nul) : vérifiez le lien suivi."


def _refuse_nul_bytes() -> tuple[str, int] | None:
    """No address of any app holds a NUL byte, and PostgreSQL refuses one in a query's parameters (a 500)."""
    if "\x00" in request.path or any("\x00" in key + value for key, value in request.args.items(multi=True)):
        return render_error(400, NUL_BYTE_TEXT)
    return None


def _security_headers(response: Response) -> Response:
    wanted = dict(SECURITY_HEADERS)
    if not request.path.startswith("/static/"):
        # Pages carry personal data and one-time links: never kept by the browser or a proxy.
        wanted["Cache-Control"] = "no-store"  # unless the view chose (the public JWKS)
    if current_app.config.get("ENV_PRODUCTION"):
        wanted["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    # Those the view did not set itself. One pass over the response's headers: a `setdefault` per
    # header scanned them eight times, on every response.
    present = {name.lower() for name, _ in response.headers.items()}
    response.headers.extend([(name, value) for name, value in wanted.items() if name.lower() not in present])
    return response


def render_error(status: int, text: str | None = None) -> tuple[str, int]:
    return (
        render_template(
            "dsfr/errors/error.html",
            status=status,
            title=ERROR_TITLES.get(status, "Erreur"),
            text=text or ERROR_TEXTS.get(status, ERROR_TEXTS[400]),
        ),
        status,
    )


def _csrf_error(error: CSRFError) -> Any:
    return render_error(400, CSRF_TEXT)


def _unavailable(error: Exception) -> Any:
    current_app.logger.error("Unavailable on %s %s: %s", request.method, request.path, type(error).__name__)
    # Rendered without the apps' context processors: they read the person logged in from the database that has
    # just failed. The page needs none of what they give.
    site = {"site_name": current_app.config["SERVICE_NAME"]} if "SERVICE_NAME" in current_app.config else {}
    page = current_app.jinja_env.get_template("dsfr/errors/error.html").render(
        status=503, title=ERROR_TITLES[503], text=ERROR_TEXTS[503], **site
    )
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _http_error(error: HTTPException) -> Any:
    if error.code is None or error.code < 400:
        return error
    response = render_error(error.code)
    if error.code == 405 and error.response is None:
        return response[0], 405, {"Allow": ", ".join(getattr(error, "valid_methods", None) or [])}
    return response


def _unexpected_error(error: Exception) -> Any:
    if isinstance(error, HTTPException):
        return _http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if current_app.config.get("PROPAGATE_UNEXPECTED_ERRORS"):
        raise error
    return render_error(500)
