"""« Accueil » (soffi.md §5.1, guides 000 and 001): for a visitor, the home page of the guides — « >> Accéder à
SOFFi << », « ACCÉDEZ À SOFFI » and « AGENT DU MINISTÈRE ? » start the login —, news and downloadable guides; once
logged in, its buttons lead to the body's campaigns (an agent's: the statements); without a SOFFi role,
« Aucun droit d'accès à SOFFi » with the way to Mes démarches."""

from flask import Blueprint, abort, render_template, url_for
from werkzeug.wrappers import Response

from rp_soffi import guides
from rp_soffi.access import current_scope
from rp_soffi.views.common import download
from shared.oidc_client.access import current_user

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """The same home for everyone (news, guides); once logged in, « ACCÉDEZ À SOFFI » leads to the user's pages."""
    if current_user() is None:
        return render_template("home/index.html", guides=guides.GUIDES, start_url=url_for("oidc_client.login"))
    scope = current_scope()
    if scope is None:
        return render_template("home/no_access.html")
    start = url_for("admin.statements" if scope.agent else "campaigns.index")
    return render_template("home/index.html", guides=guides.GUIDES, start_url=start)


@bp.get("/guides/<slug>")
def guide(slug: str) -> Response:
    found = guides.BY_SLUG.get(slug[:60])
    if found is None:
        abort(404)
    return download(guides.render(found), found.filename, "application/pdf")
