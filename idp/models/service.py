"""Services (démarches) and the roles each offers.

A role lives beside its service: the service lists its roles (`roles`, `manager_role`) and each role
points back to its service, so the two are one aggregate; the habilitations that grant a role to an
account are in `idp.models.habilitation`.
"""

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db


class Service(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)  # "soffi", "sofi", "bpf", or any app's code
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")  # where its tile leads; empty: not on the portal
    # Access paths offered on the portal ("Ajouter une démarche").
    allows_activation_code: Mapped[bool] = mapped_column(Boolean, default=True)
    allows_request: Mapped[bool] = mapped_column(Boolean, default=True)

    roles: Mapped[list["Role"]] = relationship(back_populates="service", order_by="Role.id")

    @property
    def on_portal(self) -> bool:
        return bool(self.url)

    @property
    def manager_role(self) -> "Role | None":
        return next((role for role in self.roles if role.is_manager), None)

    @property
    def requestable_roles(self) -> list["Role"]:
        """The roles a person may ask a gestionnaire for (operator roles are granted by agents only)."""
        return [role for role in self.roles if not role.agents_only]


class Role(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    # Operator roles (agent_dgefp, valideur_carif, controle_srf): granted by ministry agents only.
    agents_only: Mapped[bool] = mapped_column(Boolean, default=False)

    service: Mapped[Service] = relationship(back_populates="roles")

    __table_args__ = (UniqueConstraint("service_id", "code"),)
