"""What SOFI's services refuse, with the French message to show (on a field when `field` is set)."""


class SofiError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(SofiError):
    """Input breaking a rule of sofi.md §6; `errors` maps each field to its message ("" for the whole form)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())), next(iter(errors)))
        self.errors = errors


class NotAllowed(SofiError):
    """The object is in a state, or of a kind, that forbids this action for this user."""


class Stale(SofiError):
    """Saved from a page showing an older version than the database's (optimistic locking)."""
