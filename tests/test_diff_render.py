"""Renderers: terminal text, Markdown, self-contained escaped HTML, JSON and side-by-side rows."""
from __future__ import annotations

import json
import re

from diffing import compare
from diffing.render import render_html, render_json, render_markdown, render_text, side_by_side
from tests.fixtures.diff.corpus import PLAN, PLAN_TITLE, move_section_three, replace_once

HOSTILE = replace_once(PLAN, "提升数据实时处理能力。",
                       "提升数据实时处理能力。<script>alert('x')</script>须加强&防护 | *重点*。")
ALTERED = replace_once(replace_once(PLAN, "不少于50000家", "不少于60000家"),
                       "鼓励工业企业加快信息模型应用", "要求工业企业加快信息模型应用")


def test_html_escapes_all_page_text_and_loads_nothing() -> None:
    page = render_html(compare(PLAN, HOSTILE), plan_title="<i>plan</i>", doc_title="doc & co")
    assert "<script" not in page and "<i>plan" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;i&gt;plan&lt;/i&gt;" in page and "doc &amp; co" in page
    assert not re.search(r"(src|href)=|<link|@import|url\(", page)


def test_html_puts_figures_on_top_and_marks_edits() -> None:
    page = render_html(compare(PLAN, ALTERED, plan_title=PLAN_TITLE, doc_title="修订稿"))
    assert page.index("<table class=\"figures\">") < page.index("<table class=\"sbs\">")
    assert "<del>50000</del>" in page and "<ins>60000</ins>" in page
    assert "<del>鼓励</del>" in page and "<ins>要求</ins>" in page
    assert "修订稿" in page and PLAN_TITLE in page


def test_text_uses_word_diff_marks_and_colour_only_when_asked() -> None:
    cmp = compare(PLAN, ALTERED)
    plain, coloured = render_text(cmp, color=False), render_text(cmp, color=True)
    assert "[-50000-]{+60000+}" in plain and "[-鼓励-]{+要求+}" in plain
    assert "\x1b[" not in plain and "\x1b[31" in coloured and "\x1b[32" in coloured
    assert "不少于50000家 → 不少于60000家" in plain


def test_markdown_escapes_markup_in_page_text() -> None:
    report = render_markdown(compare(PLAN, HOSTILE))
    assert "\\|" in report and "\\*重点\\*" in report and "\\<script\\>" in report
    assert "**added**" in report


def test_json_is_the_contract_plus_rows() -> None:
    data = json.loads(render_json(compare(PLAN, ALTERED, plan_title=PLAN_TITLE)))
    assert {"relation", "similarity", "coverage", "changes", "figures", "priority", "fingerprint"} <= data.keys()
    assert all({"kind", "section", "plan_text", "doc_text"} <= c.keys() for c in data["changes"])
    assert all({"context", "plan", "doc"} <= f.keys() for f in data["figures"])
    assert data["rows"] == side_by_side(compare(PLAN, ALTERED, plan_title=PLAN_TITLE))


def test_side_by_side_rows_cover_the_document_in_order() -> None:
    rows = side_by_side(compare(PLAN, ALTERED))
    assert json.loads(json.dumps(rows, ensure_ascii=False)) == rows
    doc_ids = [j for row in rows for j in row["doc_ids"]]
    assert doc_ids == sorted(doc_ids)
    assert [row["kind"] for row in rows].count("changed") == 2


def test_a_moved_section_reads_as_one_move_with_its_new_place() -> None:
    cmp = compare(PLAN, move_section_three())
    text, markdown = render_text(cmp), render_markdown(cmp)
    assert "17 clauses moved together, now after 五、（十一）" in text
    assert text.count("moved") == 3  # the counts line, the run's head line, its "moved together"
    assert "17 clauses together, now after 五、（十一）" in markdown and markdown.count("**moved**") == 1
