"""The coordinator's single writer: one thread owns the archive and ingests pulled pages.

SQLite has one writer at a time and its connections belong to the thread that opened them,
so every archive call of a cluster crawl goes through this worker's one thread, while the
event loop keeps polling nodes. Each page goes through the same path as a local crawl,
``crawler.pipelines.ingestor_for(archive, settings).ingest_page(page)``, configured by the
crawl settings (``[watch]`` and ``[plans]``) as locally; sources and crawl runs are recorded
by the crawler's own :class:`~crawler.records.SourceRecords` and counted in its
:class:`~crawler.runlog.RunLog`, so a cluster crawl reads like a local one.

It also carries the list/feed validators: those the archive held when the crawl began go out
with the jobs, those an accepted job ended with come back and are saved with the crawl runs.

Pages pulled twice (a job re-run on another node after its first node died, or a node that
served a feed twice) are recognised by content: a digest of (url, final url, status, body)
seen earlier in this crawl is skipped before it reaches the archive, so it is neither stored
nor counted twice. Across crawls the archive's content hash does the same job.
"""
from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from crawler.ingest import Ingestor, IngestResult
from crawler.items import Page
from crawler.pipelines import OUTCOME_COUNTERS, ingestor_for
from crawler.records import SourceRecords
from crawler.runlog import RunLog
from crawler.sources import Source
from policywatch.cluster.itemsfeed import FeedLine
from policywatch.cluster.nodelog import NodeRunlog
from store.archive import Archive

#: Counters only the node's spider knows (fetch side); the rest are counted here, at ingest.
NODE_COUNTERS = ("skipped", "not_modified")

T = TypeVar("T")


def page_digest(page: Page) -> str:
    """What makes two pulled pages the same fetch result."""
    digest = hashlib.sha256()
    for part in (page.url, page.final_url, str(page.status)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(page.body)
    return digest.hexdigest()


class IngestWorker:
    """Owns the archive for one cluster crawl of ``sources``; use ``async with``."""

    def __init__(self, db_path: str, sources: list[Source], *, settings: dict[str, str] | None = None) -> None:
        self._db_path = db_path
        self._sources = sources
        self._settings = dict(settings or {})
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policywatch-ingest")
        self._archive: Archive | None = None
        self._ingestor: Ingestor | None = None
        self._records: SourceRecords | None = None
        self._stored_validators: dict[str, dict[str, Any]] = {}
        self._seen: set[str] = set()
        self.runlog = RunLog()
        self.duplicates = 0
        self.busy_seconds = 0.0

    async def __aenter__(self) -> IngestWorker:
        await self._call(self._open)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self._call(self._close)
        finally:
            self._executor.shutdown(wait=True)

    async def ingest(self, sources: tuple[str, ...], lines: list[FeedLine]) -> dict[str, int]:
        """Ingest the feed lines of one job (crawling ``sources``), in order; returns the totals so far."""
        return await self._call(self._ingest_lines, sources, lines)

    async def merge_node_runlogs(self, sources: tuple[str, ...], node_runlogs: list[NodeRunlog]) -> dict[str, int]:
        """Add what the node's spider counted for these sources (skipped, not modified, fetch errors)."""
        return await self._call(self._merge, sources, node_runlogs)

    async def note_error(self, source: str, message: str) -> dict[str, int]:
        """Record a failure of ``source``'s crawl that no page carried (e.g. no node could run it)."""
        return await self._call(self._note_error, source, message)

    def validators(self, sources: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        """The list/feed validators the archive held for these sources when the crawl began."""
        return {name: self._stored_validators[name] for name in sources if self._stored_validators.get(name)}

    async def merge_validators(self, sources: tuple[str, ...],
                               validators: dict[str, dict[str, dict[str, str]]]) -> None:
        """Keep the validators an accepted job ended with (saved with the crawl runs at the end)."""
        await self._call(self._merge_validators, sources, validators)

    async def summary(self) -> dict[str, Any]:
        """Totals over all sources (RunLog keys) with the error lines, read on the worker thread."""
        return await self._call(self._summary)

    async def _call(self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, func, *args)

    # everything below runs on the worker thread
    def _open(self) -> None:
        self._archive = Archive(self._db_path)
        self._ingestor = ingestor_for(self._archive, self._settings)
        self._stored_validators = {row["name"]: (row.get("meta") or {}).get("validators") or {}
                                   for row in self._archive.sources() if isinstance(row.get("meta"), dict)}
        self._records = SourceRecords(self._archive, self._sources)
        self._records.open()

    def _close(self) -> None:
        if self._archive is None:
            return
        try:
            if self._records is not None:
                self._records.close(self.runlog)
        finally:
            self._archive.close()
            self._archive = None

    def _summary(self) -> dict[str, Any]:
        return {**self.runlog.counts(), "error_lines": self.runlog.errors()}

    def _ingest_lines(self, sources: tuple[str, ...], lines: list[FeedLine]) -> dict[str, int]:
        started = time.perf_counter()
        try:
            self._ingest_each(sources, lines)
        finally:
            self.busy_seconds += time.perf_counter() - started
        return self.runlog.counts()

    def _ingest_each(self, sources: tuple[str, ...], lines: list[FeedLine]) -> None:
        for line in lines:
            if line.page is None:
                self.runlog.error(sources[0], line.error or f"items line {line.number}: unreadable")
                continue
            if line.page.source not in sources:  # a node may only speak for the job's own sources
                line.page.source = sources[0]
            source = line.page.source
            digest = page_digest(line.page)
            if digest in self._seen:
                self.duplicates += 1
                continue
            self._seen.add(digest)
            self._ingest_page(source, line.page)

    def _ingest_page(self, source: str, page: Page) -> None:
        assert self._ingestor is not None
        self.runlog.add(source, "pages")
        try:
            result = self._ingestor.ingest_page(page)
        except Exception as exc:  # noqa: BLE001 - one bad page never stops the crawl
            self.runlog.error(source, f"{page.url}: {type(exc).__name__}: {exc}")
            return
        record_outcome(self.runlog, source, result)

    def _merge(self, sources: tuple[str, ...], node_runlogs: list[NodeRunlog]) -> dict[str, int]:
        for entry in node_runlogs:
            if entry.source not in sources:
                continue
            source = entry.source
            for key in NODE_COUNTERS:
                if entry.counts.get(key):
                    self.runlog.add(source, key, entry.counts[key])
            for message in entry.errors:
                self.runlog.error(source, message)
            unlisted = entry.counts.get("errors", 0) - len(entry.errors)
            if unlisted > 0:
                self.runlog.add(source, "errors", unlisted)
        return self.runlog.counts()

    def _merge_validators(self, sources: tuple[str, ...], validators: dict[str, dict[str, dict[str, str]]]) -> None:
        assert self._records is not None
        for source in sources:
            for url, headers in (validators.get(source) or {}).items():
                self._records.remember(source, url, etag=headers.get("etag"),
                                       last_modified=headers.get("last_modified"))

    def _note_error(self, source: str, message: str) -> dict[str, int]:
        self.runlog.error(source, message)
        return self.runlog.counts()


def record_outcome(runlog: RunLog, source: str, result: IngestResult) -> None:
    """Count one ingest result the way the crawler's pipeline does."""
    if result.error:
        runlog.error(source, result.error)
        return
    runlog.add(source, OUTCOME_COUNTERS.get(result.outcome, result.outcome))
    if result.alerts:
        runlog.add(source, "alerts", result.alerts)
