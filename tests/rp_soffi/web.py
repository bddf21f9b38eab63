"""Reading what SOFFi's pages say and what a request left in the database (each request commits in its own
session: `fresh` forgets what the test's session had read)."""

import webtest
from sqlalchemy import func, select

from rp_soffi.extensions import db


def text(page: webtest.TestResponse, element_id: str | None = None) -> str:
    """What the page (or one element of it) says, as a reader sees it (entities decoded, spaces folded)."""
    node = page.html.find(id=element_id) if element_id else page.html
    assert node is not None, element_id
    return " ".join(node.get_text(" ").split())


def messages_of(page: webtest.TestResponse, group_id: str) -> str:
    """The messages of a field or line (its « -messages » group, which aria-describedby names)."""
    group = page.html.select_one(f"#{group_id}-messages")
    assert group is not None, f"no messages group {group_id}"
    return " ".join(group.get_text(" ").split())


def alert_text(page: webtest.TestResponse) -> str:
    return " ".join(" ".join(alert.get_text(" ").split()) for alert in page.html.select(".fr-alert"))


def title(page: webtest.TestResponse) -> str:
    return " ".join(page.html.title.get_text().split())


def form_to(page: webtest.TestResponse, action: str) -> webtest.Form:
    for form in page.forms.values():
        if form.action == action:
            return form
    raise AssertionError(f"no form posting to {action}: {[form.action for form in page.forms.values()]}")


def fresh() -> None:
    db.session.rollback()
    db.session.expire_all()


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0
