"""The agents' filters (GET forms: nothing changes) and the campaign's « Date limite de dépôt ». Each query
parameter is parsed and bounded here, before any query: an id the database can hold, a member of an enum, a page
between 1 and a million; anything else is shown as ignored, never a 500."""

from datetime import date, datetime

from wtforms import BooleanField, Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from rp_soffi import messages
from rp_soffi.models import Campaign
from rp_soffi.services.dashboard import ListFilters
from rp_soffi.statement.catalogue import BODY_TYPE_LABELS, BodyType
from rp_soffi.statement.workflow import STATUS_LABELS, Status
from shared.forms import AppForm
from shared.web import database_id

MAX_PAGE = 1_000_000
NOT_STARTED = "NON_COMMENCE"


def _choice(value: str | None, allowed: set[str]) -> str | None:
    return value if value in allowed else None


class ListFilterForm(Form):
    campagne = SelectField("Campagne", validate_choice=False)
    statut = SelectField(
        "Statut",
        choices=[SelectChoice("", "Tous"), SelectChoice(NOT_STARTED, "Non commencé")]
        + [SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        validate_choice=False,
    )
    type = SelectField(
        "Type d'organisme",
        choices=[SelectChoice("", "Tous")] + [SelectChoice(t.value, label) for t, label in BODY_TYPE_LABELS.items()],
        validate_choice=False,
    )
    hors_delai = BooleanField("Hors délai seulement")

    def with_campaigns(self, campaigns: list[Campaign]) -> "ListFilterForm":
        self.campagne.choices = [SelectChoice(str(c.id), f"Exercice {c.exercice}") for c in campaigns]
        return self

    def filters(self, page_text: str | None, default_campaign: int | None) -> tuple[ListFilters, bool]:
        """The filters to apply, and whether some parameter was ignored."""
        campaigns = {choice.value for choice in self.campagne.choices or []}
        campaign = _choice(self.campagne.data, campaigns)
        status = _choice(self.statut.data, {s.value for s in Status} | {NOT_STARTED})
        body_type = _choice(self.type.data, {t.value for t in BodyType})
        page = _page(page_text)
        ignored = (
            (bool(self.campagne.data) and campaign is None)
            or (bool(self.statut.data) and status is None)
            or (bool(self.type.data) and body_type is None)
            or page is None
        )
        chosen = ListFilters(
            campaign_id=database_id(campaign) if campaign else default_campaign,
            status=Status(status) if status and status != NOT_STARTED else None,
            not_started=status == NOT_STARTED,
            body_type=BodyType(body_type) if body_type else None,
            late=bool(self.hors_delai.data),
            page=page or 1,
        )
        return chosen, ignored


def _page(text: str | None) -> int | None:
    if not text:
        return 1
    if text.isascii() and text.isdigit() and len(text) <= 7 and 1 <= int(text) <= MAX_PAGE:
        return int(text)
    return None


def campaign_choice(text: str | None, campaigns: list[Campaign]) -> Campaign | None:
    """The campaign a dashboard's `?campagne=` names among those that exist (the latest when absent or odd)."""
    by_id = {str(campaign.id): campaign for campaign in campaigns}
    return by_id.get(text or "") or (campaigns[0] if campaigns else None)


class DeadlineForm(AppForm):
    due_on = StringField("Date limite de dépôt (JJ/MM/AAAA)")

    def parsed(self) -> date | None:
        text = (self.due_on.data or "").strip()[:20]
        try:
            return datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            self.due_on.errors = [messages.DATE_FORMAT]
            return None
