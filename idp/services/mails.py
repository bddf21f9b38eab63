"""One send_<name>() per e-mail: renders the three templates and writes the outbox row.

The row joins the caller's transaction, so the e-mail exists if and only if the change that
causes it is committed.
"""

from typing import Any

from flask import current_app, render_template

from idp.models import Account, OutboxMessage
from shared.db import DbSession


def _queue(session: DbSession, name: str, recipient: str, **context: Any) -> dict[str, Any]:
    context.setdefault("public_url", current_app.config["PUBLIC_URL"])
    subject = render_template(f"mails/{name}/subject.txt", **context).strip()
    session.add(
        OutboxMessage(
            recipient=recipient,
            subject=subject,
            body_text=render_template(f"mails/{name}/body.txt", **context),
            body_html=render_template(f"mails/{name}/body.html", subject=subject, **context),
        )
    )
    return context


def link(path: str, token: str) -> str:
    return f"{current_app.config['PUBLIC_URL']}{path}/{token}"


def send_activation(session: DbSession, account: Account, token: str) -> dict[str, Any]:
    return _queue(session, "activation", account.email, account=account, url=link("/activation", token))


def send_already_registered(session: DbSession, account: Account) -> dict[str, Any]:
    return _queue(session, "already_registered", account.email, account=account)


def send_password_reset(session: DbSession, account: Account, token: str) -> dict[str, Any]:
    return _queue(
        session, "password_reset", account.email, account=account, url=link("/mot-de-passe/reinitialisation", token)
    )


def send_password_changed(session: DbSession, account: Account) -> dict[str, Any]:
    return _queue(session, "password_changed", account.email, account=account)


def send_email_change(session: DbSession, account: Account, new_email: str, token: str) -> dict[str, Any]:
    return _queue(
        session, "email_change", new_email, account=account, url=link("/mon-compte/adresse-electronique", token)
    )


def send_email_changed(session: DbSession, account: Account, old_email: str, new_email: str) -> dict[str, Any]:
    return _queue(session, "email_changed", old_email, account=account, new_email=new_email)
