"""`flask --app idp clients …` (registering relying parties), `flask --app idp keys rotate` and `keys reencrypt`."""

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from idp.cli.errors import fail
from idp.extensions import db
from idp.models import OAuthClient
from idp.oidc import keys
from idp.services import clients

clients_cli = AppGroup("clients", help="Services clients OpenID Connect.")
keys_cli = AppGroup("keys", help="Clés de signature des jetons d'identité.")

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]


def _check_uri(uri: str, kind: str = "de retour") -> str:
    try:
        return clients.check_uri(uri)
    except clients.HasFragment:
        fail(f"une adresse {kind} ne peut pas contenir de fragment (#) : « {uri} ».")
    except clients.InvalidUri:
        fail(f"adresse {kind} invalide « {uri} » : https obligatoire (http seulement en local).")


@clients_cli.command("create")
@click.option("--name", required=True)
@click.option("--service", "service_code", required=True, help="Code du service (démarche), créé s'il n'existe pas.")
@click.option("--service-name", default=None)
@click.option("--redirect-uri", "redirect_uris", multiple=True, required=True)
@click.option("--post-logout-redirect-uri", "post_logout_redirect_uris", multiple=True)
@click.option(
    "--backchannel-logout-uri",
    default=None,
    help="Adresse où le service reçoit les jetons de déconnexion (OpenID Connect Back-Channel Logout).",
)
@click.option("--auth-method", type=click.Choice(AUTH_METHODS), default="client_secret_basic")
@click.option(
    "--jwks", "jwks_path", type=click.Path(exists=True, dir_okay=False), help="Clés publiques (private_key_jwt)."
)
@click.option("--public", is_flag=True, help="Client public (sans secret, PKCE seul).")
@click.option("--third-party", is_flag=True, help="Service hors ministère : l'utilisateur consent au partage.")
@click.option("--client-id", default=None, help="Identifiant imposé (données de démonstration).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON, pour les scripts.")
def create(
    name: str,
    service_code: str,
    service_name: str | None,
    redirect_uris: tuple[str, ...],
    post_logout_redirect_uris: tuple[str, ...],
    backchannel_logout_uri: str | None,
    auth_method: str,
    jwks_path: str | None,
    public: bool,
    third_party: bool,
    client_id: str | None,
    as_json: bool,
) -> None:
    """Enregistrer un service client ; le secret n'est affiché qu'une fois."""
    uris = [_check_uri(uri) for uri in redirect_uris]
    logout_uris = [_check_uri(uri) for uri in post_logout_redirect_uris]
    if backchannel_logout_uri is not None:
        _check_uri(backchannel_logout_uri, "de déconnexion")
    jwks = None
    if auth_method == "private_key_jwt":
        if not jwks_path:
            fail("--jwks est obligatoire avec private_key_jwt.")
        with open(jwks_path, encoding="utf-8") as stream:
            jwks = json.load(stream)
    if client_id and db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id)):
        fail(f"le client « {client_id} » existe déjà.")
    client, secret = clients.register_client(
        name, service_code, uris, logout_uris, auth_method, public, jwks, not third_party, client_id, service_name,
        backchannel_logout_uri,
    )  # fmt: skip
    if as_json:
        click.echo(json.dumps({"client_id": client.client_id, "client_secret": secret}))
    else:
        click.echo(f"Client créé : {client.client_id}")
        if secret:
            click.echo(f"Secret (affiché une seule fois) : {secret}")


@clients_cli.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_clients(as_json: bool) -> None:
    """Lister les services clients."""
    rows = [
        {
            "client_id": c.client_id,
            "name": c.name,
            "service": c.service.code,
            "redirect_uris": c.redirect_uris,
            "backchannel_logout_uri": c.backchannel_logout_uri,
            "auth_method": c.token_endpoint_auth_method,
            "disabled": c.disabled_at is not None,
        }
        for c in db.session.scalars(select(OAuthClient).order_by(OAuthClient.id))
    ]
    if as_json:
        click.echo(json.dumps(rows))
        return
    for row in rows:
        state = " (désactivé)" if row["disabled"] else ""
        click.echo(f"{row['client_id']}  {row['name']}  [{row['service']}]{state}")


def _client_or_fail(client_id: str) -> OAuthClient:
    client = db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    if client is None:
        fail(f"aucun client « {client_id} ».")
    return client


@clients_cli.command("rotate-secret")
@click.argument("client_id")
@click.option("--json", "as_json", is_flag=True)
def rotate_secret(client_id: str, as_json: bool) -> None:
    """Remplacer le secret d'un client (l'ancien cesse aussitôt de fonctionner)."""
    client = _client_or_fail(client_id)
    if client.client_secret_hash is None:
        fail("ce client n'a pas de secret (client public ou private_key_jwt).")
    secret = clients.rotate_secret(client)
    click.echo(
        json.dumps({"client_id": client_id, "client_secret": secret}) if as_json else f"Nouveau secret : {secret}"
    )


@clients_cli.command("disable")
@click.argument("client_id")
def disable(client_id: str) -> None:
    """Désactiver un client : plus de connexion, ses jetons sont révoqués."""
    client = _client_or_fail(client_id)
    clients.disable_client(client)
    click.echo(f"Client désactivé : {client_id}")


@keys_cli.command("rotate")
def rotate_keys() -> None:
    """Nouvelle clé de signature ; l'ancienne reste publiée le temps que ses jetons expirent."""
    key = keys.rotate(db.session)
    click.echo(f"Nouvelle clé : {key.kid}")


@keys_cli.command("reencrypt")
def reencrypt_keys() -> None:
    """Chiffrer à nouveau les clés de signature avec le premier secret de SIGNING_KEYS_SECRET (avant de retirer
    l'ancien secret)."""
    count = keys.reencrypt(db.session)
    click.echo(f"{count} clé(s) chiffrée(s) à nouveau.")
