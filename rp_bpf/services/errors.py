"""What the services refuse, with the French message to show (on a field when `field` is set)."""

from rp_bpf.bpf.problems import Problem


class BpfError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(BpfError):
    """Input breaking a rule; `errors` maps each field to its message ("" for the whole form)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())), next(iter(errors)))
        self.errors = errors


class Blocked(BpfError):
    """A BPF that cannot be transmitted: the problems of bpf.md §6 that stop it (blocking, or to confirm)."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


class NotAllowed(BpfError):
    """The object is in a state that forbids this action (or the campaign's dates do)."""


class NotFound(BpfError):
    """No such object for this user: another organisation's ids, or another region's, answer as if absent."""


class Stale(BpfError):
    """Saved from a page showing an older version than the database's (optimistic locking)."""
