"""The scheduler core, in-process with a stand-in crawl function (the real crawl runs in
tests/test_schedule_service.py): due-time arithmetic, --once, no overlapping runs,
sources on one host taking turns, and a graceful stop that lets a running crawl finish."""
from __future__ import annotations

import asyncio
import time
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
    """Stands in for crawler.runner.crawl: records calls, concurrency, and writes crawl_runs."""

    def __init__(self, db_path, seconds=0.0):
        self.db_path = db_path
        self.seconds = seconds
        self.calls: list[tuple[str, float, float]] = []
        self.active: dict[str, int] = {}
        self.max_active: dict[str, int] = {}
        self.hosts_active: dict[str, int] = {}
        self.max_host_active = 0

    async def __call__(self, sources, *, db_path, settings=None, progress=None):
        (source,) = sources
        self.active[source.name] = self.active.get(source.name, 0) + 1
        self.max_active[source.name] = max(self.max_active.get(source.name, 0), self.active[source.name])
        self.hosts_active[source.host] = self.hosts_active.get(source.host, 0) + 1
        self.max_host_active = max(self.max_host_active, self.hosts_active[source.host])
        with Archive(db_path) as archive:
            run_id = archive.start_run(source.name)
        started = time.monotonic()
        try:
            await asyncio.sleep(self.seconds)
        finally:
            self.active[source.name] -= 1
            self.hosts_active[source.host] -= 1
        with Archive(db_path) as archive:
            archive.finish_run(run_id, {"pages": 1}, [])
        self.calls.append((source.name, started, time.monotonic()))
        return {"pages": 1, "new": 0, "changed": 0, "alerts": 0, "errors": 0, "error_lines": []}


def _service(tmp_path, sources, crawl, **schedule):
    config = parse_config({"schedule": {"shutdown_grace": "5s", **schedule}})
    return Service(db_path=str(tmp_path / "pw.db"), config=config, sources=sources, channels=[], crawl=crawl)


def test_once_runs_everything_on_a_fresh_archive_then_only_what_is_due(tmp_path):
    crawl = FakeCrawl(str(tmp_path / "pw.db"))
    sources = [_source("a", every="1h"), _source("b", every="1h", url="http://127.0.0.2:9/"),
               _source("c", every="1s", url="http://127.0.0.3:9/")]
    assert asyncio.run(_service(tmp_path, sources, crawl).run_once()) == 0
    assert sorted(c[0] for c in crawl.calls) == ["a", "b", "c"]
    time.sleep(1.1)
    asyncio.run(_service(tmp_path, sources, crawl).run_once())
    assert sorted(c[0] for c in crawl.calls) == ["a", "b", "c", "c"]  # a and b are not due for an hour


def test_a_failing_source_does_not_stop_the_others_and_once_exits_1(tmp_path):
    good = FakeCrawl(str(tmp_path / "pw.db"))

    async def crawl(sources, **kwargs):
        if sources[0].name == "bad":
            raise ConnectionError("boom")
        return await good(sources, **kwargs)

    sources = [_source("bad"), _source("good", url="http://127.0.0.2:9/")]
    assert asyncio.run(_service(tmp_path, sources, crawl).run_once()) == 1
    assert [c[0] for c in good.calls] == ["good"]


def test_service_never_overlaps_a_source_and_stops_after_the_running_crawl(tmp_path):
    crawl = FakeCrawl(str(tmp_path / "pw.db"), seconds=1.5)  # longer than the 1 s interval
    sources = [_source("slow", every="1s"), _source("other", every="1s", url="http://127.0.0.2:9/")]
    service = _service(tmp_path, sources, crawl)

    async def scenario():
        loop = asyncio.get_running_loop()
        loop.call_later(4.2, service.request_stop)
        started = time.monotonic()
        status = await service.run_forever()
        return status, time.monotonic() - started

    status, seconds = asyncio.run(scenario())
    assert status == 0
    assert crawl.max_active == {"slow": 1, "other": 1}
    runs = [c for c in crawl.calls if c[0] == "slow"]
    assert len(runs) >= 2
    for earlier, later in zip(runs, runs[1:], strict=False):
        assert later[1] >= earlier[2] - 0.01  # each run starts after the previous one ended
    assert all(active == 0 for active in crawl.active.values())  # the running crawls were let finish
    assert seconds < 4.2 + 1.5 + 4.0  # the stop waited for the running crawl, not much more (slack for load)
    with Archive(tmp_path / "pw.db") as archive:
        assert all(run["finished_at"] for run in archive.runs(limit=50))


def test_sources_on_the_same_host_take_turns(tmp_path):
    crawl = FakeCrawl(str(tmp_path / "pw.db"), seconds=0.3)
    sources = [_source(f"miit-{i}", url=f"http://127.0.0.1:9/col{i}/") for i in range(3)]
    asyncio.run(_service(tmp_path, sources, crawl).run_once())
    assert len(crawl.calls) == 3 and crawl.max_host_active == 1


def test_a_hung_crawl_is_cancelled_after_the_grace_period(tmp_path):
    crawl = FakeCrawl(str(tmp_path / "pw.db"), seconds=60)
    service = _service(tmp_path, [_source("hung", every="1s")], crawl, shutdown_grace="0.5s")

    async def scenario():
        asyncio.get_running_loop().call_later(1.0, service.request_stop)
        started = time.monotonic()
        return await service.run_forever(), time.monotonic() - started

    status, seconds = asyncio.run(scenario())
    assert status == 0 and seconds < 6  # far less than the 60 s crawl (slack for a loaded machine)
    assert crawl.active == {"hung": 0} and crawl.calls == []  # cancelled, never finished
    with Archive(tmp_path / "pw.db") as archive:
        (run,) = archive.runs()
    assert run["finished_at"] is None  # so the next start runs it again at once
    assert first_run(_source("hung", every="1s"), run, datetime.now(UTC)) <= datetime.now(UTC)


def test_once_stops_on_a_signal_after_the_grace_period(tmp_path):
    crawl = FakeCrawl(str(tmp_path / "pw.db"), seconds=60)
    service = _service(tmp_path, [_source("hung")], crawl, shutdown_grace="0.3s")

    async def scenario():
        asyncio.get_running_loop().call_later(0.5, service.request_stop)
        started = time.monotonic()
        return await service.run_once(), time.monotonic() - started

    status, seconds = asyncio.run(scenario())
    assert status == 0 and seconds < 6  # far less than the 60 s crawl (slack for a loaded machine)
    assert crawl.active == {"hung": 0}
