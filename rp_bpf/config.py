"""Settings of Mon Activité Formation: what sets it apart from the other services (the rest is in
shared.relying_party)."""

from shared.relying_party import ServiceInfo

SERVICE = ServiceInfo(
    code="bpf",
    name="Mon Activité Formation",
    title="Déclaration d'activité et bilan pédagogique et financier",
    description=(
        "Les organismes de formation y déposent leur déclaration d'activité et, chaque année, leur bilan "
        "pédagogique et financier (BPF)."
    ),
    port=5003,
    roles={"declarant": "Déclarant", "gestionnaire": "Gestionnaire", "controle_srf": "Service régional de contrôle"},
)
