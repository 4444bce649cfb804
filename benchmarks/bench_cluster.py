"""Cluster benchmark: pages/min crawled on one scrapyd node and on two, on this machine.

``python -m benchmarks cluster`` (part of ``make bench``). The crawler benchmark's 5,000-page
fixture site (``benchmarks.bench_crawl.bench_articles``: MIIT-like articles, every 20th quoting
the tracked plan; ``POLICYWATCH_BENCH_PAGES`` changes the count), split into four MIIT columns
on four loopback servers, one source each, politeness off (benchmark only). The same crawl
runs through the full pipeline (nodes fetch, the coordinator pulls their items feeds,
normalises, archives, compares each page with the tracked seed plan, alerts) into a fresh
archive, first with one node, then with two; each node has two crawl slots, so one node runs
the four jobs in two rounds and two nodes in one. The one-node run is the baseline: the ratio
shows how the cluster scales here. Everything shares this machine's 2 cores, so the figures
also show where the time goes: when the nodes' last job ended, and how busy the
coordinator's single ingest thread was.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import httpx

from benchmarks.bench_crawl import SEED, bench_articles
from crawler.normalise import load
from crawler.runner import FAST_SETTINGS
from crawler.sources import Source
from policywatch.cluster.coordinator import ClusterOptions, crawl_on_cluster_blocking
from policywatch.cluster.deploy import build_egg, upload
from policywatch.cluster.jobs import setting_strings
from policywatch.cluster.localnode import LocalNode
from store.archive import Archive
from tests.support.miit import PAGE_SIZE, MiitSite
from tests.support.site import serve_site

#: Sources (MIIT columns, one per loopback server) = jobs; one node runs them in two rounds.
COLUMNS = 4


def build_sites(stack: ExitStack, pages: int) -> list[Source]:
    """The benchmark articles over COLUMNS columns, each on its own server (the list API path is
    fixed, so one server holds one column); returns one MIIT source per column."""
    articles = bench_articles(pages)
    per_column = -(-pages // COLUMNS)
    sources = []
    for number in range(COLUMNS):
        site = stack.enter_context(serve_site())
        column = MiitSite(site, articles[number * per_column:(number + 1) * per_column], waf=False)
        sources.append(Source(name=f"bench-column-{number}", kind="miit", url=column.url, allow_private=True,
                              max_pages=per_column // PAGE_SIZE + 2))
    return sources


def crawl_once(sources: list[Source], nodes: list[str], db: Path) -> tuple[float, float, dict]:
    """Crawl into a fresh archive with the seed plan tracked.

    Returns (seconds until everything was ingested, seconds until the nodes' last job ended, counts).
    """
    with Archive(db) as archive:
        archive.track_plan("工业互联网和人工智能融合赋能行动方案", load(str(SEED)))
    options = ClusterOptions(poll_interval=0.5, slots_per_node=2, sources_per_job=1,
                             settings=setting_strings(FAST_SETTINGS))
    wall, started = datetime.now(), time.perf_counter()
    counts = crawl_on_cluster_blocking(sources, nodes=nodes, db_path=str(db), options=options)
    return time.perf_counter() - started, (last_job_end(nodes) - wall).total_seconds(), counts


def last_job_end(nodes: list[str]) -> datetime:
    """When the last finished job on these nodes ended (scrapyd reports local time)."""
    ends = []
    for node in nodes:
        jobs = httpx.get(f"{node}/listjobs.json", params={"project": "policywatch"}, timeout=10).json()
        ends += [datetime.fromisoformat(job["end_time"]) for job in jobs.get("finished", [])]
    return max(ends)


def run() -> None:
    """Print pages/min with one node and with two, and their ratio."""
    pages = int(os.environ.get("POLICYWATCH_BENCH_PAGES", "5000"))
    with tempfile.TemporaryDirectory(prefix="pw-bench-cluster-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        sources = build_sites(stack, pages)
        nodes = [LocalNode(work / f"node{i}", max_proc=2, poll_interval=0.2) for i in (1, 2)]
        for node in nodes:
            node.start()
            stack.callback(node.stop)
        asyncio.run(upload([n.url for n in nodes], build_egg("policywatch", "1"), project="policywatch",
                           version="1"))
        rates, fetch = {}, {}
        for count in (1, 2):
            seconds, fetched, counts = crawl_once(sources, [n.url for n in nodes[:count]],
                                                  work / f"archive{count}.db")
            rates[count], fetch[count] = counts["pages"] / seconds * 60, fetched
            print(f"{count} node(s): {counts['pages']} pages ({counts['new']} new, {counts['alerts']} alerts, "
                  f"{counts['errors']} errors) in {seconds:.1f}s = {rates[count]:,.0f} pages/min; nodes done "
                  f"after {fetched:.1f}s; coordinator ingest busy {counts['ingest_seconds']:.1f}s "
                  f"({counts['ingest_seconds'] / seconds:.0%})", flush=True)
        print(f"two nodes / one node: {rates[2] / rates[1]:.2f}x pages/min end to end; the nodes' fetching "
              f"alone {fetch[1] / fetch[2]:.2f}x (2 cores shared by nodes, coordinator and sites)")
