"""Cluster mode: crawl sources on scrapyd nodes, ingest what they fetched here.

The coordinator is the only process that writes the archive. For each source it takes a
slot on the least-loaded live node (:mod:`policywatch.cluster.pool`), schedules the
source's spider there with the archive pipeline off (:mod:`policywatch.cluster.jobs`),
polls the job, pulls its items feed as it grows (:mod:`policywatch.cluster.itemsfeed`)
and ingests every page through the one ingest path (:mod:`policywatch.cluster.ingestion`).

Failures: a node that cannot be reached for ``down_after`` seconds, a job the node no
longer knows, or a job whose crawl ended without closing its spider is run again on
another node (up to ``max_attempts`` times). Pages an earlier attempt already delivered
are recognised and not stored twice. Each source is its own task, so a slow node holds
up only the jobs it is running.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from crawler.sources import Source
from policywatch.cluster import nodelog
from policywatch.cluster.errors import ClusterError, NodeDown, NodeError
from policywatch.cluster.ingestion import IngestWorker
from policywatch.cluster.itemsfeed import FeedCursor
from policywatch.cluster.jobs import JobSpec, auto_batch_size, batches, job_for, setting_strings
from policywatch.cluster.nodes import FINISHED, ScrapydNode
from policywatch.cluster.pool import NodePool, NodeState

log = logging.getLogger(__name__)

Progress = Callable[[dict], None]


class JobFailed(NodeError):
    """A job did not complete on its node; the coordinator runs it again elsewhere."""


@dataclass
class ClusterOptions:
    """Tuning for a cluster crawl; the defaults suit a LAN of a few nodes."""

    project: str = "policywatch"
    poll_interval: float = 1.0
    slots_per_node: int = 2
    max_attempts: int = 3
    down_after: float = 5.0
    job_timeout: float | None = 6 * 3600.0
    wait_for_nodes: float = 60.0
    sources_per_job: int | None = None     # None: about three jobs per crawl slot, at most 25 sources each
    fetch_bytes: int = 8 * 1024 * 1024     # items feed read per request (memory bound per job)
    settings: dict[str, str] = field(default_factory=dict)


class ClusterCrawl:
    """One cluster crawl of a set of sources; :func:`crawl_on_cluster` runs it."""

    def __init__(self, pool: NodePool, worker: IngestWorker, options: ClusterOptions,
                 progress: Progress | None = None) -> None:
        self.pool, self.worker, self.options, self._progress = pool, worker, options, progress
        self.run_tag = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        self.reschedules = 0
        self._abandoned: list[tuple[ScrapydNode, str]] = []

    async def crawl(self, sources: list[Source]) -> dict[str, Any]:
        """Crawl every source, a batch of them per job, each job its own task; returns the totals."""
        size = self.options.sources_per_job or auto_batch_size(len(sources), self._slots())
        await asyncio.gather(*(self.crawl_batch(batch) for batch in batches(sources, size)))
        await self._cancel_abandoned()
        return {**await self.worker.summary(), "sources": [s.name for s in sources],
                "duplicates": self.worker.duplicates, "reschedules": self.reschedules,
                "ingest_seconds": round(self.worker.busy_seconds, 3)}

    async def crawl_batch(self, sources: list[Source]) -> None:
        """Run one job for these sources to completion, or record for each why it could not be done."""
        try:
            names = tuple(source.name for source in sources)
            await self._run_with_retries(job_for(sources, settings=self.options.settings,
                                                 validators=self.worker.validators(names)))
        except (ClusterError, ValueError) as exc:
            log.warning("%s", exc)
            for source in sources:
                self._report(await self.worker.note_error(source.name, str(exc)))

    def _slots(self) -> int:
        return self.options.slots_per_node * max(1, len(self.pool.usable()))

    async def _run_with_retries(self, spec: JobSpec) -> None:
        tried: set[str] = set()
        reason = ""
        for attempt in range(1, self.options.max_attempts + 1):
            state = await self.pool.acquire(avoid=tried)
            job = spec.job_id(self.run_tag, attempt)
            try:
                await self._run_job(state.node, spec, job)
                return
            except NodeDown as exc:
                reason = str(exc)
                await self.pool.mark_down(state, reason)
                self._abandoned.append((state.node, job))
            except NodeError as exc:
                reason = str(exc)
            finally:
                await self.pool.release(state)
            tried.add(state.node.name)
            if attempt < self.options.max_attempts:
                self.reschedules += 1
                log.warning("%s: job %s failed (%s); running it again on another node", spec.label, job, reason)
        raise ClusterError(f"{spec.label}: gave up after {self.options.max_attempts} attempts: {reason}")

    async def _run_job(self, node: ScrapydNode, spec: JobSpec, job: str) -> None:
        """Schedule, follow and pull one job; raises NodeDown/JobFailed when it cannot finish.

        If the crawl itself is cancelled (the service stops), the job is cancelled on its node too.
        """
        await node.schedule(self.options.project, spec.spider, job=job, args=spec.args,
                            settings=spec.settings_for(job))
        log.info("%s: job %s scheduled on %s", spec.label, job, node.name)
        try:
            await self._follow(node, spec, job)
        except asyncio.CancelledError:
            await asyncio.shield(_cancel_quietly(node, self.options.project, job))
            raise

    async def _follow(self, node: ScrapydNode, spec: JobSpec, job: str) -> None:
        project = self.options.project
        cursor = FeedCursor(job)
        started, unreachable_since = time.monotonic(), None
        while True:
            await asyncio.sleep(self.options.poll_interval)
            try:
                state = await node.job_state(project, job)
                await self._pull(node, spec, cursor, final=state == FINISHED)
            except NodeDown:
                unreachable_since = unreachable_since or time.monotonic()
                if time.monotonic() - unreachable_since >= self.options.down_after:
                    raise
                continue
            unreachable_since = None
            if state == FINISHED:
                await self._finish(node, spec, job, cursor.lines)
                return
            if state is None:
                raise JobFailed(f"{node.name} no longer knows job {job} (restarted?)")
            if self._timed_out(started):
                await _cancel_quietly(node, project, job)
                raise JobFailed(f"job {job} on {node.name} ran longer than {self.options.job_timeout:.0f}s")

    async def _pull(self, node: ScrapydNode, spec: JobSpec, cursor: FeedCursor, *, final: bool) -> None:
        """Fetch what the job's items feed gained since the last pull and ingest it, at most
        ``fetch_bytes`` at a time (wider when one line is longer than that)."""
        limit = self.options.fetch_bytes
        while True:
            chunk = await node.items(self.options.project, spec.spider, cursor.job, offset=cursor.offset,
                                     limit=limit)
            if chunk is None:
                if cursor.offset:
                    raise JobFailed(f"{node.name} lost the items feed of job {cursor.job}")
                return
            at_end = len(chunk) < limit
            lines = cursor.take(chunk, final=final and at_end)
            if lines:
                self._report(await self.worker.ingest(spec.sources, lines))
            if at_end:
                return
            if not lines:
                limit *= 2

    async def _finish(self, node: ScrapydNode, spec: JobSpec, job: str, pulled: int) -> None:
        """Accept a finished job if its crawl closed the spider normally and its feed gave us every
        item it scraped (``pulled`` lines); merge the node's counts and validators."""
        try:
            raw = await node.log(self.options.project, spec.spider, job)
        except NodeError as exc:
            log.warning("%s: no log for job %s (%s); keeping its items", spec.label, job, exc)
            return
        if raw is None:
            return
        text = raw.decode("utf-8", "replace")
        reason = nodelog.finish_reason(text)
        if reason is None:
            raise JobFailed(f"job {job} on {node.name} ended without closing its spider: {nodelog.last_error(text)}")
        if reason in nodelog.INTERRUPTED:
            raise JobFailed(f"job {job} on {node.name} was interrupted ({reason})")
        scraped = nodelog.items_scraped(text)
        if scraped is not None and pulled < scraped:
            raise JobFailed(f"job {job} on {node.name} scraped {scraped} items but its feed gave {pulled}")
        self._report(await self.worker.merge_node_runlogs(spec.sources, nodelog.node_runlogs(text)))
        await self.worker.merge_validators(spec.sources, nodelog.node_validators(text))

    async def _cancel_abandoned(self) -> None:
        """Ask nodes that were unreachable to drop the jobs we ran elsewhere (a restarted scrapyd
        keeps its queue); nodes still down are left alone."""
        up = {state.node.name for state in self.pool.up}
        await asyncio.gather(*(_cancel_quietly(node, self.options.project, job)
                               for node, job in self._abandoned if node.name in up))

    def _timed_out(self, started: float) -> bool:
        limit = self.options.job_timeout
        return limit is not None and time.monotonic() - started > limit

    def _report(self, counts: dict[str, int]) -> None:
        if self._progress is not None:
            self._progress(counts)


async def _cancel_quietly(node: ScrapydNode, project: str, job: str) -> None:
    try:
        await node.cancel(project, job)
    except NodeError as exc:
        log.warning("could not cancel %s on %s: %s", job, node.name, exc)


async def crawl_on_cluster(sources: list[Source], *, nodes: list[str], db_path: str, project: str = "policywatch",
                           poll_interval: float = 1.0, progress: Progress | None = None,
                           options: ClusterOptions | None = None) -> dict[str, Any]:
    """Crawl ``sources`` on the scrapyd ``nodes``; ingest here into the archive at ``db_path``.

    Returns what :func:`crawler.runner.crawl` returns (pages, new, changed, unchanged,
    alerts, errors, …, ``error_lines``, ``sources``) plus ``duplicates`` (pages pulled
    twice, ingested once), ``reschedules`` (jobs run again on another node) and
    ``ingest_seconds`` (time the coordinator spent ingesting). ``options`` (when given) overrides
    ``project`` and ``poll_interval``. Raises ClusterError when no node can take jobs.
    """
    options = options or ClusterOptions(project=project, poll_interval=poll_interval)
    clients = [ScrapydNode(url) for url in dict.fromkeys(nodes)]
    try:
        async with NodePool(clients, slots=options.slots_per_node, probe_interval=max(1.0, options.poll_interval),
                            wait_for_nodes=options.wait_for_nodes) as pool:
            await _check_deployed(pool, options.project)
            async with IngestWorker(db_path, sources, settings=options.settings) as worker:
                return await ClusterCrawl(pool, worker, options, progress).crawl(sources)
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))


async def _check_deployed(pool: NodePool, project: str) -> None:
    """Exclude up nodes that lack the project; fail if no node is up and has it."""
    async def check(state: NodeState) -> None:
        try:
            await state.node.spiders(project)
        except NodeDown as exc:
            await pool.mark_down(state, str(exc))
        except NodeError as exc:
            pool.exclude(state, f"{exc} (deploy with `policywatch deploy --node {state.node.name}`)")

    await asyncio.gather(*(check(state) for state in pool.up))
    if not pool.usable():
        reasons = "; ".join(s.excluded or s.reason for s in pool.states)
        raise ClusterError(f"no scrapyd node can run project {project!r}: {reasons}")


def cluster_crawl(nodes: list[str], *, options: ClusterOptions | None = None) -> Callable[..., Any]:
    """A drop-in for ``crawler.runner.crawl`` (the scheduler's CrawlFn) that crawls on ``nodes``.

    ``policywatch run --nodes URL,URL`` hands this to the scheduler instead of the local
    crawl; the scheduler's Scrapy ``settings`` overrides travel to the nodes with each job.
    """
    base = options or ClusterOptions()

    async def crawl(sources: list[Source], *, db_path: str, progress: Progress | None = None,
                    settings: dict[str, Any] | None = None) -> dict[str, Any]:
        merged = replace(base, settings={**base.settings, **setting_strings(settings)})
        return await crawl_on_cluster(sources, nodes=nodes, db_path=db_path, progress=progress, options=merged)

    return crawl


def crawl_on_cluster_blocking(sources: list[Source], *, nodes: list[str], db_path: str, project: str = "policywatch",
                              poll_interval: float = 1.0, progress: Progress | None = None,
                              options: ClusterOptions | None = None) -> dict[str, Any]:
    """:func:`crawl_on_cluster` for callers without an event loop (the CLI, scripts)."""
    return asyncio.run(crawl_on_cluster(sources, nodes=nodes, db_path=db_path, project=project,
                                        poll_interval=poll_interval, progress=progress, options=options))
