"""The page shown for a link that cannot be used, whatever its purpose."""

from flask import render_template

from idp import messages
from idp.auth import client_ip
from idp.extensions import db
from idp.forms.activation import NewActivationLinkForm
from idp.services import links

REASONS = {
    links.LinkExpired: messages.LINK_EXPIRED,
    links.LinkAlreadyUsed: messages.LINK_USED,
    links.LinkInvalid: messages.LINK_INVALID,
}


def refused_link(error: links.LinkError, purpose: str) -> tuple[str, int]:
    """French explanation and a way to get a new link; 410 for a dead link, 404 for a false one."""
    links.record_refusal(db.session, error, purpose, client_ip())
    status = 404 if isinstance(error, links.LinkInvalid) else 410
    return (
        render_template(
            "links/refused.html", reason=REASONS[type(error)], purpose=purpose, form=NewActivationLinkForm()
        ),
        status,
    )
