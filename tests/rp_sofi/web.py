"""Reading what SOFI's pages say and what a request left in the database, for the tests that drive the real rendered
pages with WebTest: the text a person reads, the messages under a field, the alerts, the CSRF token, and the rows
written (each request commits in its own session, so `fresh` forgets what the test's session had read)."""

import webtest
from sqlalchemy import func, select

from rp_sofi.extensions import db
from rp_sofi.models import JournalEntry, JournalEvent


def text(page: webtest.TestResponse, element_id: str | None = None) -> str:
    """What the page (or one element of it) says, as a reader sees it (entities decoded, spaces folded)."""
    node = page.html.find(id=element_id) if element_id else page.html
    assert node is not None, element_id
    return " ".join(node.get_text(" ").split())


def field_error(page: webtest.TestResponse, field: str) -> str:
    """The messages shown under a field (its « -messages » group, which aria-describedby names)."""
    group = page.html.select_one(f"#{field}-messages")
    assert group is not None, f"no messages group for {field}"
    return " ".join(group.get_text(" ").split())


def alert_text(page: webtest.TestResponse) -> str:
    return " ".join(" ".join(alert.get_text(" ").split()) for alert in page.html.select(".fr-alert"))


def csrf(page: webtest.TestResponse) -> str:
    token = page.html.select_one("input[name=csrf_token]")
    assert token is not None
    return str(token["value"])


def fresh() -> None:
    """Forget what the test's session read: the requests committed in their own sessions."""
    db.session.rollback()
    db.session.expire_all()


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def journal(event: JournalEvent) -> list[JournalEntry]:
    return list(db.session.scalars(select(JournalEntry).where(JournalEntry.event == event)))
