"""PDF attachments (MIIT often publishes the policy itself only as a PDF) to a Document.

Text comes from ``crawler.pdftext`` (pypdf within the page, text and time caps that
attachments share; what the caps cut is recorded in ``meta["truncated"]``); lines
wrapped by the layout are joined back into paragraphs (Chinese has no spaces to keep),
page numbers are dropped and Kangxi radicals that PDF fonts map instead of the ordinary
characters (⼯ for 工) are repaired.
"""
from __future__ import annotations

import re
import statistics
import unicodedata

from crawler.normalise import rules
from crawler.normalise.errors import NormaliseError
from crawler.pdftext import REFERENCE_TAIL, PdfError, PdfText, read_pdf
from crawler.urls import canonical_url
from store.model import Document

_RADICALS = {
    **{cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FE0)},
    **{ord(radical): char for radical, char in rules.PDF_RADICAL_FIXES.items()},
}
_PAGE_NUMBER = re.compile(r"^[-—－\s]*(第\s*)?\d{1,4}(\s*页)?[-—－\s]*$|^\d+\s*/\s*\d+$")
#: Labels that start a paragraph. 第X条 followed by 规定/的/、… is a reference that a
#: wrapped line happens to start with (第三十二条规定，…), not an article heading.
_LABEL = re.compile(r"^\s*(第[一二三四五六七八九十百零〇]+(?:[章节]|条" + REFERENCE_TAIL + r")"
                    r"|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]"
                    r"|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|附件)")
_SHORT_LINE = 0.85
_MAX_TITLE = 60


def is_pdf(data: bytes) -> bool:
    """PDF magic at the start (a few leading bytes of junk are allowed, as readers do)."""
    return b"%PDF-" in data[:1024]


def pdf_document(data: bytes, url: str | None) -> Document:
    """The PDF's text as a generic Document (title = first short paragraph or PDF title)."""
    read = _read(data)
    pages = read.pages
    lines = [line.translate(_RADICALS).strip() for page in pages for line in page.splitlines()]
    lines = [line for line in lines if line and not _PAGE_NUMBER.match(line)]
    if not lines:
        raise NormaliseError("PDF has no text layer (a scan?); nothing to normalise")
    paragraphs = join_lines(lines)
    title = paragraphs[0] if len(paragraphs) > 1 and len(paragraphs[0]) <= _MAX_TITLE else ""
    return Document(kind="generic", url=url, canonical_url=canonical_url(url), title=title,
                    body="\n\n".join(paragraphs[1:] if title else paragraphs),
                    meta={"format": "pdf", "pages": read.declared or len(pages),
                          **({"truncated": read.truncated} if read.truncated else {})})


def _read(data: bytes) -> PdfText:
    """The page texts within the shared caps; a PDF pypdf cannot read is bad input."""
    try:
        return read_pdf(data)
    except PdfError as exc:
        raise NormaliseError(str(exc)) from None


def join_lines(lines: list[str]) -> list[str]:
    """Rejoin layout-wrapped lines: a paragraph ends at a short line or before a new outline label."""
    typical = statistics.median(len(line) for line in lines)
    paragraphs: list[str] = []
    current = ""
    for index, line in enumerate(lines):
        current += line
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if not following or len(line) < _SHORT_LINE * typical or _LABEL.match(following):
            paragraphs.append(current)
            current = ""
    return paragraphs
