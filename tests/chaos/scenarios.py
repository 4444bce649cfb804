"""The two end-to-end scenarios, shared by the short (``make test``) and long (``make chaos``) tests.

* :func:`fault_scenario` — crawl the misbehaving site until it converges; nothing killed.
* :func:`crash_scenario` — the same, but ``policywatch run --once`` is SIGKILLed at seeded
  random moments ``kills`` times, restarted each time, and checked after every kill.

Both compare the archive with a *reference*: the same site crawled with no faults at all,
whose alerts are the ones that should exist.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.chaos.harness import World
from tests.chaos.invariants import Report, alert_group_keys, check, connect
from tests.chaos.misbehaving_site import MisbehavingSite
from tests.chaos.receiver import Receiver

#: Runs allowed after the last fault/kill for retries to finish (faults stop after 2 attempts per URL).
CONVERGE_RUNS = 5


@dataclass
class Outcome:
    """What a scenario measured: the final report, and the figures for the reliability table."""

    report: Report
    figures: dict[str, Any] = field(default_factory=dict)
    mid_run_violations: list[str] = field(default_factory=list)
    log: str = ""
    stored: bytes = b""


_REFERENCES: dict[tuple[int, int], tuple[set[str], float]] = {}


def reference(directory: Path, *, seed: int, articles: int) -> tuple[set[str], float]:
    """Group keys of the alerts a fault-free crawl raises, and how long a run takes (cached per site)."""
    if (seed, articles) not in _REFERENCES:
        _REFERENCES[seed, articles] = _reference(directory, seed=seed, articles=articles)
    keys, seconds = _REFERENCES[seed, articles]
    return set(keys), seconds


def _reference(directory: Path, *, seed: int, articles: int) -> tuple[set[str], float]:
    directory.mkdir(parents=True, exist_ok=True)
    with MisbehavingSite(seed=seed, articles=articles, rate=0) as site:
        world = World(directory, feed_url=site.feed_url, miit_url=site.miit_url, hook_url=None)
        outcome = world.run_once()
        keys = set(alert_group_keys(world.db))
        report = check(world.db, site.expected(), keys)
    assert not report.violations, f"the fault-free reference crawl is already wrong: {report.violations}"
    return keys, outcome.seconds


def converge(world: World, site: MisbehavingSite, expected_alerts: set[str], receiver: Receiver) -> tuple[Report, int]:
    """Run to completion until every promise holds (or CONVERGE_RUNS runs); the last report and runs used."""
    report = Report()
    for runs in range(1, CONVERGE_RUNS + 1):
        outcome = world.run_once()
        assert not outcome.killed and outcome.returncode in (0, 1), f"run --once exited {outcome.returncode}"
        report = check(world.db, site.expected(), expected_alerts, receiver)
        if not report.violations:
            return report, runs
        time.sleep(1.0)  # let failed deliveries and expired leases come due
    return report, CONVERGE_RUNS


def fault_scenario(directory: Path, *, seed: int, articles: int, rate: float) -> Outcome:
    """Faults only: crawl and deliver until converged."""
    expected_alerts, _ = reference(directory / "reference", seed=seed, articles=articles)
    with MisbehavingSite(seed=seed, articles=articles, rate=rate) as site, \
            Receiver(seed=seed, fail_rate=0.25) as receiver:
        world = World(directory, feed_url=site.feed_url, miit_url=site.miit_url, hook_url=receiver.url)
        report, runs = converge(world, site, expected_alerts, receiver)
        figures = _figures(site, receiver, report, runs_to_converge=runs)
    return Outcome(report, figures, log=_log(world), stored=_stored(world))


def crash_scenario(directory: Path, *, seed: int, articles: int, kills: int, rate: float) -> Outcome:
    """SIGKILL ``run --once`` until ``kills`` runs died mid-way, checking the archive after each.

    The feed grows by a few articles before every run, so each restart has new work to be
    killed in; a run that finished before its kill moment counts as completed, not killed.
    """
    expected_alerts, seconds = reference(directory / "reference", seed=seed, articles=articles)
    rng = random.Random(seed)
    mid_run: list[str] = []
    landed = completed = 0
    with MisbehavingSite(seed=seed, articles=articles, rate=rate) as site, \
            Receiver(seed=seed, fail_rate=0.2) as receiver:
        world = World(directory, feed_url=site.feed_url, miit_url=site.miit_url, hook_url=receiver.url)
        world.last_run_seconds = seconds
        step = max(1, articles // kills)
        while landed < kills and landed + completed < 3 * kills:
            site.publish(step * (landed + completed + 1))
            outcome = world.run_once(kill_after=world.kill_moment(rng))
            landed += outcome.killed
            completed += not outcome.killed
            mid_run += [f"after kill {landed}: {v}" for v in _after_kill(world, receiver)]
        site.publish(articles)
        report, runs = converge(world, site, expected_alerts, receiver)
        figures = _figures(site, receiver, report, runs_to_converge=runs, kills_attempted=landed + completed,
                           runs_killed=landed, runs_completed=completed, mid_run_violations=len(mid_run))
    return Outcome(report, figures, mid_run, _log(world), _stored(world))


def crash_point_scenario(directory: Path, *, target: str, nth: int, seed: int = 5, articles: int = 6) -> Outcome:
    """Kill the first run exactly at the ``nth`` call of ``target``, then restart until converged."""
    expected_alerts, _ = reference(directory / "reference", seed=seed, articles=articles)
    with MisbehavingSite(seed=seed, articles=articles, rate=0) as site, Receiver(seed=seed) as receiver:
        world = World(directory, feed_url=site.feed_url, miit_url=site.miit_url, hook_url=receiver.url)
        outcome = world.run_once(crash_at=(target, nth))
        mid_run = [f"after the kill at {target}#{nth}: {v}" for v in _after_kill(world, receiver)]
        time.sleep(2.2)  # the dead deliverer's lease (2 s) runs out
        report, runs = converge(world, site, expected_alerts, receiver)
        figures = _figures(site, receiver, report, crash_point=f"{target}#{nth}", runs_killed=int(outcome.killed),
                           runs_to_converge=runs, mid_run_violations=len(mid_run))
    return Outcome(report, figures, mid_run, _log(world), _stored(world))


def _after_kill(world: World, receiver: Receiver) -> list[str]:
    """The promises that must hold at any moment, even right after a SIGKILL."""
    problems = []
    with connect(world.db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        twice = conn.execute("SELECT count(*) FROM (SELECT 1 FROM versions GROUP BY document_id, content_hash"
                             " HAVING count(*) > 1)").fetchone()[0]
        if twice:
            problems.append(f"{twice} version(s) stored twice")
        groups = conn.execute("SELECT count(*) - count(DISTINCT group_key) FROM alerts").fetchone()[0]
        if groups:
            problems.append(f"{groups} alert group(s) raised twice")
    rekeyed = [a for a, keys in receiver.keys_by_alert().items() if len(keys) > 1]
    if rekeyed:
        problems.append(f"alerts {rekeyed} delivered under two idempotency keys")
    return problems


def _log(world: World) -> str:
    return world.log.read_text(encoding="utf-8", errors="replace")


def _stored(world: World) -> bytes:
    """The archive file with its WAL and shared memory, as bytes (for the secret grep)."""
    return b"".join(path.read_bytes() for path in world.directory.glob(f"{world.db.name}*"))


def _figures(site: MisbehavingSite, receiver: Receiver, report: Report, **extra: Any) -> dict[str, Any]:
    return {
        **report.figures(), **extra,
        "faults": dict(site.faults), "quirks": dict(site.quirks_served),
        "webhook_refusals": receiver.refused, "deliveries": len(receiver.deliveries),
        "violations": report.violations,
    }
