"""``policywatch run``: one long-running process that crawls every source on its interval.

APScheduler 3's asyncio scheduler drives Scrapy's ``AsyncCrawlerRunner`` (through
``crawler.runner.crawl``) on Twisted's asyncio reactor, all in one thread: no thread
pool for Scrapy to starve, no blocking job to hang the reactor.

- One job per source (``every`` interval or ``cron``), ``max_instances=1`` and
  ``coalesce``: a source never runs twice at once, and ticks missed while a slow run
  went on collapse into one.
- Sources on the same host take turns, so two MIIT columns never double the load on
  www.miit.gov.cn.
- Last run times live in the archive (``crawl_runs``): a run missed while the service
  was down runs once at start-up; a source that is not due waits for its time. "Now"
  is :func:`store.clock.now`, the clock the archive stamps runs with.
- Delivery (:mod:`policywatch.alerts`) runs after every crawl that enqueued alerts and
  on its own interval for retries; it runs in a worker thread so a slow SMTP server
  never stalls a crawl.
- A second ``policywatch run`` on the same archive is refused (:func:`run_lock`).
- SIGTERM/SIGINT: no new runs start, running crawls get ``shutdown_grace`` seconds to
  finish, a last delivery pass sends what they found, and the process exits 0. A
  second signal stops at once.
"""
from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.report import progress_line
from crawler.sources import Source
from policywatch.alerts import DeliveryReport, deliver
from policywatch.channels import Channel
from policywatch.config import Config
from policywatch.errors import PolicywatchError
from policywatch.redact import Redactor
from store import clock
from store.archive import Archive

log = logging.getLogger("policywatch.run")

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
#: ``crawl(sources, *, db_path, progress=None, settings=None) -> summary dict``.
CrawlFn = Callable[..., Awaitable[dict[str, Any]]]


class Service:
    """The scheduler, its crawl jobs and the delivery loop around one archive."""

    def __init__(self, *, db_path: str, config: Config, sources: Sequence[Source], channels: Sequence[Channel],
                 crawl: CrawlFn, crawl_settings: dict[str, Any] | None = None) -> None:
        self.db_path = db_path
        self.config = config
        self.sources = list(sources)
        self.channels = list(channels)
        self._crawl = crawl
        self._crawl_settings = crawl_settings
        self._stop = asyncio.Event()
        self._force = False
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._running: set[asyncio.Task[Any]] = set()
        self._delivery_lock = asyncio.Lock()
        self._delivery_queued = False
        self.failures = 0
        #: The running APScheduler (None outside :meth:`run_forever`). It keeps its own wall
        #: clock; due times computed here come from :mod:`store.clock`, and a job is run
        #: early by giving it an explicit ``next_run_time`` (what the tests do).
        self.scheduler: AsyncIOScheduler | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Run every due source once (all of them on a fresh archive), deliver, return 0/1."""
        now = clock.now()
        due = [s for s in self.sources if first_run(s, self._last_run(s.name), now, self._tz()) <= now]
        skipped = [s.name for s in self.sources if s not in due]
        if skipped:
            log.info("not due yet: %s", ", ".join(skipped))
        batch = asyncio.ensure_future(asyncio.gather(*(self._tracked(self.run_source(s)) for s in due)))
        stop = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({batch, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if self._stop.is_set():
            await self._drain()  # a signal: the grace period, then the last delivery pass
            await asyncio.wait({batch}, timeout=2)
        else:
            report = await self.deliver_now(final=True)
            log.info("done: %d of %d sources crawled (%d failed), %d alert message(s) delivered, %d failed",
                     len(due), len(self.sources), self.failures, report.sent if report else 0,
                     report.failed if report else 0)
        return 1 if self.failures else 0

    async def run_forever(self) -> int:
        """Schedule every source and the delivery loop; return 0 after a clean stop."""
        zone = {"timezone": self._tz()} if self._tz() else {}  # default: the machine's time zone
        scheduler = self.scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), **zone)
        scheduler.add_listener(_log_overlap, EVENT_JOB_MAX_INSTANCES)
        now = clock.now()
        for source in self.sources:
            self._add_job(scheduler, source, now)
        scheduler.add_job(self.deliver_now, IntervalTrigger(seconds=self.config.schedule.delivery_every),
                          id="deliver", name="deliver alerts", max_instances=1, coalesce=True,
                          misfire_grace_time=None)
        scheduler.start()
        log.info("policywatch run: %d sources, %d channels, delivery every %gs; stop with Ctrl-C or SIGTERM",
                 len(self.sources), len(self.channels), self.config.schedule.delivery_every)
        if not self.channels:
            log.warning("no channels configured: alerts stay in the outbox (policywatch alerts list)")
        await self._stop.wait()
        scheduler.pause()
        await self._drain()
        scheduler.shutdown(wait=False)
        self.scheduler = None
        return 0

    def request_stop(self) -> None:
        """First call: stop gracefully. Second call: cancel running crawls at once."""
        if self._stop.is_set():
            log.warning("second stop signal: cancelling %d running crawl(s)", len(self._running))
            self._force = True
            for task in list(self._running):
                task.cancel()
            return
        log.info("stopping: no new runs; waiting up to %gs for %d running crawl(s)",
                 self.config.schedule.shutdown_grace, len(self._running))
        self._stop.set()

    async def _drain(self) -> None:
        if self._running:
            _done, pending = await asyncio.wait(set(self._running), timeout=self.config.schedule.shutdown_grace)
            for task in pending:
                log.warning("crawl still running after %gs: cancelled", self.config.schedule.shutdown_grace)
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=2)
        if not self._force:
            await self.deliver_now(final=True)
        log.info("stopped")

    # --- jobs -----------------------------------------------------------------------------------

    def _add_job(self, scheduler: AsyncIOScheduler, source: Source, now: datetime) -> None:
        last = self._last_run(source.name)
        first = first_run(source, last, now, self._tz())
        if first <= now and last:
            log.info("%s: missed while stopped (last run %s): running now", source.name, last.get("started_at"))
        elif first > now:
            log.info("%s: next run at %s", source.name, first.isoformat(timespec="seconds"))
        trigger = (CronTrigger.from_crontab(source.cron, timezone=self._tz()) if source.cron
                   else IntervalTrigger(seconds=source.every_seconds, start_date=first))
        scheduler.add_job(self._job, trigger, args=[source], id=f"source:{source.name}", name=source.name,
                          max_instances=1, coalesce=True, misfire_grace_time=None, next_run_time=first)

    async def _job(self, source: Source) -> None:
        if self._stop.is_set():
            return
        summary = await self._tracked(self.run_source(source))
        if summary and summary.get("alerts") and not self._stop.is_set():
            await self.deliver_now()  # new alerts go out now; retries wait for the delivery job

    async def _tracked(self, coro: Awaitable[Any]) -> Any:
        """Run ``coro`` as a task the shutdown can wait for (or cancel on a second signal)."""
        task = asyncio.ensure_future(coro)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        try:
            return await asyncio.shield(task)  # the scheduler's shutdown must not cut a crawl short
        except asyncio.CancelledError:
            if self._stop.is_set():
                return None  # cancelled on purpose while stopping: nothing left to report
            raise

    async def run_source(self, source: Source) -> dict[str, Any] | None:
        """Crawl one source (waiting for other sources on the same host) and log what it found."""
        async with self._host_locks.setdefault(source.host, asyncio.Lock()):
            if self._stop.is_set():
                return None
            log.info("%s: crawl started (%s)", source.name, source.url if source.allow_private else source.host)
            started = time.monotonic()
            try:
                summary = await self._crawl([source], db_path=self.db_path, settings=self._crawl_settings)
            except asyncio.CancelledError:
                log.warning("%s: crawl cancelled", source.name)
                raise
            except Exception as exc:  # noqa: BLE001 - one failing source must not stop the service
                self.failures += 1
                log.error("%s: crawl failed: %s", source.name, self.config.redactor(f"{type(exc).__name__}: {exc}"))
                return None
            log.info("%s: crawl finished in %.1fs: %s", source.name, time.monotonic() - started,
                     describe(summary, self.config.redactor))
            if summary and summary.get("errors", 0) >= max(1, summary.get("pages", 0)):
                self.failures += 1  # nothing but errors: the source is unreachable or broken
            return summary

    async def deliver_now(self, *, final: bool = False) -> DeliveryReport | None:
        """One delivery pass in a worker thread; passes never overlap, and requests made
        while a pass is already waiting to start share that pass (``final``: always run one)."""
        if not self.channels or (self._delivery_queued and not final):
            return None
        self._delivery_queued = True
        async with self._delivery_lock:
            self._delivery_queued = False
            try:
                return await asyncio.to_thread(self._deliver_pass)
            except Exception as exc:  # noqa: BLE001 - the next pass retries
                log.error("delivery pass failed: %s", self.config.redactor(f"{type(exc).__name__}: {exc}"))
                return None

    def _deliver_pass(self) -> DeliveryReport:
        archive = Archive(self.db_path)
        try:
            return deliver(archive, self.config, self.channels)
        finally:
            archive.close()

    # --- helpers --------------------------------------------------------------------------------

    def _last_run(self, name: str) -> dict[str, Any] | None:
        archive = Archive(self.db_path)
        try:
            return archive.last_run(name)
        finally:
            archive.close()

    def _tz(self) -> str | None:
        return self.config.schedule.timezone


def first_run(source: Source, last: dict[str, Any] | None, now: datetime, timezone: str | None = None) -> datetime:
    """When ``source`` should first run after start-up: now if it never ran, its last run
    did not finish, or its next time passed while the service was down; else that time."""
    if not last or not last.get("finished_at") or not last.get("started_at"):
        return now
    started = _parse(last["started_at"])
    if source.cron:
        due = CronTrigger.from_crontab(source.cron, timezone=timezone).get_next_fire_time(None, started)
    else:
        due = started + timedelta(seconds=source.every_seconds)
    return now if due is None or due <= now else due


def describe(summary: dict[str, Any] | None, redactor: Redactor) -> str:
    """A crawl's counts as one log line (pages · new · changed · alerts · errors, first error, redacted)."""
    if not summary:
        return "nothing to report"
    text = progress_line(summary)
    errors = summary.get("error_lines") or []
    return text + (f"; first error: {redactor(errors[0])}" if errors else "")


def _log_overlap(event: JobExecutionEvent) -> None:
    log.info("%s: previous run still going; this tick skipped (no overlapping runs)",
             str(event.job_id).removeprefix("source:"))


def _parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- running it for real ----------------------------------------------------------------------

def install_asyncio_reactor() -> None:
    """Install Twisted's asyncio reactor (idempotent); call before anything imports the reactor."""
    from scrapy.utils.reactor import install_reactor, is_asyncio_reactor_installed

    install_reactor(ASYNCIO_REACTOR)
    if not is_asyncio_reactor_installed():
        raise RuntimeError("another Twisted reactor was installed before the asyncio one")


def serve(service: Service, *, once: bool) -> int:
    """Run ``service`` on the asyncio reactor until it stops; return the exit status."""
    install_asyncio_reactor()
    from twisted.internet import reactor as installed
    from twisted.internet.asyncioreactor import AsyncioSelectorReactor
    from twisted.internet.defer import Deferred

    reactor = cast(AsyncioSelectorReactor, installed)  # the module attribute is the reactor installed above

    status: list[int] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, service.request_stop)
        status.append(await (service.run_once() if once else service.run_forever()))

    def finished(result: Any) -> None:
        if not status:
            reason = result.getErrorMessage() if hasattr(result, "getErrorMessage") else result
            log.error("policywatch run stopped unexpectedly: %s", service.config.redactor(reason))
            status.append(2)
        reactor.callLater(0, reactor.stop)

    Deferred.fromFuture(asyncio.ensure_future(main())).addBoth(finished)
    reactor.run(installSignalHandlers=False)
    return status[0] if status else 2


class RunLockError(PolicywatchError, RuntimeError):
    """Another ``policywatch run`` already serves this archive."""


@contextmanager
def run_lock(db_path: str) -> Iterator[None]:
    """Hold ``<archive>.run.lock`` (an OS file lock, released even if the process is killed)."""
    path = Path(f"{db_path}.run.lock")
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise RunLockError(f"another `policywatch run` (pid {holder}) is already using {db_path}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def default_crawl() -> CrawlFn:
    """``crawler.runner.crawl``, imported on demand (after :func:`install_asyncio_reactor`)."""
    from crawler.runner import crawl

    return crawl
