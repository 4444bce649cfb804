"""The planted-edit corpus: each planted edit is found, nothing else is, the relation is right.

Cases are built in tests/fixtures/diff/corpus.py from the tracked plan (the seed's body).
"""
from __future__ import annotations

import pytest

from diffing import compare, parse
from tests.fixtures.diff.corpus import ADDED, PLAN, PLAN_TITLE, SEED, SWAP_A, SWAP_B, Case, cases

CASES = {case.name: case for case in cases()}


@pytest.fixture(scope="module")
def results() -> dict:
    return {name: compare(PLAN, case.doc, plan_title=PLAN_TITLE) for name, case in CASES.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_relation_is_right(name: str, results: dict) -> None:
    assert results[name].relation == CASES[name].relation


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if not c.any_moves])
def test_exactly_the_planted_changes_are_reported(name: str, results: dict) -> None:
    case: Case = CASES[name]
    got = results[name].changes
    assert [(c.kind, c.section) for c in got] == [(e.kind, e.section) for e in case.changes]
    for change, expected in zip(got, case.changes, strict=True):
        assert expected.plan_has in (change.plan_text or "")
        assert expected.doc_has in (change.doc_text or "")


@pytest.mark.parametrize("name", list(CASES))
def test_exactly_the_planted_figures_are_reported(name: str, results: dict) -> None:
    got = [(f.kind, f.plan, f.doc) for f in results[name].figures]
    assert got == CASES[name].figures


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.inline])
def test_inline_diff_shows_the_edit_as_whole_words(name: str, results: dict) -> None:
    (change,) = results[name].changes
    edits = [seg for seg in change.inline if seg[0] != "equal"]
    assert edits == CASES[name].inline


def test_swapped_clauses_are_one_move_not_delete_and_insert(results: dict) -> None:
    (change,) = results["swapped"].changes
    assert change.kind == "moved" and change.section == "三、（五）"
    assert change.doc_text in (SWAP_A, SWAP_B) and change.plan_text == change.doc_text


def test_moved_section_is_reported_as_moves_only(results: dict) -> None:
    changes = results["section_moved"].changes
    assert changes and {c.kind for c in changes} == {"moved"}
    sections = {c.section for c in changes}
    assert sections == {"三、", "三、（四）", "三、（五）", "三、（六）"}
    assert results["section_moved"].coverage == 1.0


def test_added_clause_keeps_its_text_and_figures(results: dict) -> None:
    (change,) = results["clause_added"].changes
    assert change.doc_text == ADDED and change.plan_text is None


def test_formatting_only_document_gives_no_change_at_all(results: dict) -> None:
    cmp = results["formatting_only"]
    assert cmp.changes == [] and cmp.figures == [] and cmp.outside == []
    assert cmp.coverage == 1.0 and cmp.priority == "low"


def test_repost_lead_and_footer_are_outside_the_plan_not_changes(results: dict) -> None:
    cmp = results["seed_repost"]
    assert cmp.changes == [] and cmp.coverage == 1.0
    lead, footer = cmp.outside
    assert "近日，工业和信息化部印发" in lead and "《行动方案》提出，到2028年，我国" in lead
    assert footer.startswith("文章参考来源") and "关于赛博研究院" in footer
    assert "人工智能是引领新一轮科技革命" not in "".join(cmp.outside)


def test_faithful_reposts_share_a_fingerprint_whatever_their_lead(results: dict) -> None:
    other = compare(PLAN, "转载说明：本文转自工信部网站。\n\n" + PLAN + "\n\n（来源：某公众号）", plan_title=PLAN_TITLE)
    assert other.relation == "repost"
    assert other.fingerprint() == results["seed_repost"].fingerprint()
    assert results["seed_altered"].fingerprint() != results["seed_repost"].fingerprint()


def test_interpretation_quotes_are_found_among_commentary(results: dict) -> None:
    cmp = results["interpretation"]
    assert cmp.changes == [] and 0 < cmp.coverage < 0.2
    quoted = [row for row in cmp.rows if row.kind == "equal"]
    assert any("不少于50000家企业" in row.doc_text for row in quoted)
    assert any("开源社区" in row.doc_text for row in quoted)


def test_unrelated_notice_reports_nothing(results: dict) -> None:
    cmp = results["unrelated"]
    assert cmp.changes == [] and cmp.figures == [] and cmp.priority == "none"
    assert cmp.coverage < 0.05


@pytest.mark.parametrize(("name", "priority"), [
    ("identical", "low"), ("seed_repost", "low"), ("excerpt", "normal"), ("interpretation", "normal"),
    ("figure_changed", "high"), ("seed_altered", "high"), ("unrelated", "none"),
])
def test_priority_follows_what_changed(name: str, priority: str, results: dict) -> None:
    assert results[name].priority == priority


def test_seed_against_itself_is_identical() -> None:
    cmp = compare(SEED, SEED)
    assert cmp.relation == "identical" and cmp.changes == []


def test_a_duplicated_paragraph_is_repeated_text_not_an_addition() -> None:
    paragraphs = PLAN.split("\n\n")
    doubled = "\n\n".join(paragraphs[:8] + [paragraphs[7]] + paragraphs[8:])
    cmp = compare(PLAN, doubled)
    assert cmp.relation == "repost" and cmp.changes == []
    assert [row.kind for row in cmp.rows].count("repeated") == len(parse(paragraphs[7]).clauses)


def test_an_excerpt_may_carry_its_parts_in_another_order() -> None:
    paragraphs = PLAN.split("\n\n")
    two = [p for p in paragraphs if p.startswith(("（一）", "（二）"))]
    four = [p for p in paragraphs if p.startswith("（四）")]
    cmp = compare(PLAN, "\n\n".join(four + two))
    assert cmp.relation == "excerpt" and cmp.changes == []


def test_a_sentence_dropped_from_an_excerpt_is_a_removal() -> None:
    from tests.fixtures.diff.corpus import REMOVED, excerpt_section_two, replace_once

    cmp = compare(PLAN, replace_once(excerpt_section_two(), REMOVED, ""))
    assert cmp.relation == "excerpt" and cmp.priority == "high"  # a changed quote, not an altered repost
    assert [(c.kind, c.section, c.plan_text) for c in cmp.changes] == [("removed", "二、（三）", REMOVED)]


@pytest.mark.parametrize(("old", "new", "inserted"), [
    ("提升工业APP开发效率和系统集成能力。探索依托", "提升工业APP开发效率和系统集成能力，并探索依托", "，并"),
    ("推动平台底层架构、数据协议与人工智能适配兼容，深化", "推动平台底层架构、数据协议与人工智能适配兼容。同时要深化", "。同时要"),
])
def test_sentences_joined_or_split_while_edited_are_one_change(old: str, new: str, inserted: str) -> None:
    from tests.fixtures.diff.corpus import replace_once

    (change,) = compare(PLAN, replace_once(PLAN, old, new)).changes
    assert change.kind == "changed" and change.section == "二、（二）"
    assert ("insert", inserted) in change.inline
