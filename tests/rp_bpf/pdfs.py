"""Reading back the BPF's PDFs in tests: their text as a reader would copy it, and their pages as images."""

import re
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image  # Pillow comes with ReportLab


def pdf_text(data: bytes) -> str:
    """Every page's text, its spaces (no-break ones included) and line breaks folded into single spaces."""
    document = pdfium.PdfDocument(data)
    try:
        pages = [document[index].get_textpage().get_text_range() for index in range(len(document))]
    finally:
        document.close()
    return re.sub(r"\s+", " ", " ".join(pages).replace("\u00a0", " "))


def page_count(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def render_page(data: bytes, folder: Path, name: str, index: int = 0) -> Path:
    """One page as a PNG at about 115 dpi, to look at: the tests check it was drawn, a person checks the layout."""
    document = pdfium.PdfDocument(data)
    try:
        image = document[index].render(scale=1.6).to_pil()
    finally:
        document.close()
    path = folder / f"{name}.png"
    image.save(path)
    return path


def is_drawn(path: Path) -> bool:
    """The image is A4-shaped and not blank: some pixels are dark (text), most are white (paper)."""
    with Image.open(path) as image:
        grey = image.convert("L")
        width, height = grey.size
        histogram = grey.histogram()
    dark = sum(histogram[:100])
    return abs(height / width - 297 / 210) < 0.01 and 0 < dark < width * height / 4
