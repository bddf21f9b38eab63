"""Settings of SOFFi: what sets it apart from the other services (the rest is in shared.relying_party)."""

from shared.relying_party import ServiceInfo

SERVICE = ServiceInfo(
    code="soffi",
    name="SOFFi",
    title="Suivi Opérateurs Formation et Financement",
    description=(
        "Mes collectes formation : les organismes collecteurs y déclarent chaque année les fonds de la "
        "formation professionnelle qu'ils ont reçus et leur emploi."
    ),
    port=5001,
    roles={
        "consultation": "Consultation",
        "organisme_collecteur": "Organisme Collecteur",
        "gestionnaire": "Gestionnaire",
        "agent_dgefp": "Agent du ministère",
    },
)

# The folder attachments are stored in (a setting and an environment variable of this name).
ATTACHMENTS_FOLDER = "SOFFI_ATTACHMENTS_FOLDER"
