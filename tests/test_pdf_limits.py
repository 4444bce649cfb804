"""PDFs are bounded (issue 19): a page cap, a text cap and a time budget for pages and
attachments alike, a page object listed many times read once, and the cut recorded.

Durations are CPU time of this process (the work is CPU-bound; wall time on the shared
test machine depends on everyone else's load)."""
from __future__ import annotations

import time

import pytest

from crawler.normalise import NormaliseError, normalise
from crawler.pdftext import PdfError, pdf_text, read_pdf

LINE = "Article one: for network security this law is made."


def many_pages(count: int, text: str = LINE, *, distinct: bool = True) -> bytes:
    """A real PDF whose page tree lists ``count`` pages: distinct page objects sharing one
    content stream, or (``distinct=False``) one page object listed ``count`` times."""
    stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode("latin-1")
    kids = (" ".join(f"{6 + n} 0 R" for n in range(count)) if distinct else "6 0 R " * count).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(count).encode()
        + b" /Resources << /Font << /F1 5 0 R >> >> /MediaBox [0 0 612 792] >>",
        b"<< >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"] * (count if distinct else 1)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_a_hundred_thousand_page_pdf_is_truncated_in_under_five_seconds():
    data = many_pages(100_000)
    started = time.process_time()
    doc = normalise(data)
    assert time.process_time() - started < 5
    assert doc.meta["truncated"] == {"reason": "pages", "pages_read": 500, "pages_declared": 100_000}
    assert doc.body.count(LINE) <= 500


def test_a_page_listed_twenty_thousand_times_is_read_once():
    started = time.process_time()
    read = read_pdf(many_pages(20_000, distinct=False))
    assert time.process_time() - started < 5
    assert len(read.pages) == 1 and read.truncated["repeated_pages"] == 19_999


def test_attachments_share_the_caps():
    started = time.process_time()
    text = pdf_text(many_pages(100_000), truncated=(cut := {}))
    assert time.process_time() - started < 5 and text.count(LINE) == 500
    assert cut == {"reason": "pages", "pages_read": 500, "pages_declared": 100_000}


def test_the_text_cap_cuts_and_says_so():
    read = read_pdf(many_pages(50), max_chars=200)
    assert sum(map(len, read.pages)) == 200 and read.truncated["reason"] == "chars"


def test_a_small_pdf_is_read_whole_without_a_truncation_note():
    read = read_pdf(many_pages(3))
    assert len(read.pages) == 3 and read.truncated == {} and read.declared == 3


def test_garbage_is_a_one_line_error():
    with pytest.raises(PdfError, match="not a PDF"):
        read_pdf(b"hello")
    with pytest.raises(NormaliseError):
        normalise(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
