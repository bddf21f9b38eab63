"""What every row of an agents' journal holds (soffi.md §9: every agent action is audited): who, when, and each
changed field's old and new value. The register's and the campaigns' journals add which object and which event."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class AgentActionMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_sub: Mapped[str] = mapped_column(String(255))
    actor_name: Mapped[str] = mapped_column(String(250))
    actor_role: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"field": [old, new], …}
