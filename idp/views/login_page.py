"""The page « Connectez-vous », shown by /connexion (idp.views.login) and, to a service's visitor who is
not logged in, by the authorization endpoint itself (idp.oidc.authorization). No blueprint: both
import it, and it imports neither."""

from flask import render_template, url_for

from idp.forms.login import LoginForm


def login_page(
    next_url: str | None, form: LoginForm | None = None, error: str | None = None, login_hint: str = ""
) -> tuple[str, int]:
    """« Connectez-vous »: the form posts to /connexion, which then leads to `next_url`."""
    form = form or LoginForm(data={"email": login_hint})
    status = 422 if (error or form.errors) else 200
    html = render_template(
        "login/login.html",
        form=form,
        error=error,
        form_has_errors=status == 422,
        action=url_for("login.login", next=next_url),
        # « Se créer un compte » keeps where this login leads (a service's authorization, the activation-code tab).
        signup_url=url_for("signup.establishment", next=next_url),
    )
    return html, status
