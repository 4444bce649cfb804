"""Text of a PDF attachment (MIIT publishes many policies only as a PDF behind a short notice)."""
from __future__ import annotations

import io
import logging
import re

#: pypdf is chatty about harmless structural quirks of government PDFs.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class PdfError(ValueError):
    """The bytes are not a readable PDF (or hold no extractable text)."""


def pdf_text(data: bytes, *, max_pages: int = 300) -> str:
    """Plain text of the first ``max_pages`` pages, paragraphs separated by blank lines.

    Lines broken only by the page width are joined back (Chinese text has no spaces
    to lose); blank lines and page breaks separate paragraphs.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise PdfError("not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages[:max_pages]]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise PdfError(f"unreadable PDF: {exc}") from None
    text = "\n\n".join(_paragraphs(page) for page in pages if page.strip())
    text = re.sub(r"\n{2,}", "\n\n", text)
    if not text.strip():
        raise PdfError("the PDF has no extractable text (scanned images?)")
    return text


def _paragraphs(page: str) -> str:
    """Join lines broken by the page width: a line about as long as the page's longest continues."""
    lines = [line.strip() for line in page.splitlines()]
    full = 0.85 * max((len(line) for line in lines), default=0)
    out: list[str] = []
    last_width = 0
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            last_width = 0
            continue
        if out and out[-1] and last_width >= full and not _ends_paragraph(out[-1]) and not _starts_item(line):
            out[-1] += line
        else:
            out.append(line)
        last_width = len(line)
    return "\n\n".join(line for line in out if line)


_END = re.compile(r"[。！？；：:!?;]$|^\s*[一二三四五六七八九十]+、.{0,30}$")
_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(?\d+[.)、）]|第[一二三四五六七八九十百]+条)")


def _ends_paragraph(line: str) -> bool:
    return bool(_END.search(line))


def _starts_item(line: str) -> bool:
    return bool(_ITEM.match(line))
