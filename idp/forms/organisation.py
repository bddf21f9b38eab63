"""« Pour quelle organisation agissez-vous ? », at the provider, before a service's code."""

from babel.dates import format_date
from wtforms import RadioField
from wtforms.validators import DataRequired, Regexp

from idp import messages
from idp.services.organisations import Organisation
from shared.clock import in_paris
from shared.forms import AppForm


class OrganisationForm(AppForm):
    """The organisation chosen among those of the page shown; that the person holds it is checked by the view."""

    siret = RadioField(
        "Pour quelle organisation agissez-vous ?",
        # A SIRET's shape before any query: anything else names no organisation of the list.
        validators=[
            DataRequired(messages.ORGANISATION_REQUIRED),
            Regexp(r"^\d{14}$", message=messages.ORGANISATION_REQUIRED),
        ],
        validate_choice=False,
    )

    def offer(self, shown: list[Organisation]) -> dict[str, str]:
        """The page's organisations as choices; returns their hints (roles, delegation, end)."""
        self.siret.choices = [(item.siret, f"{item.company} - SIRET {item.siret}") for item in shown]
        return {item.siret: _hint(item) for item in shown}


def _hint(item: Organisation) -> str:
    parts = [", ".join(item.roles)]
    if item.delegated_by is not None:
        parts.append(f"par délégation de {item.delegated_by}" if item.delegated_by else "par délégation")
    if item.expires_at is not None:
        parts.append("jusqu'au " + format_date(in_paris(item.expires_at), "dd/MM/yyyy", locale="fr_FR"))
    return " - ".join(parts)
