"""Exports analysts hand on: the 修改前后对照表 (.docx, .xlsx), CSV for Excel and XLSX archive exports.

Every file is written by the real CLI or the real web app, then opened again with
python-docx / openpyxl (and rendered to PDF by LibreOffice where it is installed)
and checked cell by cell.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as WordDocument
from docx.shared import Mm
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from policywatch.cli import group
from policywatch.web import create_app
from store.archive import Archive
from store.model import Document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"
ADDED = "（新增）支持地方建设人工智能创新应用先导区，打造一批标杆项目。"
REMOVED = "面向重点产业链关键环节、典型场景，培育一批智能化解决方案供应商，有效推动大中小企业协同升级。"


@pytest.fixture(scope="module")
def altered(tmp_path_factory) -> Path:
    """The seed plan with a figure changed (50000 → 60000), a clause removed and one added."""
    text = SEED.read_text(encoding="utf-8").replace("50000", "60000").replace(REMOVED, "")
    marker = "重点企业、技术产品、公共服务等要素资源实现高效配置。"
    assert marker in text and REMOVED not in text
    path = tmp_path_factory.mktemp("exports") / "altered.txt"
    path.write_text(text.replace(marker, marker + "\n\n" + ADDED, 1), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, list(args))
    return result.exit_code, result.stdout, result.stderr


def word_table(path: Path):
    """(document, the 对照表 grid) of a written .docx."""
    document = WordDocument(str(path))
    assert len(document.tables) == 1
    return document, document.tables[0]


def runs_of(cell) -> list[tuple[str, bool, bool, bool]]:
    """(text, struck, bold, underlined) of every run in a cell."""
    return [(run.text, bool(run.font.strike), bool(run.font.bold), bool(run.font.underline))
            for paragraph in cell.paragraphs for run in paragraph.runs]


def test_diff_docx_is_a_real_duizhaobiao(tmp_path: Path, altered: Path) -> None:
    out = tmp_path / "对照表.docx"
    code, _, err = run("--db", str(tmp_path / "none.db"), "diff", str(SEED), str(altered), "--format", "docx",
                       "-o", str(out))
    assert code == 0, err
    document, grid = word_table(out)
    section = document.sections[0]
    assert section.orientation == 1 and abs(section.page_width - Mm(297)) < Mm(1)
    assert abs(section.page_height - Mm(210)) < Mm(1)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "修改前后对照表" in text and "赛博研究院" in text and "2026-01-07" in text
    assert "关系：修订（revision）" in text and "相似度：" in text
    assert [c.text for c in grid.rows[0].cells] == ["原文", "修改后", "说明"]
    assert grid.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # the header repeats on every page
    body = grid.rows[1:]
    changed = next(row for row in body if "60000" in row.cells[1].text)
    assert ("50000", True, False, False) in runs_of(changed.cells[0])
    assert ("60000", False, True, True) in runs_of(changed.cells[1])
    assert "50000" not in changed.cells[1].text and "60000" not in changed.cells[0].text
    assert changed.cells[2].text.startswith("修改") and "不少于50000家 → 不少于60000家" in changed.cells[2].text
    removed = next(row for row in body if REMOVED in row.cells[0].text)
    assert all(struck for _, struck, _, _ in runs_of(removed.cells[0])) and removed.cells[1].text == ""
    assert removed.cells[2].text.startswith("删除")
    added = next(row for row in body if ADDED in row.cells[1].text)
    assert all(bold and underlined for _, _, bold, underlined in runs_of(added.cells[1]))
    assert added.cells[0].text == "" and added.cells[2].text.startswith("新增")
    xml = document.element.xml
    assert 'w:eastAsia="SimSun"' in xml
    font_table = next(p for p in document.part.package.iter_parts() if str(p.partname).endswith("fontTable.xml"))
    assert b"Noto Serif CJK SC" in font_table.blob


def test_diff_xlsx_marks_edits_inside_cells(tmp_path: Path, altered: Path) -> None:
    out = tmp_path / "对照表.xlsx"
    code, _, err = run("diff", str(SEED), str(altered), "--format", "xlsx", "-o", str(out))
    assert code == 0, err
    sheet = load_workbook(out, rich_text=True).active
    header = next(row for row in sheet.iter_rows() if row[0].value == "原文" and row[1].value == "修改后")
    assert [c.value for c in header] == ["原文", "修改后", "说明"]
    assert sheet.freeze_panes == f"A{header[0].row + 1}" and sheet.auto_filter.ref.startswith(f"A{header[0].row}")
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.column_dimensions["A"].width >= 40
    rows = list(sheet.iter_rows(min_row=header[0].row + 1))
    changed = next(row for row in rows if "60000" in str(row[1].value))
    assert isinstance(changed[0].value, CellRichText)
    struck = [block.text for block in changed[0].value if not isinstance(block, str) and block.font.strike]
    inserted = [block.text for block in changed[1].value
                if not isinstance(block, str) and block.font.b and block.font.u == "single"]
    assert struck == ["50000"] and inserted == ["60000"]
    assert any(ADDED in str(row[1].value) for row in rows)
    assert any(REMOVED in str(row[0].value) and row[1].value in (None, "") for row in rows)


def test_binary_formats_refuse_a_terminal(tmp_path: Path, altered: Path) -> None:
    from policywatch.cli.archive_output import write_binary

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    import sys
    saved, sys.stdout = sys.stdout, Terminal()
    try:
        with pytest.raises(Exception, match="binary file: give -o FILE"):
            write_binary(b"x", None, "docx")
    finally:
        sys.stdout = saved


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="libreoffice is not installed")
def test_docx_renders_to_a_landscape_pdf_with_libreoffice(tmp_path: Path, altered: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "table.docx"
    assert run("diff", str(SEED), str(altered), "--format", "docx", "-o", str(out))[0] == 0
    profile = tmp_path / "lo-profile"
    done = subprocess.run(["libreoffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    pdf = PdfReader(str(tmp_path / "table.pdf"))
    box = pdf.pages[0].mediabox
    assert float(box.width) > float(box.height) and abs(float(box.width) - 841.9) < 2  # A4 landscape
    text = "".join(page.extract_text() for page in pdf.pages).replace(" ", "")
    assert "修改前后对照表" in text and "60000" in text and "原文" in text and "先导区" in text


@pytest.fixture
def archive_path(tmp_path: Path, altered: Path) -> Path:
    """An archive where the altered text is an altered repost of the tracked seed plan, with an alert."""
    path = tmp_path / "a.db"
    assert run("--db", str(path), "track", str(SEED), "--name", "融合赋能")[0] == 0
    code, out, err = run("--db", str(path), "add", str(altered), "--source", "manual")
    assert code == 0, err
    with Archive(path) as archive:
        archive.save(Document(kind="miit", url="https://www.miit.gov.cn/x", title="=HYPERLINK(\"http://evil\")",
                              body="=1+1 与算力无关。", content_hash="x", source="miit"))
    return path


def test_csv_export_opens_in_excel_with_the_verdict(archive_path: Path) -> None:
    result = CliRunner().invoke(group, ["--db", str(archive_path), "export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith("\ufeff".encode())  # the BOM Excel needs for UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:8] == ["id", "title", "account", "published_at", "relation", "priority", "plan", "figures"]
    repost = next(row for row in rows if "60000" in row["body"])
    assert repost["plan"] == "融合赋能" and repost["relation"] in ("altered_repost", "revision")
    assert repost["priority"] == "high" and "不少于50000家 → 不少于60000家" in repost["figures"]
    unrelated = next(row for row in rows if row["url"] == "https://www.miit.gov.cn/x")
    assert unrelated["relation"] == "" and unrelated["priority"] == ""
    assert unrelated["title"] == "'=HYPERLINK(\"http://evil\")"  # text in Excel, never a formula
    assert unrelated["body"] == "'=1+1 与算力无关。"


def test_xlsx_export_is_a_real_workbook(archive_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "documents.xlsx"
    code, _, err = run("--db", str(archive_path), "export", "--format", "xlsx", "-o", str(out))
    assert code == 0, err
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["id", "title", "account", "published_at", "relation", "priority", "plan", "figures"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}3"
    assert 10 <= sheet.column_dimensions["B"].width <= 60
    url = header.index("url") + 1
    linked = [sheet.cell(row, url) for row in (2, 3)]
    assert all(cell.hyperlink is not None and cell.hyperlink.target == cell.value for cell in linked)
    title = header.index("title") + 1
    evil = next(sheet.cell(row, title) for row in (2, 3) if str(sheet.cell(row, title).value).startswith("="))
    assert evil.data_type == "s"  # page text never becomes a formula


def test_every_diff_page_offers_the_duizhaobiao(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        comparison = archive.comparisons()[0]
    with TestClient(create_app(archive_path)) as client:
        page = client.get(f"/diff/{comparison['id']}").text
        assert "下载对照表" in page and "download=docx" in page and "download=xlsx" in page
        docx = client.get(f"/diff/{comparison['id']}", params={"download": "docx"})
        assert docx.status_code == 200 and "attachment" in docx.headers["content-disposition"]
        grid = WordDocument(io.BytesIO(docx.content)).tables[0]
        assert [c.text for c in grid.rows[0].cells] == ["原文", "修改后", "说明"]
        assert any("60000" in row.cells[1].text for row in grid.rows[1:])
        xlsx = client.get(f"/documents/{comparison['document_id']}/diff/{comparison['plan_id']}",
                          params={"download": "xlsx"})
        assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "修改前后对照表"
        assert client.get(f"/diff/{comparison['id']}", params={"download": "pdf"}).status_code == 400


@given(st.text(max_size=30))
def test_no_csv_cell_starts_a_formula_unless_it_is_a_number(text: str) -> None:
    """Whatever a page says, the CSV cell a spreadsheet opens is text or a plain number."""
    from policywatch.cli.archive_output import _cell

    cell = _cell(text)
    assert cell == "" or cell[0] not in "=+-@\t\r" or re.fullmatch(r"[-+]?\d+(\.\d+)?", cell)
    assert cell in (text, "'" + text)
