"""Text of an article's attachment: PDF, Word (DOCX, and WPS saved as DOCX) and Excel (XLSX) tables.

Provincial 印发通知 pages are often a short notice; the policy is in the attachment.
Spreadsheets (target tables, project lists) become text one row per line, cells
separated by `` | ``, so their figures can be read and compared like the body's.
Old binary ``.doc``/``.wps``/``.xls`` files (OLE) have no reader here: they fail with
a one-line :class:`AttachmentError` and the article is kept without their text.
"""
from __future__ import annotations

import io
import zipfile
from typing import Any

from crawler.pdftext import PdfError, pdf_text

#: Attachment extensions the column and gov.cn spiders download for their text.
TEXT_EXTS = (".pdf", ".docx", ".doc", ".wps", ".xlsx", ".xls")
#: At most this many spreadsheet rows per sheet are read (a table, not a database dump).
MAX_ROWS = 2_000
_OLE = b"\xd0\xcf\x11\xe0"


class AttachmentError(PdfError):
    """The bytes are not a readable attachment (or hold no text)."""


def attachment_text(data: bytes, *, truncated: dict[str, Any] | None = None) -> str:
    """Plain text of a PDF, DOCX or XLSX file (chosen by its content, not its name).

    ``truncated`` receives what a PDF's caps cut (see :func:`crawler.pdftext.pdf_text`).
    """
    if data.lstrip()[:5].startswith(b"%PDF"):
        return pdf_text(data, truncated=truncated)
    if data.startswith(_OLE):
        raise AttachmentError("old binary Office/WPS file (.doc/.wps/.xls): no text reader")
    if not data.startswith(b"PK"):
        raise AttachmentError("not a PDF, DOCX or XLSX file")
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile as exc:
        raise AttachmentError(f"unreadable Office file: {exc}") from None
    if "word/document.xml" in names:
        text = docx_text(data)
    elif "xl/workbook.xml" in names:
        text = xlsx_text(data)
    else:
        raise AttachmentError("a ZIP file that is neither DOCX nor XLSX")
    if not text.strip():
        raise AttachmentError("the attachment has no text")
    return text


def docx_text(data: bytes) -> str:
    """Paragraphs of a DOCX (blank-line separated), then its tables as rows of cells."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise AttachmentError(f"unreadable DOCX: {exc}") from None
    paragraphs = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    rows = [" | ".join(cell.text.strip() for cell in row.cells) for table in document.tables for row in table.rows]
    return "\n\n".join(paragraphs + ([("\n".join(rows))] if rows else []))


def xlsx_text(data: bytes) -> str:
    """Each sheet as its name, then one line per non-empty row (cells joined with `` | ``)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        raise AttachmentError(f"unreadable XLSX: {exc}") from None
    sheets = []
    for sheet in book.worksheets:
        lines = []
        for row in sheet.iter_rows(max_row=MAX_ROWS, values_only=True):
            cells = ["" if value is None else _cell(value) for value in row]
            if any(cells):
                lines.append(" | ".join(cells).rstrip(" |"))
        if lines:
            sheets.append("\n".join([sheet.title, *lines]))
    book.close()
    return "\n\n".join(sheets)


def _cell(value: object) -> str:
    """A cell as text: whole floats without ``.0`` (5000.0 → 5000)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
