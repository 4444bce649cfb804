"""Run a crawl from Python: the spiders for a list of sources, inside the current reactor.

``crawl()`` is a coroutine for callers that already run the asyncio Twisted reactor
(the scheduler calls it from an APScheduler job, many times in one process);
``crawl_blocking()`` is for the CLI: it installs the reactor and runs one crawl.
"""
from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess, AsyncCrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.runlog import merge_counts
from crawler.sources import Source, SourceKind
from crawler.spiders.base import SourceSpider
from crawler.spiders.column import ColumnSpider
from crawler.spiders.feeds import FeedSpider
from crawler.spiders.govcn import GovcnSpider
from crawler.spiders.miit import MiitSpider
from crawler.spiders.pages import PageSpider

#: Spider class per source kind.
SPIDERS: dict[str, type[SourceSpider]] = {
    SourceKind.MIIT: MiitSpider, SourceKind.FEED: FeedSpider, SourceKind.PAGE: PageSpider,
    SourceKind.COLUMN: ColumnSpider, SourceKind.GOVCN: GovcnSpider}

#: Politeness off — for loopback test sites and benchmarks only, never for real sites.
FAST_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_BACKOFF_BASE": 0.1,
    "RETRY_BACKOFF_MAX": 1.0,
}

Progress = Callable[[dict[str, Any]], None]


def crawl_settings(db_path: str, overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings with the archive path and any overrides applied."""
    settings = get_project_settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("POLICYWATCH_DB", str(db_path), priority="cmdline")
    settings.update(overrides or {}, priority="cmdline")
    return settings


class _Crawl:
    """One crawl: a spider per source kind, and their progress summed for the caller."""

    def __init__(self, sources: list[Source], progress: Progress | None) -> None:
        self.sources = sources
        self.progress = progress
        self.snapshots: dict[str, dict[str, int]] = {}
        self.crawlers: list[Any] = []
        self.failures: list[str] = []

    def schedule(self, runner: AsyncCrawlerRunner) -> None:
        """Create and start (in ``runner``) one crawler per kind present among the sources."""
        for kind, spider_cls in SPIDERS.items():
            chosen = [s for s in self.sources if s.kind == kind and s.enabled]
            if chosen:
                crawler = runner.create_crawler(spider_cls)
                self.crawlers.append(crawler)
                task = runner.crawl(crawler, sources=chosen, progress=self._listener(kind))
                task.add_done_callback(functools.partial(self._failed, kind))

    def _failed(self, kind: str, task: asyncio.Task) -> None:
        """Keep the reason a spider could not run (bad archive path, …): it would otherwise only be logged."""
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            self.failures.append(f"{kind} spider could not run: {type(error).__name__}: {error}")

    def _listener(self, kind: str) -> Progress:
        def update(counts: dict[str, int]) -> None:
            self.snapshots[kind] = counts
            if self.progress is not None:
                self.progress(merge_counts(list(self.snapshots.values())))
        return update

    def result(self) -> dict[str, Any]:
        """Counts summed over the spiders, the error lines, and the sources crawled."""
        logs = [c.spider.runlog for c in self.crawlers if c.spider is not None]
        counts: dict[str, Any] = merge_counts([log.counts() for log in logs])
        counts["errors"] += len(self.failures)
        counts["error_lines"] = [*self.failures, *(line for log in logs for line in log.errors())]
        counts["sources"] = [s.name for s in self.sources]
        return counts


async def crawl(sources: list[Source], *, db_path: str, progress: Progress | None = None,
                settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Crawl ``sources`` into the archive at ``db_path`` inside the running reactor; return the counts.

    Counts: pages, new, changed, unchanged, status_changed, not_modified, rechecked, skipped, alerts,
    errors — plus ``error_lines`` (first lines of the failures) and ``sources``.
    Safe to call again and again in one process (a new runner each time).
    """
    run = _Crawl(sources, progress)
    runner = AsyncCrawlerRunner(crawl_settings(db_path, settings))
    run.schedule(runner)
    await runner.join()
    return run.result()


def crawl_blocking(sources: list[Source], *, db_path: str, progress: Progress | None = None,
                   settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Install the asyncio reactor, run the crawl to completion, return its counts (for the CLI)."""
    run = _Crawl(sources, progress)
    process = AsyncCrawlerProcess(crawl_settings(db_path, {"LOG_INSTALL_ROOT_HANDLER": False, **(settings or {})}))
    run.schedule(process)
    process.start()
    return run.result()
