"""Revisions and deletions under faults and kills: nothing lost, nothing twice.

The misbehaving site is crawled until it converges; then one article's figure is revised
and another article is deleted, and ``policywatch run --once`` is SIGKILLed at seeded
moments while it handles them (the changed pages fail at first, like every page of that
site). Once runs complete: exactly one ``revised`` alert naming the new figure and one
``status`` alert (ok → deleted) exist, each reached the webhook once under one key, every
invariant of the other chaos scenarios still holds, and a further run alerts nothing.
"""
from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.chaos.harness import World
from tests.chaos.invariants import Report, alert_group_keys, connect
from tests.chaos.misbehaving_site import MisbehavingSite
from tests.chaos.receiver import Receiver
from tests.chaos.results import record
from tests.chaos.scenarios import _after_kill, converge, reference

#: Quirks that keep an article at its feed link (a redirect chain would move the deleted page).
SIMPLE_QUIRKS = ("plain", "slow_drip", "malformed_html", "large_page", "gbk_lying_header", "wrong_content_type")


def _own_change_alerts(db: Path) -> dict[str, list[dict[str, Any]]]:
    """The revised and status alerts, with their summaries."""
    found: dict[str, list[dict[str, Any]]] = {"revised": [], "status": []}
    with connect(db) as conn:
        conn.row_factory = sqlite3.Row
        for row in conn.execute("SELECT id, kind, group_key, summary FROM alerts WHERE kind IN ('revised', 'status')"):
            found[row["kind"]].append({**dict(row), "summary": json.loads(row["summary"])})
    return found


def _keys_about(db: Path, slugs: tuple[str, ...]) -> set[str]:
    """Group keys of every alert about the changed articles (a revision is also compared with the plan)."""
    with connect(db) as conn:
        return {row[0] for slug in slugs for row in conn.execute(
            "SELECT DISTINCT a.group_key FROM alerts a JOIN documents d ON d.id = a.document_id"
            " WHERE d.url LIKE ?", (f"%/s/{slug}",))}


def watch_scenario(directory: Path, *, seed: int, articles: int, kills: int, rate: float) -> dict[str, Any]:
    """Converge, revise one article and delete another, kill ``kills`` runs, converge again."""
    expected_alerts, _ = reference(directory / "reference", seed=seed, articles=articles)
    rng = random.Random(seed)
    mid_run: list[str] = []
    with MisbehavingSite(seed=seed, articles=articles, rate=rate) as site, \
            Receiver(seed=seed, fail_rate=0.2) as receiver:
        world = World(directory, feed_url=site.feed_url, miit_url=site.miit_url, hook_url=receiver.url)
        report, _ = converge(world, site, expected_alerts, receiver)
        assert not report.violations, report.violations
        simple = [a.slug for a in site.articles if a.related and site.quirks[a.slug] in SIMPLE_QUIRKS]
        revised_slug, removed_slug = simple[0], simple[1]
        old, new = site.revise(revised_slug)
        site.remove(removed_slug)
        landed = started = 0
        while landed < kills and started < 5 * kills:
            outcome = world.run_once(kill_after=world.kill_moment(rng))
            landed += outcome.killed
            started += 1
            mid_run += [f"after kill {landed}: {v}" for v in _after_kill(world, receiver)]
        own = set(alert_group_keys(world.db)) - expected_alerts
        report, runs = _converge_with(world, site, expected_alerts, receiver, (revised_slug, removed_slug))
        before = len(alert_group_keys(world.db))
        world.run_once()
        again = len(alert_group_keys(world.db)) - before
        changes = _own_change_alerts(world.db)
    figures = {**report.figures(), "runs_killed": landed, "kills_attempted": started, "runs_to_converge": runs,
               "revisions_made": 1, "deletions_made": 1, "revised_alerts": len(changes["revised"]),
               "status_alerts": len(changes["status"]), "alerts_after_converging": again,
               "mid_run_violations": len(mid_run), "violations": report.violations + mid_run,
               "own_change_keys_seen_mid_run": len(own), "faults": dict(site.faults),
               "webhook_refusals": receiver.refused, "deliveries": len(receiver.deliveries)}
    figures["revised_names_figures"] = any(old in (f.get("old") or "") and new in (f.get("new") or "")
                                           for a in changes["revised"] for f in a["summary"]["figures"])
    figures["status_to"] = [a["summary"]["status_to"] for a in changes["status"]]
    return figures


def _converge_with(world: World, site: MisbehavingSite, expected_alerts: set[str], receiver: Receiver,
                   slugs: tuple[str, ...]) -> tuple[Report, int]:
    """converge(), expecting also the alerts about the changed articles once they exist; (report, runs)."""
    report, total = Report(), 0
    for _ in range(3):
        changes = _own_change_alerts(world.db)
        report, runs = converge(world, site, expected_alerts | _keys_about(world.db, slugs), receiver)
        total += runs
        if not report.violations and all(changes.values()):
            break
    return report, total


def _assert_watched(figures: dict[str, Any]) -> None:
    assert figures["violations"] == [], figures["violations"]
    assert figures["revised_alerts"] == 1 and figures["revised_names_figures"], figures
    assert figures["status_alerts"] == 1 and figures["status_to"] == ["deleted"], figures
    assert figures["alerts_after_converging"] == 0
    assert figures["deliveries_duplicated"] >= 0 and figures["alerts_duplicated"] == 0


def test_a_revision_and_a_deletion_under_faults_and_kills(tmp_path):
    figures = watch_scenario(tmp_path, seed=12, articles=5, kills=1, rate=0.3)
    record("watch", "short", figures)
    _assert_watched(figures)
    assert figures["runs_killed"] == 1, "no run was killed while handling the changes"


@pytest.mark.chaos
def test_a_revision_and_a_deletion_under_many_kills(tmp_path):
    figures = watch_scenario(tmp_path, seed=20261203, articles=12, kills=8, rate=0.3)
    record("watch", "long", figures)
    _assert_watched(figures)
    assert figures["runs_killed"] >= 4
