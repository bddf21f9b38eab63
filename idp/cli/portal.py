"""Operators' commands of the services portal: `flask --app idp activation-codes|access-requests …`."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import click
from babel.dates import format_datetime
from flask.cli import AppGroup
from sqlalchemy import select

from idp.cli.errors import fail
from idp.extensions import db
from idp.models import AccessRequest, ActivationCode, AuditEvent, AuditEventType, Company, Establishment, Service
from idp.services import access_requests, activation_codes, expiry_reminders, habilitations
from idp.services.directory import find_establishment
from shared.clock import in_paris
from shared.db import repeat_job
from shared.identifiers import siret_error

# The French texts of these commands (idp/messages.py holds those of the web pages).
SERVICE_UNKNOWN = "aucune démarche n'a le code « {code} » (démarches connues : {known})."
SERVICE_WITHOUT_CODES = "la démarche {service} n'attribue pas d'accès par code d'activation."
SERVICE_WITHOUT_MANAGER = "la démarche {service} n'a pas de rôle de gestionnaire : un code ne donnerait aucun droit."
ESTABLISHMENT_UNKNOWN = "le SIRET {siret} est introuvable dans le répertoire des établissements."
ESTABLISHMENT_CLOSED = "l'établissement {siret} est fermé : aucun code d'activation ne peut être créé pour lui."
CODE_CREATED = (
    "Code d'activation de la démarche {service} pour le SIRET {siret} ({name}) :\n\n    {code}\n\n"
    "Valable jusqu'au {expires}. Notez-le maintenant : il n'est conservé que sous forme chiffrée "
    "et ne pourra plus être affiché."
)
FOLLOW_UP_DONE = "{reminded} rappel(s) envoyé(s), {escalated} demande(s) transmise(s) aux agents"
FOLLOW_UP_LOOP = "Relance des demandes d'accès toutes les {every} secondes… (Ctrl-C pour arrêter)"
QUEUE_EMPTY = "Aucune demande d'accès en attente des agents."
ESCALATION_REASONS = {
    "no_gestionnaire": "aucun gestionnaire de la démarche dans l'entreprise",
    "no_answer": "sans réponse des gestionnaires depuis 15 jours",
}
ORPHANS_TITLE = (
    "Entreprises sans gestionnaire actif "
    "(envoyez-leur un code d'activation : `flask --app idp activation-codes create`) :"
)
ORPHAN = "  {service} : {name} (SIREN {siren}), {people} personne(s) habilitée(s)"
HISTORY_LABELS = {
    AuditEventType.ACCESS_REQUESTED: "demande envoyée",
    AuditEventType.ACCESS_REQUEST_REMINDED: "rappel envoyé aux gestionnaires",
    AuditEventType.ACCESS_REQUEST_ESCALATED: "transmise aux agents du ministère",
    AuditEventType.ACCESS_REQUEST_WITHDRAWN: "annulée par le demandeur",
    AuditEventType.ACCESS_REQUEST_ACCEPTED: "acceptée",
    AuditEventType.ACCESS_REQUEST_REFUSED: "refusée",
}
CREATED_BY = "ligne de commande"

activation_codes_cli = AppGroup("activation-codes", help="Codes d'activation des démarches (envoyés par courrier).")
access_requests_cli = AppGroup("access-requests", help="Demandes d'accès aux démarches.")


def when(value: datetime) -> str:
    """A stored (naive UTC) time as French operators read it: Paris wall-clock time."""
    return format_datetime(in_paris(value), "dd/MM/yyyy 'à' HH'h'mm", locale="fr_FR")


@activation_codes_cli.command("create")
@click.option("--service", "service_code", required=True, help="Code de la démarche : soffi, sofi, bpf…")
@click.option("--siret", required=True, help="SIRET de l'établissement destinataire du courrier.")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 366), help="Durée de validité, en jours.")
@click.option("--json", "as_json", is_flag=True, help="Sortie en JSON (pour un publipostage).")
def create_activation_code(service_code: str, siret: str, days: int, as_json: bool) -> None:
    """Créer un code d'activation : affiché une seule fois, conservé chiffré."""
    service = _service_or_fail(service_code)
    establishment = _open_establishment_or_fail(siret)
    code = activation_codes.create_code(db.session, service, establishment.siret, CREATED_BY, timedelta(days=days))
    stored = db.session.scalar(
        select(ActivationCode).where(ActivationCode.code_hash == activation_codes.code_hash(code))
    )
    assert stored is not None
    if as_json:
        expires = stored.expires_at.replace(tzinfo=UTC).isoformat(timespec="seconds")
        values = {"code": code, "service": service.code, "siret": establishment.siret, "expires_at": expires}
        click.echo(json.dumps(values, ensure_ascii=False))
        return
    click.echo(
        CODE_CREATED.format(
            service=service.name,
            siret=establishment.siret,
            name=establishment.name,
            code=code,
            expires=when(stored.expires_at),
        )
    )


def _service_or_fail(code: str) -> Service:
    service = db.session.scalar(select(Service).where(Service.code == code.strip().lower()))
    if service is None:
        known = ", ".join(db.session.scalars(select(Service.code).order_by(Service.code))) or "aucune"
        fail(SERVICE_UNKNOWN.format(code=code, known=known))
    if not service.allows_activation_code:
        fail(SERVICE_WITHOUT_CODES.format(service=service.name))
    if service.manager_role is None:
        fail(SERVICE_WITHOUT_MANAGER.format(service=service.name))
    return service


def _open_establishment_or_fail(siret: str) -> Establishment:
    if error := siret_error(siret):
        fail(error)
    establishment = find_establishment(db.session, siret)
    if establishment is None:
        fail(ESTABLISHMENT_UNKNOWN.format(siret=siret))
    if establishment.closed:
        fail(ESTABLISHMENT_CLOSED.format(siret=establishment.siret))
    return establishment


@access_requests_cli.command("follow-up")
@click.option("--every", type=click.IntRange(min=1), default=None, help="Recommencer toutes les N secondes.")
def follow_up(every: int | None) -> None:
    """Relancer les gestionnaires après 7 jours, transmettre aux agents après 15 jours (tâche planifiée)."""

    def run() -> str:
        result = access_requests.follow_up(db.session)
        return FOLLOW_UP_DONE.format(reminded=result.reminded, escalated=result.escalated)

    repeat(every, FOLLOW_UP_LOOP, run)


def repeat(every: int | None, announce: str, run: Callable[[], str]) -> None:
    """A scheduled job: once, or every N seconds until Ctrl-C, saying each time what it did."""
    if every is not None:
        click.echo(announce.format(every=every))
    repeat_job(db.session, every, lambda: click.echo(run()), "scheduled job")


@access_requests_cli.command("queue")
def queue() -> None:
    """Lister les demandes d'accès que les agents du ministère doivent traiter, avec leur contexte."""
    requests = access_requests.agents_queue(db.session)
    if not requests:
        click.echo(QUEUE_EMPTY)
    for request in requests:
        click.echo(_describe(request, access_requests.history(db.session, request)))
    orphans = habilitations.companies_without_gestionnaire(db.session)
    if orphans:
        click.echo(ORPHANS_TITLE)
    for service, siren, people in orphans:
        company = db.session.get(Company, siren)
        name = company.name if company else "(inconnue)"
        click.echo(ORPHAN.format(service=service.name, name=name, siren=siren, people=people))


def _describe(request: AccessRequest, history: list[AuditEvent]) -> str:
    company = db.session.get(Company, request.siren)
    establishment = db.session.get(Establishment, request.siret)
    person = request.account
    reason = ESCALATION_REASONS.get(request.escalation_reason or "", request.escalation_reason or "")
    lines = [
        f"Demande n° {request.id} du {when(request.created_at)}",
        f"  Entreprise     : {company.name if company else '(inconnue)'} (SIREN {request.siren})",
        f"  Établissement  : {establishment.name if establishment else '(inconnu)'} (SIRET {request.siret})",
        f"  Demandeur      : {person.display_name} <{person.email}>",
        f"  Démarche       : {request.service.name}, rôle souhaité : {request.role.label}",
        f"  Transmise le   : {when(request.escalated_at) if request.escalated_at else '-'} ({reason})",
        "  Historique     :",
    ]
    lines += [f"    {when(row.created_at)}  {HISTORY_LABELS.get(row.event, row.event.value)}" for row in history]
    return "\n".join(lines) + "\n"


REMINDERS_DONE = (
    "{sent} rappel(s) d'échéance envoyé(s), {ended} habilitation(s) échue(s) : sessions des services fermées"
)
REMINDERS_LOOP = "Rappels d'échéance des habilitations toutes les {every} secondes… (Ctrl-C pour arrêter)"
habilitations_cli = AppGroup("habilitations", help="Habilitations et délégations : rappels avant leur échéance.")


@habilitations_cli.command("remind")
@click.option("--every", type=click.IntRange(min=1), default=None, help="Recommencer toutes les N secondes.")
def remind(every: int | None) -> None:
    """Rappels 30 et 7 jours avant la fin d'une habilitation ou d'une délégation, au titulaire et aux
    gestionnaires : chaque rappel n'est envoyé qu'une fois, même lancé deux fois ou sur deux instances. Une fois
    l'échéance passée, les sessions du titulaire dans les services concernés sont fermées (une fois)."""

    def run() -> str:
        sent = expiry_reminders.send_reminders(db.session).sent
        return REMINDERS_DONE.format(sent=sent, ended=expiry_reminders.end_sessions(db.session))

    repeat(every, REMINDERS_LOOP, run)
