"""The agents' filters (GET forms: nothing changes) and the campaign's « Date limite de dépôt ». Each query
parameter is parsed and bounded here, before any query: an id the database can hold, a member of an enum, a page
between 1 and a million; anything else is shown as ignored, never a 500."""

from dataclasses import dataclass
from datetime import date, datetime

from wtforms import BooleanField, Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from rp_soffi import messages
from rp_soffi.models import Campaign
from rp_soffi.services.comparison import COMPARABLE, DEFAULT_LINE
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
        page = page_param(page_text)
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


def page_param(text: str | None) -> int | None:
    """The `?page=` asked for: 1 when absent, None when it is not a page number (then ignored, with a message)."""
    if not text:
        return 1
    if text.isascii() and text.isdigit() and len(text) <= 7 and 1 <= int(text) <= MAX_PAGE:
        return int(text)
    return None


@dataclass(frozen=True)
class ComparisonChoice:
    code: str
    campaign: Campaign | None
    page: int


class ComparisonForm(Form):
    """« Comparaison » (soffi.md §5.7): a line among the catalogue's lines with an amount, and a campaign."""

    ligne = SelectField(
        "Ligne comparée",
        choices=[SelectChoice(line.code, f"{line.code} — {line.label}") for line in COMPARABLE],
        validate_choice=False,
    )
    campagne = SelectField("Exercice", validate_choice=False)

    def with_campaigns(self, campaigns: list[Campaign]) -> "ComparisonForm":
        self.campagne.choices = [SelectChoice(str(c.id), f"{c.exercice}") for c in campaigns]
        return self

    def choice(self, page_text: str | None, campaigns: list[Campaign]) -> tuple[ComparisonChoice, bool]:
        """The line, campaign and page to show (the « Total des ressources » of the latest campaign when absent),
        and whether some parameter was ignored."""
        code = _choice(self.ligne.data, {line.code for line in COMPARABLE})
        by_id = {str(c.id): c for c in campaigns}
        campaign = by_id.get(self.campagne.data or "")
        page = page_param(page_text)
        ignored = (bool(self.ligne.data) and code is None) or (bool(self.campagne.data) and campaign is None)
        self.ligne.data = code or DEFAULT_LINE
        chosen = campaign or (campaigns[0] if campaigns else None)
        self.campagne.data = str(chosen.id) if chosen else ""
        return ComparisonChoice(self.ligne.data, chosen, page or 1), ignored or page is None


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
