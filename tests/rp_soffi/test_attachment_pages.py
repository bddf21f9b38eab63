"""« Pièces jointes » on the page (soffi.md §5.4): a PDF added and downloaded as an attachment (never inline), a
file of another type or too large refused next to the file field, a name with a path kept only as a harmless
name, « Supprimer » while the statement is a draft."""

from pathlib import Path

import webtest

from rp_soffi import messages
from rp_soffi.models import Attachment
from rp_soffi.statement.attachments import MAX_BYTES
from tests.rp_soffi.conftest import LogIn
from tests.rp_soffi.factories import PDF, make_body, make_campaign, make_draft
from tests.rp_soffi.web import alert_text, count, form_to, fresh, messages_of


def upload(soffi: webtest.TestApp, statement_id: int, name: str, data: bytes, **kwargs: object) -> webtest.TestResponse:
    form = form_to(soffi.get(f"/etats/{statement_id}"), f"/etats/{statement_id}/pieces-jointes")
    form["kind"] = "COMPTES_CERTIFIES"
    form["fichier"] = webtest.Upload(name, data, "application/octet-stream")
    return form.submit(**kwargs)


def test_a_pdf_is_added_then_downloaded_as_an_attachment(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur")
    page = upload(soffi, statement.id, "Comptes 2024.pdf", PDF).follow()
    assert messages.ATTACHMENT_ADDED in alert_text(page)
    answer = page.click(description="Comptes 2024.pdf")
    assert answer.body == PDF
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="Comptes 2024.pdf"')
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in answer.headers["Content-Security-Policy"]


def test_a_consultation_user_downloads_but_cannot_add_nor_delete(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur")
    upload(soffi, statement.id, "comptes.pdf", PDF)
    log_in("consultation")
    page = soffi.get(f"/etats/{statement.id}")
    assert page.click(description="comptes.pdf").body == PDF
    assert [form.action for form in page.forms.values()] == ["/deconnexion"]


def test_an_executable_named_pdf_is_refused_next_to_the_file_field(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur")
    page = upload(soffi, statement.id, "comptes.pdf", b"MZ\x90\x00 this is a program", status=422)
    assert messages.ATTACHMENT_FORMAT in messages_of(page, "fichier")
    page = upload(soffi, statement.id, "page.html", b"<html><script>alert(1)</script>", status=422)
    assert messages.ATTACHMENT_FORMAT in messages_of(page, "fichier")
    fresh()
    assert count(Attachment) == 0


def test_a_file_over_10_mo_is_refused(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur")
    page = upload(soffi, statement.id, "gros.pdf", PDF + b"0" * MAX_BYTES, status=422)
    assert messages.ATTACHMENT_FORMAT in messages_of(page, "fichier")
    fresh()
    assert count(Attachment) == 0


def test_no_file_is_asked_for_in_french(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur")
    form = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}/pieces-jointes")
    form["kind"] = "AUTRE"
    page = form.submit(status=422)
    assert messages.ATTACHMENT_FILE_REQUIRED in messages_of(page, "fichier")


def test_a_path_in_the_name_is_only_a_name(session, soffi, log_in: LogIn, attachments_folder: Path) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur")
    upload(soffi, statement.id, "../../../etc/passwd.pdf", PDF).follow()
    fresh()
    attachment = session.query(Attachment).one()
    assert attachment.original_name == "passwd.pdf"
    assert (attachments_folder / attachment.storage_path).read_bytes() == PDF
    assert not (attachments_folder.parent / "etc").exists()


def test_an_attachment_is_deleted_while_a_draft(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("gestionnaire")
    page = upload(soffi, statement.id, "annexe.pdf", PDF).follow()
    attachment_id = session.query(Attachment.id).scalar()
    page = form_to(page, f"/pieces-jointes/{attachment_id}/supprimer").submit().follow()
    assert messages.ATTACHMENT_DELETED in alert_text(page)
    fresh()
    assert count(Attachment) == 0
