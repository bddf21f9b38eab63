"""`flask --app idp accounts create|disable|enable|show`."""

import json

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from idp import messages
from idp.cli.errors import fail
from idp.extensions import db
from idp.forms.fields import NAME_PATTERN
from idp.models import Account, Civilite
from idp.services import access_requests, habilitations
from idp.services.accounts import SignUp, create_account, find_account_by_email, set_disabled
from idp.services.directory import find_establishment
from idp.services.passwords import hash_password, password_problems
from shared.identifiers import normalize_phone, siret_error

LAST_GESTIONNAIRE_GONE = (
    "C'était le dernier gestionnaire de {service} pour l'entreprise {siren} : elle passe aux agents du ministère "
    "({sent} demande(s) d'accès en attente leur sont transmises ; `flask --app idp access-requests queue`)."
)
accounts_cli = AppGroup("accounts", help="Comptes des utilisateurs.")


@accounts_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--civilite", type=click.Choice(["M", "Mme"]), required=True)
@click.option("--nom", required=True)
@click.option("--prenom", required=True)
@click.option("--siret", required=True)
@click.option("--telephone", default=None)
@click.option("--active", is_flag=True, help="Compte déjà activé (sans e-mail d'activation).")
def create(
    email: str, password: str, civilite: str, nom: str, prenom: str, siret: str, telephone: str | None, active: bool
) -> None:
    """Créer un compte, avec les mêmes règles que l'inscription."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        fail(messages.EMAIL_INVALID)
    if find_account_by_email(db.session, email):
        fail("un compte existe déjà avec cette adresse électronique.")
    if problems := password_problems(password, email):
        fail(" ".join(problems))
    for value in (nom, prenom):
        if not value.strip() or len(value) > 100 or not NAME_PATTERN.match(value):
            fail(messages.NAME_INVALID)
    if error := siret_error(siret):
        fail(error)
    establishment = find_establishment(db.session, siret)
    if establishment is None:
        fail(messages.ESTABLISHMENT_UNKNOWN)
    if establishment.closed:
        fail(messages.ESTABLISHMENT_CLOSED)
    phone = None
    if telephone:
        phone = normalize_phone(telephone)
        if phone is None:
            fail(messages.PHONE_INVALID)
    data = SignUp(
        establishment.siret, email, hash_password(password), Civilite(civilite), nom.strip(), prenom.strip(), phone
    )
    account = create_account(db.session, data, active=active)
    click.echo(f"Compte créé : {account.email} ({'actif' if account.is_active else 'en attente d activation'})")


def _account_or_fail(email: str) -> Account:
    account = find_account_by_email(db.session, email)
    if account is None:
        fail(f"aucun compte n'a l'adresse {email}.")
    return account


def _set_disabled(account: Account, disabled: bool) -> None:
    """The service disables or enables the account (status, sessions, audit row); the command says which."""
    set_disabled(db.session, account, disabled)
    click.echo(f"Compte {'désactivé' if disabled else 'réactivé'} : {account.email}")


@accounts_cli.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Désactiver un compte : il ne peut plus se connecter, ses sessions sont fermées."""
    account = _account_or_fail(email)
    managed = habilitations.managed_by(db.session, account)  # before: a disabled account manages nothing
    _set_disabled(account, True)
    sent = access_requests.escalate_without_gestionnaire(db.session, managed)
    for service, siren in managed:
        if not habilitations.gestionnaires(db.session, service, siren):
            click.echo(LAST_GESTIONNAIRE_GONE.format(service=service.name, siren=siren, sent=sent))


@accounts_cli.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Réactiver un compte désactivé."""
    _set_disabled(_account_or_fail(email), False)


@accounts_cli.command("show")
@click.argument("email")
def show(email: str) -> None:
    """Afficher un compte (en JSON)."""
    account = _account_or_fail(email)
    click.echo(
        json.dumps(
            {
                "email": account.email,
                "statut": account.status.value,
                "civilite": account.civilite.label,
                "nom": account.nom,
                "prenom": account.prenom,
                "telephone": account.telephone,
                "siret": account.siret,
                "etablissement": account.establishment.name,
                "cree_le": account.created_at.isoformat(),
                "active_le": account.activated_at.isoformat() if account.activated_at else None,
                "derniere_connexion": account.last_login_at.isoformat() if account.last_login_at else None,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
