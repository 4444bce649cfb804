"""Outline and clauses of Chinese policy text, on the tracked plan and tricky variants."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from diffing.segment import clauses, outline_dicts, parse
from diffing.textnorm import fold

PLAN = (Path(__file__).parent / "fixtures" / "diff" / "plan.txt").read_text(encoding="utf-8")


def test_plan_outline_has_every_section_with_titles_and_paths() -> None:
    outline = outline_dicts(PLAN)
    paths = [h["path"] for h in outline]
    assert paths[:3] == ["一、", "二、", "二、（一）"]
    assert "五、（十一）" in paths and paths[-1] == "六、"
    assert len([h for h in outline if h["level"] == 1]) == 6
    assert len([h for h in outline if h["level"] == 2]) == 11
    first = outline[2]
    assert first == {"level": 2, "label": "（一）", "title": "加快工业网络开放智能升级", "path": "二、（一）"}


def test_run_in_heading_becomes_its_own_clause() -> None:
    found = clauses("（一）总体要求。推动不少于50000家企业改造；在20个重点行业打造数据集。")
    assert [c.text for c in found] == ["（一）总体要求。", "推动不少于50000家企业改造；", "在20个重点行业打造数据集。"]
    assert found[0].heading and found[0].key == "总体要求"


def test_half_width_labels_full_width_digits_and_bold_are_tolerated() -> None:
    text = "**一、总体要求**\n\n(一)加快升级。正文一。\n\n１、细则甲。\n\n(1)子项乙。\n\n1)子项丙。"
    outline = outline_dicts(text)
    assert [(h["level"], h["label"], h["path"]) for h in outline] == [
        (1, "一、", "一、"), (2, "（一）", "一、（一）"), (3, "1.", "一、（一）1."),
        (4, "（1）", "一、（一）1.（1）"), (4, "（1）", "一、（一）1.（1）"),
    ]
    assert outline[0]["title"] == "总体要求"


def test_heading_merged_with_the_next_item_is_split() -> None:
    outline = outline_dicts("二、基础底座升级行动（一）加快工业网络开放智能升级。面向智能装备协同生产。")
    assert [(h["path"], h["title"]) for h in outline] == [
        ("二、", "基础底座升级行动"), ("二、（一）", "加快工业网络开放智能升级")]


def test_chapters_and_articles() -> None:
    text = "第一章 总则\n\n第一条 为了规范管理，制定本办法。\n\n第二条 本办法适用于工业企业。\n\n第二章 附则\n\n第三条 本办法自发布之日起施行。"
    outline = outline_dicts(text)
    assert [(h["level"], h["path"], h["title"]) for h in outline] == [
        (1, "第一章", "总则"), (2, "第一章第一条", ""), (2, "第一章第二条", ""),
        (1, "第二章", "附则"), (2, "第二章第三条", ""),
    ]


def test_a_lead_with_its_own_numbering_does_not_nest_the_plan_under_it() -> None:
    text = "1. 编者按：以下为全文。\n\n一、总体要求\n\n（一）加快升级。"
    assert [h["path"] for h in outline_dicts(text)] == ["1.", "一、", "一、（一）"]


def test_hard_wrapped_paragraph_is_joined_into_sentences() -> None:
    wrapped = "到2028年，工业互联网与人工智能融合赋能水平显著\n提升。满足人工智能工业应用高通量、低时延、高可靠\n、低抖动通信需求。"
    keys = [c.key for c in clauses(wrapped)]
    assert keys == [fold("到2028年，工业互联网与人工智能融合赋能水平显著提升"),
                    fold("满足人工智能工业应用高通量、低时延、高可靠、低抖动通信需求")]


def test_numbers_and_dates_are_not_labels() -> None:
    assert outline_dicts("2028年前完成。\n\n1.5万家企业完成改造。\n\n5G网络覆盖。") == []


def _assert_spans_cover(text: str) -> None:
    parsed = parse(text)
    pos = 0
    for clause in parsed.clauses:
        assert clause.start >= pos
        assert fold(text[pos:clause.start]) == ""
        assert text[clause.start:clause.end] == clause.text
        pos = clause.end
    assert fold(text[pos:]) == ""


def test_plan_clauses_cover_every_character() -> None:
    _assert_spans_cover(PLAN)
    assert len(clauses(PLAN)) > 60


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(
    st.sampled_from(list("一二三十（）()、.。；！？，:：1２3\n \u3000*#第章条")),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E20)), max_size=120))
def test_every_character_belongs_to_a_clause_or_is_formatting(text: str) -> None:
    _assert_spans_cover(text)


def test_a_wrapped_line_starting_with_a_reference_is_no_article_heading():
    """PDF text wrapped so that a line starts "第三十二条规定，…" (网络安全法 2025, NPC Gazette)."""
    text = ("第三十一条　国家对关键信息基础设施实行重点保护。关键信息基础设施的具体范围和安全保护办法，依照本法\n"
            "第三十二条规定，由国务院制定。\n"
            "第三十三条　建设关键信息基础设施应当确保其具有支持业务稳定、持续运行的性能。\n")
    found = parse(text)
    assert [h.label for h in found.outline] == ["第三十一条", "第三十三条"]
    assert all(c.section != "第三十二条" for c in found.clauses)


def test_pdf_lines_wrapped_by_the_layout_are_joined_without_false_headings():
    from crawler.normalise.pdf import join_lines

    lines = ["第三十一条　国家对关键信息基础设施实行重点保护。关键信息基础设施的具体",
             "范围、安全保护办法和监督管理措施，依照本法第三十一条和本法",
             "第三十二条规定，由国务院制定。",
             "第三十三条　建设关键信息基础设施应当确保其具有支持业务稳定、持续运",
             "行的性能，并保证安全技术措施同步规划、同步建设、同步使用。"]
    assert join_lines(lines) == [lines[0] + lines[1] + lines[2], lines[3] + lines[4]]
