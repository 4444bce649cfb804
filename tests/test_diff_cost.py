"""Comparison cost is bounded (issue 19): unrelated megabyte texts finish in seconds, with
a note saying the diff was coarser; growth with size stays near-linear."""
from __future__ import annotations

import gc
import re
import time
from pathlib import Path

import diffing
from benchmarks.bench_diff import big_plan
from diffing import compare
from diffing.align import mostly_unrelated
from diffing.memo import cache_sizes, clear_caches
from tests.fixtures.diff.corpus import INTERPRETATION, PLAN, UNRELATED


def cpu_seconds(plan: str, doc: str) -> tuple[float, object]:
    clear_caches()
    gc.collect()
    started = time.process_time()
    result = compare(plan, doc)
    return time.process_time() - started, result


def test_two_unrelated_megabyte_texts_compare_in_seconds_with_a_note():
    plan, doc = big_plan(1_000_000, 3), big_plan(1_000_000, 4, UNRELATED)
    spent, cmp = cpu_seconds(plan, doc)
    assert spent < 5, spent
    assert cmp.relation == "unrelated" and not cmp.changes
    assert cmp.notes and "share few sentences" in cmp.notes[0]
    assert cmp.to_dict()["notes"] == cmp.notes


def growth_ratio(small: tuple[str, str], large: tuple[str, str], pairs: int) -> float:
    """CPU time of the large comparison over the small one, measured back to back, least of ``pairs``.

    Two cold comparisons run one after the other see the same machine: a parallel suite can
    slow one sample down by 2x, but rarely both of a pair, and never every pair.
    """
    return min(cpu_seconds(*large)[0] / max(cpu_seconds(*small)[0], 0.05) for _ in range(pairs))


def test_growth_is_near_linear():
    """4x the text costs under 8x the time (a quadratic step would cost 16x)."""
    ratio = growth_ratio((big_plan(250_000, 3), big_plan(250_000, 4, UNRELATED)),
                         (big_plan(1_000_000, 3), big_plan(1_000_000, 4, UNRELATED)), pairs=3)
    assert ratio < 4 * 2, ratio


def test_a_revision_is_never_taken_for_unrelated():
    """A 5%-edited version keeps ~90% of its sentences: far above the unrelated share."""
    assert not mostly_unrelated(5000, 5000, 4500)
    assert mostly_unrelated(5000, 5000, 100)
    assert not mostly_unrelated(100, 100, 0), "small pairs always get the full alignment"


def test_small_pairs_carry_no_note():
    plan = "一、总体要求\n到2028年，培育标杆企业不少于100家。\n"
    assert compare(plan, plan.replace("100", "120")).notes == []


def test_every_cache_of_diffing_is_in_the_one_registry_and_cleared_at_once():
    """A memoised function added with a bare lru_cache would escape clear_caches (and cold timings)."""
    root = Path(diffing.__file__).parent
    bare = [p.name for p in root.glob("*.py") if p.name != "memo.py" and re.search(r"\blru_cache\b|@cache\b", p.read_text())]
    assert bare == []
    compare(PLAN, INTERPRETATION)
    assert sum(cache_sizes().values()) > 0 and "diffing.compare.prepare" in cache_sizes()
    clear_caches()
    assert set(cache_sizes().values()) == {0}
