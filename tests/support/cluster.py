"""Shared by the cluster tests: a loopback site of RSS feeds and articles, deployed scrapyd
nodes, and ways to look into the archive and the nodes. (test_cluster_crawl.py checks the site helpers.)"""
from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from crawler.normalise import load
from crawler.runner import FAST_SETTINGS
from crawler.sources import Source
from policywatch.cluster.coordinator import ClusterOptions
from policywatch.cluster.deploy import upload
from policywatch.cluster.localnode import LocalNode
from store.archive import Archive
from tests.support import Response, Site

ARTICLES_PER_FEED = 6
SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_9b394f8deb7d7ec6.txt"
PARAGRAPH = "工业和信息化部印发通知，推进人工智能与工业互联网融合赋能，提升制造业数字化水平。"


def article(feed: int, n: int) -> str:
    """A generic article page, a few KB so that node feeds are flushed while jobs run."""
    body = "".join(f"<p>（{k}）{PARAGRAPH}第{feed}-{n}-{k}项。</p>" for k in range(1, 40))
    return (f"<html><head><meta charset='utf-8'><title>第{feed}-{n}号通知</title></head>"
            f"<body><h1>关于第{feed}-{n}号的通知</h1>{body}</body></html>")


def plan_repost() -> str:
    """A page reposting the tracked plan (the seed): it must raise exactly one alert."""
    plan = load(str(SEED))
    paragraphs = "".join(f"<p>{p}</p>" for p in plan.body.split("\n\n"))
    return (f"<html><head><meta charset='utf-8'><title>{plan.title}</title></head>"
            f"<body><h1>{plan.title}</h1>{paragraphs}</body></html>")


def feed_xml(site: Site, feed: int) -> str:
    items = "".join(f"<item><title>第{feed}-{n}号通知</title><link>{site.url(f'/a/{feed}/{n}.html')}</link>"
                    f"<pubDate>Wed, 07 Jan 2026 10:00:00 +0800</pubDate></item>"
                    for n in range(ARTICLES_PER_FEED - 1))
    items += (f"<item><title>转载</title><link>{site.url(f'/a/{feed}/plan.html')}</link></item>" if feed == 0
              else f"<item><title>第{feed}-last</title><link>{site.url(f'/a/{feed}/{ARTICLES_PER_FEED - 1}.html')}"
                   "</link></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>feed {feed}</title>'
            f"<link>{site.base_url}</link>{items}</channel></rss>")


def with_etag(body: str):
    """A route body that has an ETag and answers a matching If-None-Match with 304."""
    etag = f'"{abs(hash(body))}"'

    def answer(request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(304, b"", headers={"ETag": etag})
        return Response(200, body, headers={"ETag": etag})
    return answer


def build_site(site: Site, feeds: int, *, delay: float = 0.0) -> list[Source]:
    """``feeds`` RSS feeds of ARTICLES_PER_FEED articles each; one feed source per feed."""
    for feed in range(feeds):
        site.route(f"/feed{feed}.xml", with_etag(feed_xml(site, feed)))
        site.route(f"/a/{feed}/plan.html", plan_repost())
        for n in range(ARTICLES_PER_FEED):
            page = article(feed, n)
            site.route(f"/a/{feed}/{n}.html", (lambda req, page=page: Response(200, page, delay=delay)) if delay
                       else page)
    return [Source(name=f"feed-{feed}", kind="feed", url=site.url(f"/feed{feed}.xml"), allow_private=True)
            for feed in range(feeds)]


def options(**overrides) -> ClusterOptions:
    settings = {key: str(value) for key, value in FAST_SETTINGS.items()}
    settings.update(overrides.pop("settings", {}))
    return ClusterOptions(poll_interval=0.3, down_after=1.5, settings=settings, **overrides)


def documents(db: Path) -> list[tuple[str, int]]:
    """(url, number of versions) of every archived document."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT d.url, COUNT(v.id) FROM documents d JOIN versions v ON v.document_id = d.id"
                            " GROUP BY d.id ORDER BY d.url").fetchall()


def document_count(db: Path) -> int:
    """Documents archived so far, while a crawl may still be creating or writing the archive."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or its schema not yet written
        return 0


def alerts(db: Path) -> tuple[int, int]:
    """(alerts in the outbox, documents grouped into them)."""
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT COUNT(*) FROM alerts").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM alert_documents").fetchone()[0])


def tracked(db: Path) -> Path:
    """A fresh archive tracking the seed plan."""
    with Archive(db) as archive:
        archive.track_plan("工业互联网和人工智能融合赋能行动方案", load(str(SEED)))
    return db


def crawl_runs(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT source, status FROM crawl_runs ORDER BY id").fetchall())


def deployed_nodes(directory: Path, egg: bytes) -> Iterator[list[LocalNode]]:
    """Two deployed scrapyd nodes, two crawl slots each."""
    started = [LocalNode(directory / f"node{i}", max_proc=2, poll_interval=0.2) for i in (1, 2)]
    try:
        for node in started:
            node.start()
        results = asyncio.run(upload([n.url for n in started], egg, project="policywatch", version="1"))
        assert [r.error for r in results] == [None, None]
        yield started
    finally:
        for node in started:
            node.stop()


def jobs(node: LocalNode, state: str = "finished") -> list[dict]:
    return httpx.get(f"{node.url}/listjobs.json", params={"project": "policywatch"}).json()[state]


def finished_jobs(node: LocalNode) -> set[str]:
    return {job["id"] for job in jobs(node)}


def wait_until_items_written(node: LocalNode, timeout: float = 45.0) -> dict:
    """Wait until one of the node's running jobs has written items (so a kill is truly mid-job); return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for job in jobs(node, "running"):
            items = node.directory / "items" / "policywatch" / job["spider"] / f"{job['id']}.jl"
            if items.is_file() and items.stat().st_size > 0:
                return job
        time.sleep(0.05)
    raise AssertionError("the node never wrote items")


def held_until(gate: threading.Event, body: str):
    """A route body that answers only once ``gate`` is set (a hanging server)."""
    def answer(request) -> str:
        gate.wait(timeout=120)
        return body
    return answer
