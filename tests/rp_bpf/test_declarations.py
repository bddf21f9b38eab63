"""The déclaration d'activité's states (bpf.md §4.1): deposited by the organisation, registered (with its NDA),
refused or declared caduque by the control service of its region only, ceased by the organisation."""

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from rp_bpf import messages
from rp_bpf.models import Declaration, DeclarationStatus, JournalEntry, JournalEvent
from rp_bpf.services import declarations
from rp_bpf.services.errors import Invalid, NotAllowed, NotFound, Stale
from shared.db import DbSession
from tests.rp_bpf.conftest import AGENT, DECLARANT
from tests.rp_bpf.factories import declaration_data

NOW = datetime(2026, 1, 5, 10, 0)
SIREN = "997915665"


def deposit(session: DbSession, **changes: object) -> Declaration:
    return declarations.deposit(session, DECLARANT, SIREN, declaration_data(**changes), NOW)


def events(session: DbSession) -> list[JournalEvent]:
    return list(session.scalars(select(JournalEntry.event).order_by(JournalEntry.id)))


def test_a_deposited_declaration_is_placed_in_its_region_and_registered_with_an_nda(session: DbSession) -> None:
    declaration = deposit(session)
    assert (declaration.status, declaration.departement, declaration.region) == (DeclarationStatus.DEPOSEE, "44", "52")
    registered = declarations.register(session, AGENT, declaration.id, "52", NOW)
    assert registered.status == DeclarationStatus.ENREGISTREE
    assert registered.nda == "5244" + "0000001"
    assert events(session) == [JournalEvent.DECLARATION_DEPOSITED, JournalEvent.DECLARATION_REGISTERED]


def test_ndas_follow_each_other_within_a_region_and_departement(session: DbSession) -> None:
    first = deposit(session)
    declarations.register(session, AGENT, first.id, None, NOW)  # national control may register anywhere
    other = declarations.deposit(session, DECLARANT, "996439063", declaration_data(siret="99643906300016"), NOW)
    assert declarations.register(session, AGENT, other.id, "52", NOW).nda == "52440000002"
    corsican = declarations.deposit(
        session, DECLARANT, "552100554", declaration_data(siret="55210055400013", code_postal="20200"), NOW
    )
    assert declarations.register(session, AGENT, corsican.id, "94", NOW).nda == "94200000001"


def test_another_regions_agent_cannot_see_nor_act_on_a_declaration(session: DbSession) -> None:
    declaration = deposit(session)
    for act in (
        lambda: declarations.register(session, AGENT, declaration.id, "11", NOW),
        lambda: declarations.refuse(session, AGENT, declaration.id, "11", "Pièces manquantes", NOW),
        lambda: declarations.get_in_region(session, declaration.id, "11"),
        lambda: declarations.get_in_region(session, 2**31 - 1, None),
    ):
        with pytest.raises(NotFound):
            act()
    assert session.get(Declaration, declaration.id).status == DeclarationStatus.DEPOSEE


def test_a_refusal_needs_a_reason_and_a_new_deposit_follows_it(session: DbSession) -> None:
    declaration = deposit(session)
    with pytest.raises(Invalid) as refused:
        declarations.refuse(session, AGENT, declaration.id, "52", "   ", NOW)
    assert refused.value.errors == {"motif": messages.MOTIF_REQUIRED}
    declarations.refuse(session, AGENT, declaration.id, "52", "Convention de formation absente", NOW)
    assert (declaration.status, declaration.motif) == (DeclarationStatus.REFUSEE, "Convention de formation absente")
    again = deposit(session, telephone="0200000001")
    assert (again.id, again.status, again.motif) == (declaration.id, DeclarationStatus.DEPOSEE, None)


def test_a_registered_declaration_keeps_its_nda_when_changed_and_the_journal_keeps_what_was_replaced(
    session: DbSession,
) -> None:
    declaration = deposit(session)
    declarations.register(session, AGENT, declaration.id, "52", NOW)
    changed = deposit(session, courriel="bpf@formaloire.example", siret="99791566500027")
    assert (changed.status, changed.nda, changed.siret) == (
        DeclarationStatus.ENREGISTREE,
        "52440000001",
        "99791566500027",
    )
    last = session.scalars(select(JournalEntry).order_by(JournalEntry.id.desc())).first()
    assert last.event == JournalEvent.DECLARATION_CHANGED
    assert json.loads(last.comment)["courriel"] == "contact@formaloire.example"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siret": "99643906300016"}, "siret", messages.DA_OTHER_SIREN),
        ({"code_postal": "96000"}, "code_postal", messages.DA_CODE_POSTAL),
    ],
)
def test_a_declaration_for_another_siren_or_outside_france_is_refused(
    session: DbSession, changes: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(Invalid) as refused:
        deposit(session, **changes)
    assert refused.value.errors == {field: message}
    assert session.scalar(select(Declaration)) is None
    assert events(session) == []


def test_a_change_from_a_stale_page_is_refused_and_keeps_the_first(session: DbSession) -> None:
    declaration = deposit(session)
    seen = declaration.lock
    declarations.deposit(session, DECLARANT, SIREN, declaration_data(telephone="0200000001"), NOW, lock=seen)
    with pytest.raises(Stale):
        declarations.deposit(session, DECLARANT, SIREN, declaration_data(telephone="0200000002"), NOW, lock=seen)
    assert session.get(Declaration, declaration.id).telephone == "0200000001"


def test_caducite_and_cessation_follow_registration_only(session: DbSession) -> None:
    declaration = deposit(session)
    with pytest.raises(NotAllowed):
        declarations.declare_caduque(session, AGENT, declaration.id, "52", "Aucun BPF", NOW)
    with pytest.raises(NotAllowed):
        declarations.cease(session, DECLARANT, SIREN, declaration.lock, NOW)
    declarations.register(session, AGENT, declaration.id, "52", NOW)
    declarations.cease(session, DECLARANT, SIREN, declaration.lock, NOW)
    assert declaration.status == DeclarationStatus.CESSEE
    with pytest.raises(NotAllowed):
        declarations.register(session, AGENT, declaration.id, "52", NOW)
    renewed = deposit(session)
    assert (renewed.status, renewed.nda) == (DeclarationStatus.DEPOSEE, None)
    assert declarations.register(session, AGENT, declaration.id, "52", NOW).nda == "52440000002"  # never reused
    declarations.declare_caduque(session, AGENT, declaration.id, "52", "Aucun BPF transmis pour 2025", NOW)
    assert (declaration.status, declaration.motif) == (DeclarationStatus.CADUQUE, "Aucun BPF transmis pour 2025")
