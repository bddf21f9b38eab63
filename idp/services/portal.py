"""The services portal « Mes démarches »: what a person's tiles show, and what they may still add.

Read-only: it gathers what `habilitations` and `access_requests` know into ready values for the pages.
"""

from dataclasses import dataclass, field, replace

from sqlalchemy import select

from idp.models import AccessRequest, Account, Habilitation, Service
from idp.services import access_requests, habilitations
from shared.db import DbSession


@dataclass(frozen=True)
class Tile:
    """One of « Mes démarches »."""

    service: Service
    habilitations: list[Habilitation] = field(default_factory=list)
    pending: list[AccessRequest] = field(default_factory=list)
    refused: list[AccessRequest] = field(default_factory=list)
    manages: bool = False  # a gestionnaire: the gear to the users screen
    waiting: int = 0  # people whose requests await the gestionnaire's decision
    clients: int = 0  # organisations acted for as a third party: counted here, listed in « Mes clients »


@dataclass(frozen=True)
class Portal:
    tiles: list[Tile]
    others: list[Service]  # « Les autres démarches », each with « Ajouter »


@dataclass(frozen=True)
class GestionnaireLine:
    name: str
    other_establishment: bool  # « * Ce gestionnaire est un employé d'un autre établissement »


def portal_services(session: DbSession) -> list[Service]:
    """The services shown on the portal (those with an address), by name."""
    return list(session.scalars(select(Service).where(Service.url != "").order_by(Service.name, Service.id)))


def find_portal_service(session: DbSession, code: str) -> Service | None:
    return session.scalar(select(Service).where(Service.code == code, Service.url != ""))


def portal_of(session: DbSession, account: Account) -> Portal:
    """The account's tiles (habilitations, pending or refused requests) and the services left to add."""
    held = habilitations.habilitations_of(session, account)
    requests = access_requests.requests_of(session, account)
    tiles, others = [], []
    for service in portal_services(session):
        mine = [h for h in held if h.role.service_id == service.id]
        tile = Tile(
            service,
            [h for h in mine if not h.delegated],
            [r for r in requests if r.service_id == service.id and r.pending],
            [r for r in requests if r.service_id == service.id and not r.pending],
            clients=len({h.on_behalf_of_siret for h in mine if h.delegated}),
        )
        if tile.habilitations or tile.pending or tile.refused or tile.clients:
            tiles.append(_with_management(session, account, tile))
        else:
            others.append(service)
    return Portal(tiles, others)


def _with_management(session: DbSession, account: Account, tile: Tile) -> Tile:
    if not any(h.role.is_manager and not h.delegated for h in tile.habilitations):
        return tile
    sirens = habilitations.managed_sirens(session, account, tile.service)
    waiting = access_requests.waiting_people(session, tile.service, sirens)
    return replace(tile, manages=bool(sirens), waiting=waiting)


def gestionnaire_lines(session: DbSession, service: Service, siret: str) -> list[GestionnaireLine]:
    """The gestionnaires of the SIRET's company for the service, as the request tab lists them."""
    return [
        GestionnaireLine(manager.display_name, manager.siret != siret)
        for manager in habilitations.gestionnaires(session, service, siret[:9])
    ]
