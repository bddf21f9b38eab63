"""Mentions légales, conditions générales d'utilisation, politique de confidentialité, accessibilité."""

from flask import Blueprint, render_template

bp = Blueprint("legal", __name__)

PAGES = {
    "mentions-legales": "Mentions légales",
    "conditions-generales-d-utilisation": "Conditions générales d'utilisation",
    "politique-de-confidentialite": "Politique de confidentialité",
    "accessibilite": "Accessibilité : non conforme",
}


@bp.get("/<any(" + ", ".join(f'"{slug}"' for slug in PAGES) + "):slug>")
def page(slug: str) -> str:
    return render_template(f"legal/{slug}.html", title=PAGES[slug])
