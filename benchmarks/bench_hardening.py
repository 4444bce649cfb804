"""What faults and kills cost: a crawl of the misbehaving site against a clean crawl of the same site.

Baseline: ``policywatch run --once`` over the site with no faults (one run stores
everything). Then the same site with transient faults (rate 0.5): how many runs and how
much wall time until the archive holds exactly the baseline's documents and alerts; then
with a SIGKILL in every run: the same figures. Ratios are against the baseline's time.
(``make chaos`` has the full suite and the reliability table; this is the quick figure.)
"""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from tests.chaos.harness import World
from tests.chaos.invariants import alert_group_keys, check
from tests.chaos.misbehaving_site import MisbehavingSite
from tests.chaos.receiver import Receiver

SEED = 8
ARTICLES = 10
MAX_RUNS = 8


def _until_converged(directory: Path, *, rate: float, expected: set[str], kill: bool) -> tuple[int, float, int]:
    """Runs, seconds and kills until every promise holds."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    kills = 0
    with MisbehavingSite(seed=SEED, articles=ARTICLES, rate=rate) as site, Receiver(seed=SEED) as hook:
        world = World(directory, feed_url=site.feed_url, miit_url=site.miit_url, hook_url=hook.url)
        for runs in range(1, MAX_RUNS + 1):
            outcome = world.run_once(kill_after=rng.uniform(1.5, 3.0) if kill and runs < 3 else None)
            kills += outcome.killed
            if not outcome.killed and not check(world.db, site.expected(), expected, hook).violations:
                return runs, time.perf_counter() - started, kills
            time.sleep(1.0)
    return MAX_RUNS, time.perf_counter() - started, kills


def run() -> None:
    """Print runs and seconds to a complete archive: clean, with faults, with faults and kills."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "clean").mkdir()
        started = time.perf_counter()
        with MisbehavingSite(seed=SEED, articles=ARTICLES, rate=0) as site:
            world = World(root / "clean", feed_url=site.feed_url, miit_url=site.miit_url, hook_url=None)
            world.run_once()
            expected = set(alert_group_keys(world.db))
        baseline = time.perf_counter() - started
        print(f"clean site, {ARTICLES} articles + 3 MIIT + 3 status pages: 1 run, {baseline:.1f}s "
              f"({len(expected)} alerts)")
        for index, (label, kill) in enumerate((("faults (rate 0.5)", False), ("faults + SIGKILL in runs 1-2", True))):
            directory = root / f"chaos{index}"
            directory.mkdir()
            runs, seconds, kills = _until_converged(directory, rate=0.5, expected=expected, kill=kill)
            print(f"{label:<30} {runs} runs ({kills} killed) to a complete archive: {seconds:.1f}s "
                  f"= {seconds / baseline:.1f}x the clean crawl")
