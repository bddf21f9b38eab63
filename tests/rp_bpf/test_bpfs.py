"""A BPF's life (bpf.md §4.2): started from the registered declaration, saved as typed, refused transmission
while a rule blocks it, transmitted (frozen, hashed, « Hors délai » after the deadline), rectified as a new
version that never deletes the previous one, reopened by the control service of its region."""

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select

from rp_bpf import messages
from rp_bpf.bpf.snapshot import content_to_json, sha256
from rp_bpf.models import Bpf, BpfStatus, Declaration, JournalEntry, JournalEvent
from rp_bpf.services import bpfs, campaigns, declarations, transmission
from rp_bpf.services.errors import Blocked, Invalid, NotAllowed, NotFound, Stale
from rp_bpf.services.journal import Actor
from rp_bpf.services.transmission import Signature
from shared.db import DbSession
from tests.rp_bpf.conftest import AGENT, DECLARANT, IN_TIME
from tests.rp_bpf.factories import declaration_data, make_content, make_figures
from tests.rp_bpf.pdfs import pdf_text

SIREN = "997915665"
SIGNED = Signature(True, "DUPONT-DEMO Alix", "Président")


@pytest.fixture
def declaration(session: DbSession) -> Declaration:
    deposited = declarations.deposit(session, DECLARANT, SIREN, declaration_data(), IN_TIME)
    return declarations.register(session, AGENT, deposited.id, "52", IN_TIME)


def filled(session: DbSession, **lines: object) -> Bpf:
    """The 2025 BPF of the examples, saved as a draft (`lines` changed)."""
    draft = bpfs.start(session, DECLARANT, SIREN, 2025, IN_TIME)
    return bpfs.save(session, DECLARANT, SIREN, draft.id, draft.lock, make_content(**lines), IN_TIME)


def test_a_bpf_waits_for_the_registration_of_the_declaration(session: DbSession) -> None:
    declarations.deposit(session, DECLARANT, SIREN, declaration_data(), IN_TIME)
    with pytest.raises(NotAllowed) as refused:
        bpfs.start(session, DECLARANT, SIREN, 2025, IN_TIME)
    assert refused.value.message == messages.BPF_NEEDS_REGISTRATION


def test_a_new_bpf_copies_the_declaration_and_covers_the_calendar_year(
    session: DbSession, declaration: Declaration
) -> None:
    draft = bpfs.start(session, DECLARANT, SIREN, 2025, IN_TIME)
    content = bpfs.content_of(draft)
    assert (draft.status, draft.version, content.exercice_du.isoformat(), content.exercice_au.isoformat()) == (
        BpfStatus.BROUILLON,
        1,
        "2025-01-01",
        "2025-12-31",
    )
    assert content.identification["nda"] == declaration.nda
    assert content.identification["adresse"] == "14 RUE DE LA FORMATION CONTINUE 44000 NANTES"
    assert content.dirigeant == {"h_nom_prenom": "DUPONT-DEMO Alix", "h_qualite": "Président"}
    assert bpfs.start(session, DECLARANT, SIREN, 2025, IN_TIME).id == draft.id  # « Saisir » again: the same draft


@pytest.mark.parametrize("exercice", [2026, 1999, 10**9])
def test_an_exercice_whose_campaign_has_not_begun_has_no_bpf(
    session: DbSession, declaration: Declaration, exercice: int
) -> None:
    with pytest.raises(NotFound):
        bpfs.start(session, DECLARANT, SIREN, exercice, IN_TIME)


def test_a_draft_keeps_what_was_typed_even_when_a_rule_is_broken(session: DbSession, declaration: Declaration) -> None:
    draft = filled(session, f1a=[121, 2800])  # F-1 total no longer equal to F-3's
    assert bpfs.content_of(draft).figures == make_figures(f1a=[121, 2800])
    assert (draft.c_total, draft.f1_stagiaires, draft.f1_heures) == (155500, 153, 6300)
    assert [problem.code for problem in bpfs.problems(session, draft)] == ["F_TOTALS"]


def test_a_save_from_a_stale_page_is_refused_and_the_first_save_kept(
    session: DbSession, declaration: Declaration
) -> None:
    draft = bpfs.start(session, DECLARANT, SIREN, 2025, IN_TIME)
    seen = draft.lock
    bpfs.save(session, DECLARANT, SIREN, draft.id, seen, make_content(c1=1000), IN_TIME)
    with pytest.raises(Stale):
        bpfs.save(session, DECLARANT, SIREN, draft.id, seen, make_content(c1=2000), IN_TIME)
    assert bpfs.content_of(session.get(Bpf, draft.id)).figures.number("c1") == 1000


def test_another_organisations_bpf_answers_as_absent(session: DbSession, declaration: Declaration) -> None:
    draft = bpfs.start(session, DECLARANT, SIREN, 2025, IN_TIME)
    with pytest.raises(NotFound):
        bpfs.get_own(session, "996439063", draft.id)
    with pytest.raises(NotFound):
        bpfs.save(session, DECLARANT, "996439063", draft.id, draft.lock, make_content(), IN_TIME)


def test_a_period_ending_in_another_year_than_the_exercice_is_invalid(
    session: DbSession, declaration: Declaration
) -> None:
    content = make_content()
    draft = bpfs.start(session, DECLARANT, SIREN, 2025, IN_TIME)
    moved = replace(
        content, exercice_du=content.exercice_du.replace(year=2024), exercice_au=content.exercice_au.replace(year=2024)
    )
    saved = bpfs.save(session, DECLARANT, SIREN, draft.id, draft.lock, moved, IN_TIME)
    assert [problem.code for problem in bpfs.problems(session, saved)] == ["PERIOD"]


def test_a_blocked_bpf_is_not_transmitted_and_stays_a_draft(session: DbSession, declaration: Declaration) -> None:
    draft = filled(session, d_salaires=100000, d_achats=22000)
    with pytest.raises(Blocked) as blocked:
        transmission.transmit(session, DECLARANT, SIREN, draft.id, draft.lock, SIGNED, IN_TIME)
    assert [problem.code for problem in blocked.value.problems] == ["D_DONT"]
    assert (draft.status, draft.receipt_number) == (BpfStatus.BROUILLON, None)


def test_transmission_needs_the_certification_and_the_signataire(session: DbSession, declaration: Declaration) -> None:
    draft = filled(session)
    with pytest.raises(Invalid) as refused:
        transmission.transmit(session, DECLARANT, SIREN, draft.id, draft.lock, Signature(False, " ", ""), IN_TIME)
    assert refused.value.errors == {
        "signataire_nom": messages.SIGNATAIRE_NOM,
        "signataire_qualite": messages.SIGNATAIRE_QUALITE,
        "certified": messages.CERTIFY,
    }
    assert session.get(Bpf, draft.id).status == BpfStatus.BROUILLON


def test_a_bpf_without_activity_is_transmitted_once_confirmed(session: DbSession, declaration: Declaration) -> None:
    draft = bpfs.start(session, DECLARANT, SIREN, 2025, IN_TIME)  # nothing typed
    with pytest.raises(Blocked) as blocked:
        transmission.transmit(session, DECLARANT, SIREN, draft.id, draft.lock, SIGNED, IN_TIME)
    assert [problem.code for problem in blocked.value.problems] == ["NO_ACTIVITY"]
    confirmed = replace(SIGNED, no_activity_confirmed=True)
    sent = transmission.transmit(session, DECLARANT, SIREN, draft.id, draft.lock, confirmed, IN_TIME)
    assert (sent.status, sent.no_activity) == (BpfStatus.TRANSMIS, True)


def test_a_transmitted_bpf_is_frozen_with_its_hash_and_receipt_number(
    session: DbSession, declaration: Declaration
) -> None:
    draft = filled(session)
    sent = transmission.transmit(session, DECLARANT, SIREN, draft.id, draft.lock, SIGNED, IN_TIME)
    assert (sent.status, sent.late, sent.transmitted_at, sent.receipt_number) == (
        BpfStatus.TRANSMIS,
        False,
        IN_TIME,
        "BPF-2025-52440000001-1",
    )
    snapshot = transmission.snapshot_of(sent)
    assert sent.snapshot_sha256 == sha256(snapshot)
    assert snapshot == content_to_json(make_content(nda=declaration.nda))  # the NDA assigned, not the one typed
    with pytest.raises(NotAllowed):
        bpfs.save(session, DECLARANT, SIREN, sent.id, sent.lock, make_content(c1=1), IN_TIME)
    assert session.scalars(select(JournalEntry.event)).all()[-1] == JournalEvent.BPF_TRANSMITTED


def test_after_the_deadline_a_bpf_is_still_accepted_but_hors_delai(
    session: DbSession, declaration: Declaration
) -> None:
    draft = filled(session)
    # 30 April 2026 at 23:30 in Paris is still in time; 1 May at 00:30 is not (UTC+2 in May).
    assert not campaigns.default_settings(2025).is_late(datetime(2026, 4, 30, 21, 30))
    sent = transmission.transmit(session, DECLARANT, SIREN, draft.id, draft.lock, SIGNED, datetime(2026, 4, 30, 22, 30))
    assert sent.late is True


def test_a_delegated_transmission_names_the_third_party_and_the_organisation(
    session: DbSession, declaration: Declaration
) -> None:
    draft = filled(session)
    firm = Actor("sub-ines", "Inès COMPTABLE", third_party_siret="99643906300016")
    signature = replace(SIGNED, on_behalf_of_siret="99791566500019")
    sent = transmission.transmit(session, firm, SIREN, draft.id, draft.lock, signature, IN_TIME)
    assert (sent.transmitted_by_name, sent.transmitted_by_siret, sent.on_behalf_of_siret) == (
        "Inès COMPTABLE",
        "99643906300016",
        "99791566500019",
    )


def test_rectifying_makes_a_new_version_and_transmitting_it_marks_the_previous_rectifie(
    session: DbSession, declaration: Declaration
) -> None:
    first = filled(session)
    transmission.transmit(session, DECLARANT, SIREN, first.id, first.lock, SIGNED, IN_TIME)
    second = transmission.rectify(session, DECLARANT, SIREN, first.id, IN_TIME)
    assert (second.version, second.status) == (2, BpfStatus.BROUILLON_RECTIFICATIF)
    with pytest.raises(NotAllowed):  # only the last transmitted version
        transmission.rectify(session, DECLARANT, SIREN, first.id, IN_TIME)
    bpfs.save(session, DECLARANT, SIREN, second.id, second.lock, make_content(c1=90000, d_total=124000), IN_TIME)
    sent = transmission.transmit(session, DECLARANT, SIREN, second.id, second.lock, SIGNED, IN_TIME)
    assert sent.receipt_number == "BPF-2025-52440000001-2"
    assert [(bpf.version, bpf.status) for bpf in bpfs.versions(session, SIREN, 2025)] == [
        (2, BpfStatus.TRANSMIS),
        (1, BpfStatus.RECTIFIE),
    ]
    assert bpfs.content_of(session.get(Bpf, first.id)).figures.number("c1") == 84000  # the first kept as sent


def test_rectification_ends_at_the_campaigns_limit(session: DbSession, declaration: Declaration) -> None:
    first = filled(session)
    transmission.transmit(session, DECLARANT, SIREN, first.id, first.lock, SIGNED, IN_TIME)
    with pytest.raises(NotAllowed) as refused:
        transmission.rectify(session, DECLARANT, SIREN, first.id, datetime(2027, 1, 1, 9, 0))
    assert refused.value.message == messages.RECTIFY_TOO_LATE
    # The control service may reopen it later, with a reason, in its region only.
    with pytest.raises(NotFound):
        transmission.reopen(session, AGENT, first.id, "11", "Chiffres à revoir", datetime(2027, 1, 1, 9, 0))
    reopened = transmission.reopen(session, AGENT, first.id, "52", "Chiffres à revoir", datetime(2027, 1, 1, 9, 0))
    assert (reopened.version, reopened.status, reopened.reopen_motif) == (
        2,
        BpfStatus.BROUILLON_RECTIFICATIF,
        "Chiffres à revoir",
    )


def test_the_receipt_is_written_once_at_transmission_and_read_back_identical(
    session: DbSession, declaration: Declaration
) -> None:
    draft = filled(session)
    sent = transmission.transmit(session, DECLARANT, SIREN, draft.id, draft.lock, SIGNED, IN_TIME)
    stored = transmission.get_receipt(session, sent).pdf
    assert stored.startswith(b"%PDF-")
    text = pdf_text(stored)
    assert "BPF-2025-52440000001-1" in text and sent.snapshot_sha256 in text
    assert "le 02/03/2026 à 10 h 30" in text  # 09:30 UTC, in Paris in winter
    session.expire_all()
    assert transmission.get_receipt(session, session.get(Bpf, sent.id)).pdf == stored
    with pytest.raises(NotFound):  # a draft has none
        transmission.get_receipt(session, bpfs.start(session, DECLARANT, SIREN, 2024, IN_TIME))
