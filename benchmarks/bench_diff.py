"""Diff engine speed: the plan against a 5% revision and a moved section, and growth with size.

Baseline, measured in the same run on the same pairs: ``difflib.SequenceMatcher`` at
character level (what a line-less Chinese text gets from difflib). Targets: median at
most 2 ms for the revision, at least 20x faster than the baseline, moved sections
reported as moves, and growth with size below n·log n.

Times are CPU time of this process (``time.process_time``), so that the other work
on a shared machine does not inflate them; both sides are measured the same way.
Three timings for compare:

- ``stream``: the tracked plan is prepared once (``diffing.compare.prepare``: parsed,
  keyed, outline and title folded), every other cache is cleared before each run, so
  the document and everything derived from it is new to the differ;
- ``steady``: the watcher's steady state, a prepared plan compared with a stream of
  distinct 5% revisions (nothing cleared between them; each document is new);
- ``cold``: every cache cleared, the plan's preparation included.

Baselines: difflib's default (``autojunk=True``: on Chinese text it junks every
character in more than 1% of positions, which makes it fast and its output poor) and
a true character diff (``autojunk=False``); ratios are printed against both.
"""
from __future__ import annotations

import difflib
import math
import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from crawler.normalise import load
from diffing import PlanIndex, compare, screen
from diffing.compare import prepare
from diffing.memo import clear_caches
from diffing.segment import parse
from tests.fixtures.diff.corpus import PLAN, UNRELATED, move_section_three, revision

REPEATS = 41
SIZES = (3_700, 7_500, 15_000, 30_000, 60_000)
DIFFLIB_MAX = 15_000


def _median_ms(run: Callable[[], object], repeats: int, before: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(repeats):
        if before:
            before()
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def _stream_reset(plan: str) -> Callable[[], None]:
    """Forget every document, keep only the plan's preparation.

    A long-running watcher compares one tracked plan with every new document: the plan
    is prepared once. After ``clear_caches`` only ``prepare(plan)`` runs, so the caches
    hold plan-derived entries only and the measured document is new to the differ.
    """
    def reset() -> None:
        clear_caches()
        prepare(plan)
    return reset


def _steady_ms(plan: str, docs: list[str]) -> float:
    """Median over a stream of distinct documents against one prepared plan."""
    clear_caches()
    prepare(plan)
    for doc in docs[:5]:  # the process has compared a few documents before
        compare(plan, doc + "\n")
    times = []
    for doc in docs:
        started = time.process_time()
        compare(plan, doc)
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def _cold_reset() -> None:
    clear_caches()


def _difflib(a: str, b: str) -> None:
    """The baseline as a user would call it (autojunk on: frequent characters are junk)."""
    difflib.SequenceMatcher(None, a, b).get_opcodes()


def _difflib_full(a: str, b: str) -> None:
    """A true character-level diff (autojunk off: 工/业/智/能 are not thrown away)."""
    difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def big_plan(size: int, seed: int = 3, source: str = PLAN) -> str:
    """A plan of about ``size`` characters: the real plan's sections, re-worded per copy.

    Each copy shuffles the comma-separated phrases of every sentence and shifts its
    numbers, so sentences stay distinct like a long real plan's. ``source`` gives
    another text to grow the same way (the unrelated MIIT notice for unrelated pairs).
    """
    rng = random.Random(seed)
    parts: list[str] = []
    copy = 0
    size_so_far = 0
    while size_so_far < size:
        copy += 1
        text = re.sub(r"\d+", lambda m, shift=copy: str(int(m.group()) + shift), source)
        paragraphs = [_reword(p, rng, copy) for p in text.split("\n\n")]
        parts.append("\n\n".join(paragraphs))
        size_so_far += len(parts[-1]) + 2
    return "\n\n".join(parts)[:size].rsplit("。", 1)[0] + "。"


def _reword(paragraph: str, rng: random.Random, copy: int) -> str:
    sentences = re.findall(r"[^。]+。?", paragraph)
    out = []
    for sentence in sentences:
        phrases = sentence.rstrip("。").split("，")
        rng.shuffle(phrases)
        out.append("，".join(phrases) + ("。" if sentence.endswith("。") else "") if len(phrases) > 1
                   else f"第{copy}批{sentence}")
    return "".join(out)


def _pair_report(name: str, doc: str) -> tuple[float, float, float]:
    stream = _median_ms(lambda: compare(PLAN, doc), REPEATS, _stream_reset(PLAN))
    cold = _median_ms(lambda: compare(PLAN, doc), REPEATS, _cold_reset)
    base = _median_ms(lambda: _difflib(PLAN, doc), 9)
    full = _median_ms(lambda: _difflib_full(PLAN, doc), 7)
    counts = compare(PLAN, doc).counts()
    print(f"{name}: compare stream {stream:.3f} ms, cold {cold:.3f} ms | difflib default {base:.2f} ms,"
          f" autojunk off {full:.2f} ms | {counts}")
    print(f"  speed-up vs difflib default: stream {base / stream:.1f}x, cold {base / cold:.1f}x;"
          f" vs autojunk off: stream {full / stream:.1f}x, cold {full / cold:.1f}x")
    return stream, base, full


def run() -> None:
    """Print the figures and the targets they meet."""
    print(f"plan: {len(PLAN)} characters, {len(parse(PLAN).clauses)} clauses; median of {REPEATS} runs")
    rev = revision(0.05)
    moved = move_section_three()
    stream, base, full = _pair_report("revision", rev)
    steady = _steady_ms(PLAN, [revision(0.05, seed=seed) for seed in range(100, 100 + 2 * REPEATS)])
    print(f"  steady state (prepared plan, {2 * REPEATS} distinct 5% revisions): {steady:.3f} ms"
          f" ({base / steady:.1f}x difflib default, {full / steady:.1f}x autojunk off)")
    _pair_report("moved", moved)
    moves = compare(PLAN, moved).counts()
    sm = difflib.SequenceMatcher(None, PLAN, moved)
    churn = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
    print(f"moved section: compare reports {moves['moved']} moved clauses, {moves['added']} added, "
          f"{moves['removed']} removed; difflib reports {churn} characters deleted+inserted")
    print(f"target revision median <= 2 ms: {'PASS' if stream <= 2 else 'MISS'} ({stream:.3f} ms)")
    for label, ratio in (("difflib default", base / stream), ("difflib autojunk off", full / stream)):
        print(f"target >= 20x faster than {label}: {'PASS' if ratio >= 20 else 'MISS'} ({ratio:.1f}x)")
    ok_moves = moves["moved"] > 0 and moves["added"] == moves["removed"] == 0
    print(f"target moved sections reported as moves: {'PASS' if ok_moves else 'MISS'}")
    _screening(rev)
    _growth()
    _law()
    _unrelated_growth()


LAW = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "revisions" / "xingfa_2020_2023"
UNRELATED_SIZES = (61_000, 122_000, 245_000, 490_000, 1_000_000, 2_000_000, 5_000_000)


def _law() -> None:
    """刑法 (75,000 characters) against its text amended by 修正案（十二）, every cache cold."""
    old, new = (load(str(LAW / name)) for name in ("old.md", "new.md"))
    cold = _median_ms(lambda: compare(old.body, new.body), 9, _cold_reset)
    print(f"\n刑法 {len(old.body)} chars vs amended: cold {cold:.1f} ms "
          f"({'PASS' if cold <= 60 else 'MISS'} target <= 60 ms)")


def _unrelated_growth() -> None:
    """Two unrelated texts of growing size (the plan grown vs the unrelated notice grown)."""
    print("\nunrelated pairs (cold, CPU):")
    print(f"{'chars':>9} {'compare s':>10} {'us/char':>8} {'vs linear':>10}  note")
    first: tuple[int, float] | None = None
    for size in UNRELATED_SIZES:
        plan, doc = big_plan(size, 3), big_plan(size, 4, UNRELATED)
        clear_caches()
        started = time.process_time()
        cmp = compare(plan, doc)
        spent = time.process_time() - started
        first = first or (size, spent)
        linear = spent / first[1] / (size / first[0])
        print(f"{size:>9} {spent:>10.2f} {spent * 1e6 / size:>8.2f} {linear:>10.2f}  {'; '.join(cmp.notes)}")
    print(f"target two unrelated 5 MB texts < 10 s: {'PASS' if spent < 10 else 'MISS'} ({spent:.1f} s)")


def _other_plan(seed: int) -> str:
    """A plan on another subject: the unrelated MIIT notice's sentences, shuffled."""
    sentences = re.findall(r"[^。\n]+。?", UNRELATED)
    random.Random(seed).shuffle(sentences)
    return "\n\n".join(sentences)


def _screening(doc: str) -> None:
    """Screening one document against many tracked plans, against comparing with each."""
    plans = [_other_plan(n) for n in range(50)] + [PLAN]
    started = time.process_time()
    indexes = [PlanIndex.build(f"plan-{n}", body) for n, body in enumerate(plans)]
    build = (time.process_time() - started) * 1000 / len(plans)
    spent = _median_ms(lambda: screen(indexes, doc), 21)
    full = _median_ms(lambda: [compare(p, doc) for p in plans], 3, _cold_reset)
    hits = [h.name for h in screen(indexes, doc)]
    print(f"\nscreening a document against {len(plans)} plans: {spent:.2f} ms "
          f"({spent * 1000 / len(plans):.0f} us per plan; index build {build:.2f} ms per plan, once) vs "
          f"{full:.0f} ms comparing with each ({full / spent:.0f}x); hits: {', '.join(hits)}")


def _growth() -> None:
    print("\ngrowth with size (plan vs its 5% revision; stream timing):")
    print(f"{'chars':>7} {'clauses':>8} {'compare ms':>11} {'us/char':>8} {'vs n·log n':>11} {'difflib ms':>11}")
    first: tuple[int, float] | None = None
    for size in SIZES:
        plan = big_plan(size) if size > len(PLAN) + 100 else PLAN
        doc = revision(0.05, plan)
        repeats = 9 if len(plan) > 20_000 else 21
        spent = _median_ms(lambda p=plan, d=doc: compare(p, d), repeats, _stream_reset(plan))
        base = _median_ms(lambda p=plan, d=doc: _difflib(p, d), 3) if len(plan) <= DIFFLIB_MAX else float("nan")
        first = first or (len(plan), spent)
        nlogn = (len(plan) * math.log(len(plan))) / (first[0] * math.log(first[0]))
        print(f"{len(plan):>7} {len(parse(plan).clauses):>8} {spent:>11.2f} {spent * 1000 / len(plan):>8.3f}"
              f" {spent / first[1] / nlogn:>11.2f} {base:>11.1f}")
    print("(vs n·log n = time ratio to the smallest size divided by the n·log n ratio: <= 1 means"
          " growth at or below n·log n)")
