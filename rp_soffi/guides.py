"""The home page's downloadable guides (guide 000 step 3: « Des guides téléchargeables »), written as small PDFs
with ReportLab from the steps the seed guides give, so that the service ships no binary it cannot rebuild."""

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    steps: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"soffi-{self.slug}.pdf"


GUIDES = (
    Guide(
        "guide-authentification",
        "Guide d'authentification à l'application SOFFi",
        (
            "1. Allez sur la page d'accueil de l'application SOFFi.",
            "2. Cliquez sur le bouton >> Accéder à SOFFi << en haut à droite de la page.",
            "3. Connectez-vous avec votre compte Mes démarches emploi et formation professionnelle.",
            "4. Sans compte : créez-le sur Mes démarches, puis demandez l'accès à SOFFi à votre gestionnaire.",
        ),
    ),
    Guide(
        "guide-saisie-etat",
        "Guide de saisie de l'état statistique et financier",
        (
            "1. Dans « Mes campagnes », cliquez sur « Saisir l'état » de la campagne ouverte.",
            "2. Saisissez les sections A à D en euros avec centimes (ex. 1 234,56), puis « Enregistrer ».",
            "3. « Vérifier » affiche les anomalies à côté des lignes concernées.",
            "4. Joignez les comptes annuels certifiés, puis « Déposer l'état » en certifiant les informations.",
        ),
    ),
)
BY_SLUG = {guide.slug: guide for guide in GUIDES}


def render(guide: Guide) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(guide.title)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(56, 780, guide.title)
    canvas.setFont("Helvetica", 11)
    for number, step in enumerate(guide.steps):
        canvas.drawString(56, 740 - 22 * number, step)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
