"""The text the services' PDFs print (shared/pdf.py), where the documents' own tests do not look: their text is
read back with every no-break space folded into a space, and none of them holds a character without a Latin
letter under it."""

from reportlab.pdfbase.pdfmetrics import stringWidth

from shared.pdf import fitted, pdf_text


def test_french_spaces_become_no_break_spaces() -> None:
    assert pdf_text("« Oui » : 1\u202f234 ?") == "«\u00a0Oui\u00a0»\u00a0: 1\u00a0234\u00a0?"


def test_a_character_the_standard_fonts_lack_loses_its_accent_or_becomes_a_question_mark() -> None:
    assert pdf_text("Kőrösi Łódź 北京 €") == "Korösi ?ódz ?? €"


def test_a_fitted_text_holds_in_its_width_and_ends_with_an_ellipsis() -> None:
    text = fitted("ORGANISME " * 20, 100, 7.5)
    assert text.endswith("…") and stringWidth(text, "Helvetica", 7.5) <= 100
    assert fitted("court", 100, 7.5) == "court"
