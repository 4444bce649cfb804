"""The whole pipeline against the misbehaving site: every fault kind, no kill.

After the crawls converge the archive must hold every published article once, with
its right text and title (GBK under a lying header, redirect chains, drips and
malformed HTML included), the status pages as statuses, every alert once, and the
webhook must have received each alert under one idempotency key.
"""
from __future__ import annotations

import pytest

from tests.chaos.harness import HEADER_TOKEN, WEBHOOK_SECRET
from tests.chaos.misbehaving_site import ARTICLE_FAULTS, MisbehavingSite
from tests.chaos.results import record
from tests.chaos.scenarios import fault_scenario


def _assert_clean(outcome) -> None:
    assert outcome.report.violations == [], outcome.report.violations
    assert "Traceback" not in outcome.log, outcome.log[-3000:]
    for secret in (WEBHOOK_SECRET, HEADER_TOKEN):
        assert secret not in outcome.log and secret.encode() not in outcome.stored, "a channel secret leaked"


def test_pipeline_converges_under_faults(tmp_path):
    outcome = fault_scenario(tmp_path, seed=11, articles=6, rate=0.5)
    record("faults", "short", outcome.figures)
    _assert_clean(outcome)
    assert sum(outcome.figures["faults"].values()) >= 5, "the site injected almost no faults"
    assert outcome.report.documents_stored == outcome.report.documents_expected


@pytest.mark.chaos
def test_pipeline_converges_under_heavy_faults(tmp_path):
    outcome = fault_scenario(tmp_path, seed=2026, articles=24, rate=0.7)
    record("faults", "long", outcome.figures)
    _assert_clean(outcome)
    assert len(outcome.figures["faults"]) >= 8, outcome.figures["faults"]


def test_site_is_reproducible():
    """The same seed injects the same faults for the same requests (a failing run can be replayed)."""
    def faults(seed: int) -> list[str | None]:
        with MisbehavingSite(seed=seed, articles=4, rate=0.6) as site:
            replies = [site.reply(f"/s/A0{i}", "") for i in range(4) for _ in range(2)]
        return [r if isinstance(r, str) else r.status for r in replies]

    assert faults(5) == faults(5)
    assert faults(5) != faults(6)


def test_faults_stop_after_the_allowed_attempts():
    with MisbehavingSite(seed=3, articles=2, rate=1.0, faulty_attempts=2) as site:
        replies = [site.reply("/s/A00", "") for _ in range(3)]
    assert all(isinstance(r, str) or r.status != 200 or r.body.startswith(b"<!DOCTYPE html><html><head><title>t")
               or len(r.body) > 1_000_000 for r in replies[:2])
    assert not isinstance(replies[2], str) and replies[2].status in (200, 302)
    assert set(ARTICLE_FAULTS) >= set(site.faults)
