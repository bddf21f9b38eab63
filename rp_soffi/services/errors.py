"""What SOFFi's services refuse, with the French message to show (on a field, or a line, when `field` is set)."""

from collections.abc import Sequence

from rp_soffi.statement.rules import Problem


class SoffiError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(SoffiError):
    """Input breaking a rule (soffi.md §6): `problems` lists every one, with the lines each concerns."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        first = problems[0]
        super().__init__(first.message, first.lines[0] if first.lines else None)
        self.problems = list(problems)


class NotAllowed(SoffiError):
    """This user may not do this, or not on an object in this state (workflow.TransitionRefused's message)."""


class NotFound(SoffiError):
    """No such object (a view answers 404)."""


class Stale(SoffiError):
    """Saved from a page showing an older version than the database's (optimistic locking)."""
