"""The scheduler core, in-process with a stand-in crawl function (the real crawl runs in
tests/test_schedule_service.py): due-time arithmetic, --once, no overlapping runs,
sources on one host taking turns, and a graceful stop that lets a running crawl finish.

Nothing here sleeps for time to pass: the ``clock`` fixture moves the one clock the
archive and the scheduler read, a stand-in crawl lasts until the test releases it, and
the real APScheduler is made to fire a job by giving the job an explicit next-run time."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from crawler.sources import Source
from policywatch.config import parse_config
from policywatch.schedule import Service, first_run
from store.archive import Archive

NOW = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)


def _source(name="s1", every="2s", url="http://127.0.0.1:9/feed.xml", **extra):
    return Source(name=name, kind="feed", url=url, every=every, allow_private=True, **extra)


def _run(started, finished=True):
    return {"started_at": started.isoformat(), "finished_at": (started + timedelta(seconds=5)).isoformat()
            if finished else None}


@pytest.mark.parametrize(("last", "expected"), [
    (None, NOW),                                            # never ran: now
    (_run(NOW - timedelta(minutes=10), finished=False), NOW),  # died mid-run: now
    (_run(NOW - timedelta(hours=3)), NOW),                  # missed while down: once, now
    (_run(NOW - timedelta(minutes=20)), NOW + timedelta(minutes=40)),  # not due: its time
])
def test_first_run_after_start(last, expected):
    assert first_run(_source(every="1h"), last, NOW) == expected


def test_first_run_with_cron():
    source = _source(cron="0 9 * * *")
    assert first_run(source, _run(NOW - timedelta(hours=2)), NOW, "UTC") == datetime(2026, 1, 8, 9, 0, tzinfo=UTC)
    assert first_run(source, _run(NOW - timedelta(days=2)), NOW, "UTC") == NOW
    # 09:00 in Shanghai is 01:00 UTC: the run of 10:00 UTC on the 7th makes the 8th's due
    shanghai = first_run(source, _run(NOW - timedelta(hours=2)), NOW, "Asia/Shanghai")
    assert shanghai == datetime(2026, 1, 8, 1, 0, tzinfo=UTC)


class FakeCrawl:
    """Stands in for crawler.runner.crawl: writes crawl_runs and records who ran, and how many at once.

    ``gated``: each crawl lasts until the test calls :meth:`release` for its source (a crawl
    never released hangs, as a stuck site would); otherwise it returns at once.
    """

    def __init__(self, db_path: str, *, gated: bool = False) -> None:
        self.db_path = db_path
        self.gated = gated
        self.started: list[str] = []
        self.calls: list[str] = []  # finished crawls, in order
        self.active: dict[str, int] = {}
        self.max_active: dict[str, int] = {}
        self.hosts_active: dict[str, int] = {}
        self.max_host_active = 0
        self._gates: dict[str, asyncio.Semaphore] = {}

    def release(self, name: str) -> None:
        """Let one running (or the next) crawl of source ``name`` finish."""
        self._gate(name).release()

    def _gate(self, name: str) -> asyncio.Semaphore:
        return self._gates.setdefault(name, asyncio.Semaphore(0))

    async def __call__(self, sources, *, db_path, settings=None, progress=None):
        (source,) = sources
        self.active[source.name] = self.active.get(source.name, 0) + 1
        self.max_active[source.name] = max(self.max_active.get(source.name, 0), self.active[source.name])
        self.hosts_active[source.host] = self.hosts_active.get(source.host, 0) + 1
        self.max_host_active = max(self.max_host_active, self.hosts_active[source.host])
        with Archive(db_path) as archive:
            run_id = archive.start_run(source.name)
        self.started.append(source.name)
        try:
            if self.gated:
                await self._gate(source.name).acquire()
            else:
                await asyncio.sleep(0)
        finally:
            self.active[source.name] -= 1
            self.hosts_active[source.host] -= 1
        with Archive(db_path) as archive:
            archive.finish_run(run_id, {"pages": 1}, [])
        self.calls.append(source.name)
        return {"pages": 1, "new": 0, "changed": 0, "alerts": 0, "errors": 0, "error_lines": []}


async def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Wait, on the event loop, for something the service does (not for time to pass)."""
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


async def settle() -> None:
    """Give every ready task on the loop its turns (so what could start, would have)."""
    for _ in range(50):
        await asyncio.sleep(0)


def _service(tmp_path, sources, crawl, **schedule):
    config = parse_config({"schedule": {"shutdown_grace": "5s", **schedule}})
    return Service(db_path=str(tmp_path / "pw.db"), config=config, sources=sources, channels=[], crawl=crawl)


def test_once_runs_everything_on_a_fresh_archive_then_only_what_is_due(tmp_path, clock):
    crawl = FakeCrawl(str(tmp_path / "pw.db"))
    sources = [_source("a", every="1h"), _source("b", every="1h", url="http://127.0.0.2:9/"),
               _source("c", every="10m", url="http://127.0.0.3:9/")]
    assert asyncio.run(_service(tmp_path, sources, crawl).run_once()) == 0
    assert sorted(crawl.calls) == ["a", "b", "c"]
    clock.advance(minutes=9)
    asyncio.run(_service(tmp_path, sources, crawl).run_once())
    assert sorted(crawl.calls) == ["a", "b", "c"]  # nothing is due yet
    clock.advance(minutes=2)
    asyncio.run(_service(tmp_path, sources, crawl).run_once())
    assert sorted(crawl.calls) == ["a", "b", "c", "c"]  # c is due; a and b not for another 49 minutes
    clock.advance(hours=1)
    asyncio.run(_service(tmp_path, sources, crawl).run_once())
    assert sorted(crawl.calls) == ["a", "a", "b", "b", "c", "c", "c"]  # an hour on, all three


def test_a_failing_source_does_not_stop_the_others_and_once_exits_1(tmp_path):
    good = FakeCrawl(str(tmp_path / "pw.db"))

    async def crawl(sources, **kwargs):
        if sources[0].name == "bad":
            raise ConnectionError("boom")
        return await good(sources, **kwargs)

    sources = [_source("bad"), _source("good", url="http://127.0.0.2:9/")]
    assert asyncio.run(_service(tmp_path, sources, crawl).run_once()) == 1
    assert good.calls == ["good"]


def test_service_never_overlaps_a_source_and_stops_after_the_running_crawl(tmp_path, clock, caplog):
    caplog.set_level(logging.INFO, logger="policywatch.run")
    crawl = FakeCrawl(str(tmp_path / "pw.db"), gated=True)
    sources = [_source("slow", every="1h"), _source("other", every="1h", url="http://127.0.0.2:9/")]
    service = _service(tmp_path, sources, crawl)

    def fire(name: str) -> None:
        """The source's next tick falls due now: the real APScheduler decides what happens.
        (APScheduler keeps its own wall clock; the manual clock stands at or before it, so due.)"""
        assert service.scheduler is not None
        service.scheduler.modify_job(f"source:{name}", next_run_time=clock.now())

    async def scenario():
        running = asyncio.ensure_future(service.run_forever())
        await until(lambda: sorted(crawl.started) == ["other", "slow"])  # a fresh archive: both at once
        fire("slow")  # a tick while slow's first crawl still runs: skipped, not a second crawl
        await until(lambda: "slow: previous run still going; this tick skipped" in caplog.text)
        await settle()
        assert crawl.started.count("slow") == 1
        crawl.release("slow")
        crawl.release("other")
        await until(lambda: len(crawl.calls) == 2)
        fire("slow")  # its next tick, after the first run ended: a second crawl
        await until(lambda: crawl.started.count("slow") == 2)
        service.request_stop()  # while the second crawl runs
        await settle()
        assert not running.done()  # the stop waits for the running crawl…
        crawl.release("slow")
        return await asyncio.wait_for(running, 10)  # …and then returns

    assert asyncio.run(scenario()) == 0
    assert crawl.max_active == {"slow": 1, "other": 1}
    assert sorted(crawl.calls[:2]) == ["other", "slow"] and crawl.calls[2:] == ["slow"]
    assert crawl.active == {"slow": 0, "other": 0}  # the running crawl was let finish
    with Archive(tmp_path / "pw.db") as archive:
        runs = sorted((r for r in archive.runs(limit=50) if r["source"] == "slow"), key=lambda r: r["started_at"])
    assert len(runs) == 2 and all(run["finished_at"] for run in runs)
    assert runs[1]["started_at"] >= runs[0]["finished_at"]  # each run starts after the previous one ended


def test_sources_on_the_same_host_take_turns(tmp_path):
    crawl = FakeCrawl(str(tmp_path / "pw.db"), gated=True)
    sources = [_source(f"miit-{i}", url=f"http://127.0.0.1:9/col{i}/") for i in range(3)]

    async def scenario():
        running = asyncio.ensure_future(_service(tmp_path, sources, crawl).run_once())
        for turn in range(1, 4):
            await until(lambda turn=turn: len(crawl.started) == turn)
            await settle()  # the others had every chance to start
            assert len(crawl.started) == turn and crawl.max_host_active == 1
            crawl.release(crawl.started[-1])
        return await running

    assert asyncio.run(scenario()) == 0
    assert len(crawl.calls) == 3 and crawl.max_host_active == 1


def test_a_hung_crawl_is_cancelled_after_the_grace_period(tmp_path, clock):
    crawl = FakeCrawl(str(tmp_path / "pw.db"), gated=True)  # never released: a crawl that hangs
    service = _service(tmp_path, [_source("hung", every="1h")], crawl, shutdown_grace="0.2s")

    async def scenario():
        running = asyncio.ensure_future(service.run_forever())
        await until(lambda: crawl.started == ["hung"])
        started = time.monotonic()
        service.request_stop()
        return await running, time.monotonic() - started

    status, seconds = asyncio.run(scenario())
    assert status == 0 and seconds < 5  # the grace period (0.2 s), not the hung crawl (slack for load)
    assert crawl.active == {"hung": 0} and crawl.calls == []  # cancelled, never finished
    with Archive(tmp_path / "pw.db") as archive:
        (run,) = archive.runs()
    assert run["finished_at"] is None  # so the next start runs it again at once
    clock.advance(seconds=0.5)
    assert first_run(_source("hung", every="1h"), run, clock.now()) == clock.now()


def test_once_stops_on_a_signal_after_the_grace_period(tmp_path):
    crawl = FakeCrawl(str(tmp_path / "pw.db"), gated=True)
    service = _service(tmp_path, [_source("hung")], crawl, shutdown_grace="0.2s")

    async def scenario():
        running = asyncio.ensure_future(service.run_once())
        await until(lambda: crawl.started == ["hung"])
        started = time.monotonic()
        service.request_stop()
        return await running, time.monotonic() - started

    status, seconds = asyncio.run(scenario())
    assert status == 0 and seconds < 5  # the grace period, not a crawl that never ends (slack for load)
    assert crawl.active == {"hung": 0} and crawl.calls == []
