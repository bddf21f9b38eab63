"""Settings of SOFI: what sets it apart from the other services (the rest is in shared.relying_party)."""

from shared.relying_party import ServiceInfo

SERVICE = ServiceInfo(
    code="sofi",
    name="SOFI",
    title="Système de l'Offre de Formation Informatisé",
    description=(
        "Les organismes de formation des Pays de la Loire y saisissent leur offre de formation, "
        "validée puis publiée par le Carif-Oref."
    ),
    port=5002,
    roles={
        "gestionnaire": "Gestionnaire de l'autosaisie",
        "contributeur": "Contributeur",
        "consultation": "Consultation",
        "valideur_carif": "Valideur Carif-Oref",
    },
)
