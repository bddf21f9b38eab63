"""The `habilitations` claim: one definition, built by the IdP and parsed by every relying party."""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

HABILITATIONS_CLAIM = "habilitations"
HABILITATIONS_SCOPE = "habilitations"
# Set when the habilitations were too many for a token: they are then those of one organisation, and this
# says how many organisations the person acts for (the service offers to choose another at the provider).
ORGANISATIONS_CLAIM = "organisations_count"
# A second event in a back-channel logout token (a Security Event Token may carry several): the person's rights on the
# service changed (a habilitation or delegation revoked, changed or ended) — not a mere logout. Its payload holds
# their habilitations on the service now (HABILITATIONS_CLAIM, as in an ID token), or nothing when they are too many
# for a token: what the service learned from their last login's claims is then stale until their next login.
RIGHTS_CHANGED_EVENT = "urn:mesdemarches:event:rights-changed"


@dataclass(frozen=True)
class HabilitationClaim:
    """One habilitation of the user for the requesting client's service, active at issue time."""

    service: str  # service code: "soffi", "sofi", "bpf", or another application's
    role: str  # role code
    role_label: str  # the guides' wording: "Gestionnaire", "Déclarant"…
    siret: str  # the establishment it is on (for a delegation: the third party's own SIRET)
    siren: str
    granted_via: str
    delegated: bool = False
    on_behalf_of_siret: str | None = None
    expires_at: str | None = None  # ISO 8601 with offset, or None
    delegated_by: str | None = None
    region: str | None = None  # INSEE region code of an operator role; None means national
    company: str | None = None  # the name of the company it is for (the one acted for, for a delegation)

    def to_claim(self) -> dict[str, Any]:
        values = asdict(self)
        # Optional fields are left out when empty, the nine of the contract always present.
        for optional in ("delegated_by", "region", "company"):
            if values[optional] is None:
                del values[optional]
        return values

    @classmethod
    def from_claim(cls, value: dict[str, Any]) -> "HabilitationClaim":
        return cls(
            service=str(value["service"]),
            role=str(value["role"]),
            role_label=str(value.get("role_label") or value["role"]),
            siret=str(value["siret"]),
            siren=str(value.get("siren") or str(value["siret"])[:9]),
            granted_via=str(value.get("granted_via") or ""),
            delegated=bool(value.get("delegated", False)),
            on_behalf_of_siret=value.get("on_behalf_of_siret"),
            expires_at=value.get("expires_at"),
            delegated_by=value.get("delegated_by"),
            region=value.get("region"),
            company=value.get("company"),
        )

    @property
    def expires(self) -> datetime | None:
        return datetime.fromisoformat(self.expires_at) if self.expires_at else None


def parse_habilitations(claims: dict[str, Any]) -> tuple[HabilitationClaim, ...]:
    """The habilitations of an ID token or userinfo response; malformed entries are ignored."""
    parsed = []
    for value in claims.get(HABILITATIONS_CLAIM) or []:
        if isinstance(value, dict):
            try:
                parsed.append(HabilitationClaim.from_claim(value))
            except (KeyError, TypeError, ValueError):
                continue
    return tuple(parsed)
