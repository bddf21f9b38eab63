"""Who acts, as services see it: the person of the ID token and the one role it acts with (the view builds it
from the scope of `access.py`; a command or the demo builds its own)."""

from dataclasses import dataclass

from rp_soffi.statement.workflow import AGENT_ROLES, Role


@dataclass(frozen=True)
class Actor:
    sub: str
    name: str
    role: Role

    @property
    def agent(self) -> bool:
        return self.role in AGENT_ROLES

    @property
    def author(self) -> dict[str, str]:
        """The columns of a journal row that say who acted."""
        return {"actor_sub": self.sub, "actor_name": self.name, "actor_role": self.role.value}
