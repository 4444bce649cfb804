"""The 修改前后对照表 as a Word file: A4 landscape, title block, a table 原文 | 修改后 | 说明.

Deleted text is struck through and inserted text bold and underlined inside the
cells, as analysts mark a 对照表 by hand. Every run names SimSun (宋体) for East
Asian text, and the font table lists Noto CJK as SimSun's alternative, so Word
uses 宋体 and LibreOffice on Linux a Noto CJK font. The header row repeats on
every page.
"""
from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from policywatch.exports.table import (
    CJK_FALLBACKS,
    CJK_FONT,
    DELETE,
    HEADERS,
    INSERT,
    TITLE,
    ComparisonTable,
    Segment,
)

#: Column widths in mm on A4 landscape (297 mm wide, 15 mm margins).
WIDTHS_MM = (112, 112, 43)


def docx_bytes(table: ComparisonTable) -> bytes:
    """The .docx file of a 对照表."""
    document = Document()
    _page_setup(document)
    _fonts(document)
    heading = document.add_paragraph()
    _run(heading, TITLE, size=16, bold=True)
    for label, value in table.title_lines():
        paragraph = document.add_paragraph()
        _run(paragraph, f"{label}：", bold=True)
        _run(paragraph, value)
    grid = document.add_table(rows=1, cols=len(HEADERS))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(grid.rows[0].cells, HEADERS, strict=True):
        _run(cell.paragraphs[0], header, bold=True)
    _repeat_header(grid)
    for row in table.rows:
        cells = grid.add_row().cells
        _segments(cells[0].paragraphs[0], row.old)
        _segments(cells[1].paragraphs[0], row.new)
        _run(cells[2].paragraphs[0], row.note)
    _widths(grid)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document: DocxDocument) -> None:
    """A4 landscape with 15 mm margins."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))


def _fonts(document: DocxDocument) -> None:
    """SimSun for every style's text (East Asian and Latin), Noto CJK named as its alternative."""
    style = document.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(10.5)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), CJK_FONT)
    for part in document.part.package.iter_parts():
        if str(part.partname).endswith("/fontTable.xml"):
            _add_alternative(part)


def _add_alternative(part: object) -> None:
    """Declare SimSun in the font table with Noto CJK as its alternative name."""
    root = etree.fromstring(part.blob)  # type: ignore[attr-defined]
    font = etree.SubElement(root, qn("w:font"), {qn("w:name"): CJK_FONT})
    etree.SubElement(font, qn("w:altName"), {qn("w:val"): ",".join(CJK_FALLBACKS)})
    etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})
    etree.SubElement(font, qn("w:family"), {qn("w:val"): "roman"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)  # type: ignore[attr-defined]


def _run(paragraph: Paragraph, text: str, *, size: float | None = None, bold: bool = False,
         strike: bool = False, underline: bool = False) -> None:
    """Add a run naming SimSun for its East Asian text."""
    run = paragraph.add_run(text)
    run.font.name = CJK_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    run.font.bold = bold or None
    run.font.strike = strike or None
    run.font.underline = underline or None
    if size:
        run.font.size = Pt(size)


def _segments(paragraph: Paragraph, segments: tuple[Segment, ...]) -> None:
    """Cell text with deletions struck through and insertions bold + underlined."""
    for segment in segments:
        _run(paragraph, segment.text, strike=segment.op == DELETE,
             bold=segment.op == INSERT, underline=segment.op == INSERT)


def _repeat_header(grid: Table) -> None:
    """Mark the first row as a header row repeated on each page."""
    properties = grid.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _widths(grid: Table) -> None:
    """Fixed column widths (Word reads the cells' widths, LibreOffice the grid's)."""
    grid.autofit = False
    for column, width in zip(grid.columns, WIDTHS_MM, strict=True):
        column.width = Mm(width)
        cell: _Cell
        for cell in column.cells:
            cell.width = Mm(width)
