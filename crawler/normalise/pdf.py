"""PDF attachments (MIIT often publishes the policy itself only as a PDF) to a Document.

Text comes from pypdf; lines wrapped by the layout are joined back into
paragraphs (Chinese has no spaces to keep), page numbers are dropped and Kangxi
radicals that PDF fonts map instead of the ordinary characters (⼯ for 工) are
repaired.
"""
from __future__ import annotations

import io
import logging
import re
import statistics
import unicodedata

from crawler.normalise import rules
from crawler.normalise.errors import NormaliseError
from crawler.normalise.urls import canonical_url
from store.model import Document

_RADICALS = {
    **{cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FE0)},
    **{ord(radical): char for radical, char in rules.PDF_RADICAL_FIXES.items()},
}
_PAGE_NUMBER = re.compile(r"^[-—－\s]*(第\s*)?\d{1,4}(\s*页)?[-—－\s]*$|^\d+\s*/\s*\d+$")
_LABEL = re.compile(r"^\s*(第[一二三四五六七八九十百零〇]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]"
                    r"|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|附件)")
_SHORT_LINE = 0.85
_MAX_TITLE = 60


def is_pdf(data: bytes) -> bool:
    """PDF magic at the start (a few leading bytes of junk are allowed, as readers do)."""
    return b"%PDF-" in data[:1024]


def pdf_document(data: bytes, url: str | None) -> Document:
    """The PDF's text as a generic Document (title = first short paragraph or PDF title)."""
    pages = _page_texts(data)
    lines = [line.translate(_RADICALS).strip() for page in pages for line in page.splitlines()]
    lines = [line for line in lines if line and not _PAGE_NUMBER.match(line)]
    if not lines:
        raise NormaliseError("PDF has no text layer (a scan?); nothing to normalise")
    paragraphs = join_lines(lines)
    title = paragraphs[0] if len(paragraphs[0]) <= _MAX_TITLE else ""
    return Document(kind="generic", url=url, canonical_url=canonical_url(url), title=title,
                    body="\n\n".join(paragraphs[1:] if title else paragraphs),
                    meta={"format": "pdf", "pages": len(pages)})


def _page_texts(data: bytes) -> list[str]:
    """Text per page; pypdf's warnings about damaged files are kept off the user's stderr."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR + 10)
    try:
        reader = PdfReader(io.BytesIO(data))
        return [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, NotImplementedError,
            AttributeError, IndexError, ZeroDivisionError, AssertionError) as exc:
        raise NormaliseError(f"unreadable PDF: {type(exc).__name__}: {exc}".splitlines()[0]) from None
    finally:
        pypdf_log.setLevel(level)


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
