"""Workbooks: the 修改前后对照表 and archive exports, written with openpyxl.

Both have a frozen header row, filters on it, set column widths, wrapped text and
a CJK font (SimSun). The 对照表 marks deletions struck through and insertions
bold and underlined inside the cells (rich text) and prints A4 landscape; the
archive export makes URLs clickable.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from policywatch.exports.table import CJK_FONT, DELETE, HEADERS, INSERT, TITLE, ComparisonTable, Segment

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
#: Column widths (characters) of the 对照表.
TABLE_WIDTHS = (60, 60, 30)
#: Widest column of an archive export (characters); long text wraps inside it.
MAX_WIDTH = 60
#: Longest text a cell holds (Excel's limit is 32,767 characters).
MAX_CELL = 32_000


def comparison_xlsx_bytes(table: ComparisonTable) -> bytes:
    """The .xlsx file of a 对照表: title block on top, then the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "对照表"
    sheet.append([TITLE])
    sheet["A1"].font = Font(name=CJK_FONT, bold=True, size=14)
    for label, value in table.title_lines():
        sheet.append([label, value])
        _as_text(sheet[sheet.max_row])
        sheet.cell(sheet.max_row, 1).font = Font(name=CJK_FONT, bold=True)
        sheet.cell(sheet.max_row, 2).font = Font(name=CJK_FONT)
    sheet.append([])
    sheet.append(list(HEADERS))
    header_row = sheet.max_row
    for row in table.rows:
        sheet.append([_rich(row.old), _rich(row.new), row.note])
        _as_text(sheet[sheet.max_row])
        for cell in sheet[sheet.max_row]:
            cell.alignment = WRAP
    _header(sheet, header_row, len(HEADERS))
    for index, width in enumerate(TABLE_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = f"{header_row}:{header_row}"
    return _bytes(book)


def _rich(segments: tuple[Segment, ...]) -> CellRichText | str:
    """Cell text with deletions struck through and insertions bold + underlined."""
    if not segments:
        return ""
    blocks = []
    for segment in segments:
        font = InlineFont(rFont=CJK_FONT, strike=segment.op == DELETE or None,
                          b=segment.op == INSERT or None, u="single" if segment.op == INSERT else None)
        blocks.append(TextBlock(font, segment.text))
    return CellRichText(blocks)


def rows_xlsx_bytes(fields: Sequence[str], rows: Iterable[dict[str, Any]], *, link_fields: Sequence[str] = ()) -> bytes:
    """An archive export as a workbook: one row per record, URLs in ``link_fields`` clickable."""
    book = Workbook()
    sheet = book.active
    sheet.title = "documents"
    sheet.append(list(fields))
    widths = [len(name) + 2 for name in fields]
    for row in rows:
        values = [_value(row.get(name)) for name in fields]
        sheet.append(values)
        _as_text(sheet[sheet.max_row])
        for index, (name, value) in enumerate(zip(fields, values, strict=True)):
            widths[index] = min(MAX_WIDTH, max(widths[index], _width(value)))
            if name in link_fields and isinstance(value, str) and value.startswith(("http://", "https://")):
                cell = sheet.cell(sheet.max_row, index + 1)
                cell.hyperlink = value
                cell.style = "Hyperlink"
    _header(sheet, 1, len(fields))
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return _bytes(book)


def _value(value: Any) -> Any:
    """A cell value: numbers and text as they are (text cut to Excel's limit), empty for None."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    return str(value)[:MAX_CELL]


def _as_text(cells: Iterable[Any]) -> None:
    """Page text starting with "=" stays text: a crawled page must never become a formula in Excel."""
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"


def _width(value: Any) -> int:
    """Display width of a value's first line (Chinese characters count double)."""
    line = str(value or "").split("\n", 1)[0][:MAX_WIDTH]
    return sum(2 if ord(char) > 0x2E80 else 1 for char in line) + 2


def _header(sheet: Worksheet, row: int, columns: int) -> None:
    """Bold, shaded header row; frozen below it; filters on it down to the last row."""
    for column in range(1, columns + 1):
        cell = sheet.cell(row, column)
        cell.font = Font(name=CJK_FONT, bold=True)
        cell.fill = HEADER_FILL
    sheet.freeze_panes = sheet.cell(row + 1, 1)
    sheet.auto_filter.ref = f"A{row}:{get_column_letter(columns)}{max(row, sheet.max_row)}"


def _bytes(book: Workbook) -> bytes:
    """The workbook as .xlsx bytes."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
