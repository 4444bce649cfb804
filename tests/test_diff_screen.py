"""Screening one document against many tracked plans keeps the plans it relates to."""
from __future__ import annotations

from diffing import PlanIndex, compare, screen
from tests.fixtures.diff.corpus import PLAN, PLAN_TITLE, UNRELATED, cases

ENERGY_TITLE = "工业和信息化部办公厅关于开展2026年度重点用能行业能效“领跑者”遴选工作的通知"


def _indexes() -> list[PlanIndex]:
    return [PlanIndex.build("ai-industrial-internet", PLAN, PLAN_TITLE),
            PlanIndex.build("energy-leaders", UNRELATED, ENERGY_TITLE)]


def test_every_related_document_is_kept_and_the_unrelated_plan_dropped() -> None:
    indexes = _indexes()
    for case in cases():
        names = [hit.name for hit in screen(indexes, case.doc)]
        related = compare(PLAN, case.doc).relation != "unrelated"
        assert ("ai-industrial-internet" in names) == related, case.name
        if case.name != "unrelated":
            assert "energy-leaders" not in names, case.name


def test_shares_tell_repost_excerpt_and_interpretation_apart() -> None:
    by_case = {case.name: screen(_indexes()[:1], case.doc) for case in cases()}
    (repost,) = by_case["seed_repost"]
    (excerpt,) = by_case["excerpt"]
    (commentary,) = by_case["interpretation"]
    assert repost.plan_share > 0.95 and repost.doc_share < 0.9
    assert excerpt.doc_share > 0.95 and excerpt.plan_share < 0.4
    assert commentary.plan_share < 0.15 and commentary.cites_title


def test_formatting_does_not_lower_the_shares() -> None:
    formatted = next(c.doc for c in cases() if c.name == "formatting_only")
    (hit,) = screen(_indexes()[:1], formatted)
    assert hit.plan_share == 1.0 and hit.doc_share == 1.0


def test_empty_document_and_empty_plan_list() -> None:
    assert screen(_indexes(), "") == []
    assert screen([], PLAN) == []
