"""ScreenIndex finds what ``screen`` finds, touching only the plans a document shares passages with."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from diffing import fold, screen
from diffing.align import loose
from diffing.screen_index import Prepared, ScreenIndex, winnow
from tests.fixtures.diff.corpus import PLAN, PLAN_TITLE, UNRELATED, cases

ENERGY_TITLE = "工业和信息化部办公厅关于开展2026年度重点用能行业能效“领跑者”遴选工作的通知"
PREPARED = [Prepared.build("ai-industrial-internet", PLAN, PLAN_TITLE),
            Prepared.build("energy-leaders", UNRELATED, ENERGY_TITLE)]
PLANS = [p.plan for p in PREPARED]


def test_every_corpus_case_gets_exactly_screens_hits() -> None:
    index = ScreenIndex(PREPARED)
    for case in cases():
        assert index.screen(case.doc) == screen(PLANS, case.doc), case.name


@settings(max_examples=60)
@given(st.integers(0, len(PLAN) - 60), st.integers(60, 600), st.text(alphabet="说明背景意义关于我们，。", max_size=300))
def test_any_copied_passage_of_55_characters_is_found(start, length, commentary) -> None:
    doc = commentary + PLAN[start:start + length] + commentary
    expected = screen(PLANS, doc)
    got = ScreenIndex(PREPARED).screen(doc)
    assert [h.name for h in got if h.name == "ai-industrial-internet"] == [
        h.name for h in expected if h.name == "ai-industrial-internet"] or len("".join(
            ch for ch in PLAN[start:start + length] if ch.isalnum())) < 55
    assert all(hit in expected for hit in got), "never a hit screen would not give"


def test_boilerplate_names_no_plan_and_a_named_title_always_does() -> None:
    filler = [Prepared.build(f"filler-{n}", f"各地工业和信息化主管部门要加强组织领导，第{n}项任务按期完成。" * 3)
              for n in range(40)]
    index = ScreenIndex([*PREPARED, *filler])
    doc = "各地工业和信息化主管部门要加强组织领导，确保取得实效。"
    assert len(index.candidates(loose(fold(doc)))) < 5, "a phrase every plan uses is no reason to compare with each"
    assert [p.name for p in index.candidates(loose(fold(f"解读《{PLAN_TITLE}》")))] == ["ai-industrial-internet"]


def test_winnowing_keeps_a_fingerprint_in_every_window() -> None:
    hashes = list(range(100, 0, -1))
    kept = winnow(hashes, 10)
    assert all(any(h in kept for h in hashes[i:i + 10]) for i in range(len(hashes) - 9))
    assert winnow([3, 1], 10) == {1, 3}
