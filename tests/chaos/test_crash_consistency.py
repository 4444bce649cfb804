"""SIGKILL ``policywatch run --once`` at random (seeded) moments, restart, and check the archive.

After every kill: ``PRAGMA integrity_check`` is ok, no version is stored twice, no alert
group is raised twice, no alert reaches the webhook under two idempotency keys. Once a
run completes: every published article is stored once with its text, every version has
its comparison with the tracked plan, every alert a fault-free crawl raises exists once
and reached the webhook; a delivery repeated after a kill carries the same key.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.chaos import hostile
from tests.chaos.harness import HEADER_TOKEN, ROOT, WEBHOOK_SECRET
from tests.chaos.receiver import Receiver
from tests.chaos.results import record
from tests.chaos.scenarios import crash_point_scenario, crash_scenario


def _assert_consistent(outcome) -> None:
    assert outcome.mid_run_violations == [], outcome.mid_run_violations
    assert outcome.report.violations == [], outcome.report.violations
    assert outcome.report.integrity == "ok"
    assert "Traceback" not in outcome.log, outcome.log[-3000:]
    for secret in (WEBHOOK_SECRET, HEADER_TOKEN):
        assert secret not in outcome.log and secret.encode() not in outcome.stored, "a channel secret leaked"


def test_three_kills_lose_and_duplicate_nothing(tmp_path):
    outcome = crash_scenario(tmp_path, seed=41, articles=6, kills=3, rate=0.3)
    record("crash", "short", outcome.figures)
    _assert_consistent(outcome)
    assert outcome.figures["runs_killed"] >= 2, "the kills missed the runs"


@pytest.mark.chaos
def test_twenty_four_kills_lose_and_duplicate_nothing(tmp_path):
    outcome = crash_scenario(tmp_path, seed=20261125, articles=20, kills=24, rate=0.3)
    record("crash", "long", outcome.figures)
    _assert_consistent(outcome)
    assert outcome.figures["runs_killed"] >= 20


#: Every window between two writes of one page's journey, and of one delivery.
CRASH_POINTS = [
    ("store.documents:DocumentsMixin.save", 3, "before a page is stored"),
    ("store.outbox:OutboxMixin.claim_deliveries", 1, "before the outbox is read"),
    ("policywatch.channels.webhook:WebhookChannel.send", 2, "while an alert is being sent"),
    ("store.outbox:OutboxMixin.mark_delivered", 2, "after a send, before it is recorded (at-least-once)"),
    ("store.runs:RunsMixin.finish_run", 1, "before the crawl run is closed"),
    # These two lost work until ingest became one transaction (found by this suite, issue 8):
    ("store.plans:PlansMixin.save_comparison", 3, "after a version is stored, before its comparison"),
    ("store.outbox:OutboxMixin.enqueue_alert", 2, "after a comparison is stored, before its alert"),
]


@pytest.mark.chaos
@pytest.mark.parametrize(("target", "nth"), [pytest.param(target, nth, id=f"{target.rsplit('.', 1)[-1]}#{nth}")
                                             for target, nth, _ in CRASH_POINTS])
def test_a_kill_at_each_write_window_is_recovered(tmp_path, target, nth):
    outcome = crash_point_scenario(tmp_path, target=target, nth=nth)
    record(f"crashpoint-{target.rsplit('.', 1)[-1]}", "long", outcome.figures)
    assert outcome.figures["runs_killed"] == 1, "the crash point was never reached"
    _assert_consistent(outcome)


def test_a_kill_between_send_and_record_repeats_the_same_key(tmp_path):
    """The documented at-least-once window: the repeat carries the first delivery's idempotency key."""
    outcome = crash_point_scenario(tmp_path, target="store.outbox:OutboxMixin.mark_delivered", nth=2)
    record("crashpoint-mark_delivered", "short", outcome.figures)
    assert outcome.figures["runs_killed"] == 1
    _assert_consistent(outcome)
    assert outcome.figures["deliveries_duplicated"] == 1


def test_two_deliverers_at_once_never_send_an_alert_twice(tmp_path):
    """Two ``policywatch alerts send`` racing over one outbox: the delivery lease keeps them apart."""
    archive = hostile.build(tmp_path / "outbox.db")
    with Receiver(delay=0.15) as hook:
        config = tmp_path / "policywatch.toml"
        config.write_text(f'[[channel]]\nname = "hook"\nkind = "webhook"\nurl = "{hook.url}"\n', encoding="utf-8")
        command = [sys.executable, "-m", "policywatch", "--db", str(archive.path), "--config", str(config),
                   "alerts", "send"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        racers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                  for _ in range(2)]
        outputs = [racer.communicate(timeout=120) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), outputs
    assert hook.duplicates() == 0
    assert sorted(a for _, ids in hook.deliveries for a in ids) == sorted(archive.alert_ids)


def test_a_kill_between_a_version_and_its_comparison_loses_nothing(tmp_path):
    """The window this suite found unsafe: the page must be compared and alerted after the restart."""
    outcome = crash_point_scenario(tmp_path, target="store.plans:PlansMixin.save_comparison", nth=3)
    record("crashpoint-save_comparison", "short", outcome.figures)
    assert outcome.figures["runs_killed"] == 1
    _assert_consistent(outcome)
