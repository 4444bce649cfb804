"""The one clock: what the archive stamps is what store.clock says, and a test moves it."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawler.freshness import iso_now
from crawler.lifecycle import today
from crawler.normalise import finish
from store import clock as store_clock
from store.clock import Clock, ManualClock, using
from store.model import Document


def test_the_archive_stamps_runs_and_versions_by_the_installed_clock(archive, clock):
    start = clock.now()
    run = archive.start_run("miit-zcjd")
    clock.advance(minutes=5)
    archive.finish_run(run, {"pages": 1}, [])
    archive.save(finish(Document(kind="miit", url="https://www.miit.gov.cn/a/1.html", title="通知", body="正文。")))
    (stored,) = archive.runs()
    assert datetime.fromisoformat(stored["started_at"]) == start
    assert (datetime.fromisoformat(stored["finished_at"]) - start).total_seconds() == 300
    (document,) = archive.documents()
    assert datetime.fromisoformat(document["first_seen"]) == clock.now()


def test_the_crawler_reads_the_same_clock():
    with using(ManualClock(datetime(2026, 1, 7, 20, 30, 15, 999, tzinfo=UTC))):
        assert iso_now() == "2026-01-07T20:30:15+00:00"  # a page's fetched_at
        assert today() == date(2026, 1, 8)  # already the 8th in China (deadlines count from there)


def test_a_manual_clock_only_moves_forward_and_the_real_one_comes_back():
    manual = ManualClock(datetime(2026, 1, 7, 12, 0, tzinfo=UTC))
    with using(manual):
        assert store_clock.now() == datetime(2026, 1, 7, 12, 0, tzinfo=UTC)
        assert manual.advance(hours=1) == datetime(2026, 1, 7, 13, 0, tzinfo=UTC) == store_clock.now()
        with pytest.raises(ValueError, match="only moves forward"):
            manual.advance(-1)
    assert type(store_clock.current()) is Clock
    assert abs((store_clock.now() - datetime.now(UTC)).total_seconds()) < 60
