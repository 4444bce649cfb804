"""Text of a PDF, bounded: the one PDF reader for pages and attachments alike.

MIIT publishes many policies only as a PDF behind a short notice, and the normaliser
reads PDFs given to it directly. Either way a PDF is read with the same caps: at most
``MAX_PAGES`` pages, ``MAX_CHARS`` characters and ``MAX_SECONDS`` of extraction, and
a page object listed more than once in the page tree is read once. The page tree is
walked lazily, so a file declaring 100,000 pages costs what its first pages cost.
What was left out is reported (``PdfText.truncated``) for the caller to record.
"""
from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from crawler.errors import CrawlerError

#: Caps for one PDF (a long law gazette has a few hundred pages; a policy far fewer).
MAX_PAGES = 500
MAX_CHARS = 2_000_000
MAX_SECONDS = 20.0
_MAX_DEPTH = 32
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class PdfError(CrawlerError, ValueError):
    """The bytes are not a readable PDF (or hold no extractable text)."""


@dataclass
class PdfText:
    """The text of each page read, the page count the file declares, and what was cut."""

    pages: list[str] = field(default_factory=list)
    declared: int = 0
    truncated: dict[str, Any] = field(default_factory=dict)


def read_pdf(data: bytes, *, max_pages: int = MAX_PAGES, max_chars: int = MAX_CHARS,
             max_seconds: float = MAX_SECONDS) -> PdfText:
    """Page texts within the caps; PdfError (one line) for bytes pypdf cannot read.

    ``truncated`` names the cap that stopped reading (``pages``/``chars``/``seconds``),
    with the pages read and the pages the file declares; repeated page objects skipped
    are counted in ``repeated_pages``.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise PdfError("not a PDF file")
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR + 10)  # pypdf warns about every harmless quirk of government PDFs
    result = PdfText()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        result.declared = _declared_pages(reader)
        _extract(reader, result, max_pages, max_chars, time.monotonic() + max_seconds)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, NotImplementedError,
            AttributeError, IndexError, ZeroDivisionError, AssertionError) as exc:
        raise PdfError(f"unreadable PDF: {type(exc).__name__}: {exc}".splitlines()[0]) from None
    finally:
        quiet.setLevel(level)
    return result


def _extract(reader: Any, result: PdfText, max_pages: int, max_chars: int, deadline: float) -> None:
    """Fill ``result.pages`` page by page until the file or a cap ends it."""
    chars = repeated = 0
    for page in _pages(reader, result):
        if page is None:
            repeated += 1
            continue
        if len(result.pages) >= max_pages:
            result.truncated["reason"] = "pages"
            break
        if time.monotonic() > deadline:
            result.truncated["reason"] = "seconds"
            break
        text = page.extract_text() or ""
        if chars + len(text) > max_chars:
            result.pages.append(text[:max_chars - chars])
            result.truncated["reason"] = "chars"
            break
        chars += len(text)
        result.pages.append(text)
    if repeated:
        result.truncated["repeated_pages"] = repeated
    if result.truncated:
        result.truncated.update(pages_read=len(result.pages), pages_declared=result.declared)


def _declared_pages(reader: Any) -> int:
    """The /Count the page tree root declares (0 when missing or nonsense)."""
    count = reader.trailer["/Root"].get_object()["/Pages"].get_object().get("/Count", 0)
    try:
        return max(0, int(count))
    except (TypeError, ValueError):
        return 0


def _pages(reader: Any, result: PdfText) -> Iterator[Any]:
    """The page tree's leaves in order, built one at a time (None for a page object seen before).

    pypdf's own ``reader.pages`` flattens the whole tree first: seconds for a file that
    lists 100,000 pages. Attributes a page inherits from its ancestors are applied.
    """
    from pypdf import PageObject
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    root = reader.trailer["/Root"].get_object()["/Pages"].get_object()
    stack: list[tuple[Iterator[Any], dict[str, Any]]] = [(iter([root]), {})]
    seen: set[tuple[int, int]] = set()
    while stack:
        kids, inherited = stack[-1]
        kid = next(kids, None)
        if kid is None:
            stack.pop()
            continue
        node = kid.get_object()
        if not isinstance(node, DictionaryObject):
            continue
        if "/Kids" in node:
            if len(stack) <= _MAX_DEPTH and isinstance(node["/Kids"], ArrayObject):
                mine = {**inherited, **{k: node[k] for k in _INHERITED if k in node}}
                stack.append((iter(node["/Kids"]), mine))
            continue
        ref = (kid.idnum, kid.generation) if isinstance(kid, IndirectObject) else None
        if ref in seen:
            yield None
            continue
        if ref:
            seen.add(ref)
        page = PageObject(reader, kid if isinstance(kid, IndirectObject) else None)
        page.update(node)
        for key, value in inherited.items():
            if key not in page:
                page[NameObject(key)] = value
        yield page


def pdf_text(data: bytes, *, max_pages: int = MAX_PAGES, truncated: dict[str, Any] | None = None) -> str:
    """Plain text of an attachment within the caps, paragraphs separated by blank lines.

    Lines broken only by the page width are joined back (Chinese text has no spaces
    to lose); blank lines and page breaks separate paragraphs. What the caps cut is
    put into ``truncated`` when the caller passes a dict.
    """
    read = read_pdf(data, max_pages=max_pages)
    if truncated is not None:
        truncated.update(read.truncated)
    pages = read.pages
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


#: After 第X条, what makes it a reference (第三十二条规定，…) rather than an article's label.
REFERENCE_TAIL = r"(?!规定|的规定|所列|[、，,]|第[一二三四五六七八九十]+[款项]|之[一二三四五六七八九十]|[和及或至]第)"

_END = re.compile(r"[。！？；：:!?;]$|^\s*[一二三四五六七八九十]+、.{0,30}$")
#: A numbered item starts a line; 第X条 only as a heading, not in a wrapped reference (第三十二条规定，…).
_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(?\d+[.)、）]"
                   r"|第[一二三四五六七八九十百]+条" + REFERENCE_TAIL + ")")


def _ends_paragraph(line: str) -> bool:
    return bool(_END.search(line))


def _starts_item(line: str) -> bool:
    return bool(_ITEM.match(line))
