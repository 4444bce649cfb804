"""Cluster mode with the real engine: two scrapyd processes on 127.0.0.1, a loopback site,
the coordinator ingesting what the nodes fetch. Every document arrives once, a recrawl is
incremental per feed, slow sources hold up nobody, the MIIT spider runs unchanged on a node.
(Node and job failures: test_cluster_failover.py.)"""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crawler.runner import FAST_SETTINGS
from crawler.sources import Source
from policywatch.cluster.coordinator import (
    ClusterOptions,
    cluster_crawl,
    crawl_on_cluster,
    crawl_on_cluster_blocking,
)
from policywatch.cluster.deploy import build_egg
from policywatch.cluster.localnode import LocalNode
from policywatch.demo_site.pdfgen import make_pdf
from tests.support import serve_site
from tests.support.cluster import (
    ARTICLES_PER_FEED,
    alerts,
    article,
    build_site,
    crawl_runs,
    deployed_nodes,
    document_count,
    documents,
    feed_xml,
    finished_jobs,
    held_until,
    jobs,
    options,
    tracked,
    with_etag,
)
from tests.support.miit import Article as MiitArticle
from tests.support.miit import MiitSite
from tests.support.waiting import wait_for


@pytest.fixture(scope="module")
def egg() -> bytes:
    return build_egg("policywatch", "1")


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory, egg: bytes) -> Iterator[list[LocalNode]]:
    """Two nodes shared by the tests that leave them running (each test checks only its own jobs)."""
    yield from deployed_nodes(tmp_path_factory.mktemp("nodes"), egg)


def test_every_document_arrives_once_and_a_recrawl_stores_nothing(nodes: list[LocalNode], tmp_path: Path) -> None:
    db = tracked(tmp_path / "archive.db")
    with serve_site() as site:
        sources = build_site(site, feeds=6)
        before = [finished_jobs(node) for node in nodes]
        seen: list[dict] = []
        counts = crawl_on_cluster_blocking(sources, nodes=[n.url for n in nodes], db_path=str(db),
                                           options=options(), progress=seen.append)
        assert counts["new"] == 6 * ARTICLES_PER_FEED and counts["errors"] == 0, counts
        assert [p["new"] for p in seen] == sorted(p["new"] for p in seen) and seen[-1]["new"] == counts["new"]
        assert counts["alerts"] == 1 and alerts(db) == (1, 1)
        assert [versions for _, versions in documents(db)] == [1] * (6 * ARTICLES_PER_FEED)
        assert crawl_runs(db) == {s.name: "finished" for s in sources}
        assert all(finished_jobs(node) - old for node, old in zip(nodes, before, strict=True)), \
            "both nodes should have crawled"

        # the second time as the scheduler calls it (a drop-in for crawler.runner.crawl), with one
        # feed changed: the unchanged feeds answer 304 to the validators the first crawl kept
        site.route("/a/1/0.html", article(1, 0).replace("第1-0-1项", "第1-0-1项（修订）"))
        site.route("/feed1.xml", with_etag(feed_xml(site, 1) + " "))
        site.reset_hits()
        crawl = cluster_crawl([n.url for n in nodes], options=ClusterOptions(poll_interval=0.3))
        again = asyncio.run(crawl(sources, db_path=str(db), settings=FAST_SETTINGS))
        article_hits = sum(site.hits(f"/a/{f}/{n}.html") for f in range(6) for n in range(ARTICLES_PER_FEED))
    # the changed article is a revision of a watched document: one revised alert
    assert (again["new"], again["changed"], again["alerts"], again["not_modified"]) == (0, 1, 1, 5), again
    assert again["unchanged"] == ARTICLES_PER_FEED - 1
    assert article_hits == ARTICLES_PER_FEED  # only the changed feed's articles were fetched again
    versions = dict(documents(db))
    assert versions.pop(site.url("/a/1/0.html")) == 2 and set(versions.values()) == {1}
    assert alerts(db) == (2, 2)


def test_a_slow_source_does_not_hold_up_the_others(nodes: list[LocalNode], tmp_path: Path) -> None:
    """The first source's feed hangs until every other source is in the archive. Were the
    coordinator to wait for it, the others would never arrive."""
    db = tmp_path / "archive.db"
    gate = threading.Event()
    with serve_site() as site:
        sources = build_site(site, feeds=5)
        site.route("/feed0.xml", held_until(gate, feed_xml(site, 0)))
        result: dict = {}
        crawl = threading.Thread(target=lambda: result.update(crawl_on_cluster_blocking(
            sources, nodes=[n.url for n in nodes], db_path=str(db), options=options())))
        crawl.start()
        others_arrived = wait_for(lambda: document_count(db) == 4 * ARTICLES_PER_FEED, 90)
        gate.set()
        crawl.join(timeout=90)
    assert others_arrived, "the other sources waited for the slow one"
    assert result["new"] == 5 * ARTICLES_PER_FEED


def test_stopping_the_coordinator_stops_its_jobs_on_the_nodes(nodes: list[LocalNode], tmp_path: Path) -> None:
    gate = threading.Event()
    with serve_site() as site:
        sources = build_site(site, feeds=1)
        site.route("/feed0.xml", held_until(gate, feed_xml(site, 0)))

        async def crawl_then_stop() -> None:
            task = asyncio.create_task(crawl_on_cluster(sources, nodes=[nodes[0].url], db_path=str(tmp_path / "a.db"),
                                                        options=options()))
            while site.hits("/feed0.xml") == 0:  # the node's spider is waiting for the feed
                await asyncio.sleep(0.1)
            [job] = jobs(nodes[0], "running")
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return job["id"]

        job = asyncio.run(crawl_then_stop())
        gate.set()
        assert wait_for(lambda: job in finished_jobs(nodes[0]), 60)
    log = nodes[0].directory / "logs" / "policywatch" / "feeds" / f"{job}.log"
    assert "Spider closed (shutdown)" in log.read_text()


def test_the_miit_spider_runs_unchanged_on_a_node(nodes: list[LocalNode], tmp_path: Path) -> None:
    """A MIIT-like column (shell → list API behind a WAF → articles → PDF attachment) crawled on the
    cluster: the PDF text reaches the coordinator inside the Page and becomes the body."""
    db = tmp_path / "archive.db"
    plan_pdf = "工业互联网和人工智能融合赋能行动方案\n一、总体要求\n到2028年，推动不少于50000家企业实施新型工业网络改造升级。"
    items = [MiitArticle(f"{i:032x}", f"关于印发第{i}号文件的通知", f"2026-01-{i % 28 + 1:02d}",
                         [f"为贯彻落实第{i}号要求，现将有关事项通知如下。", f"一、总体要求。第{i}项工作加快推进。"])
             for i in range(30)]
    items[0].paragraphs = ["现将《行动方案》印发给你们，请结合实际认真贯彻落实。"]
    items[0].pdf = make_pdf(plan_pdf, title="行动方案")
    with serve_site() as site:
        column = MiitSite(site, items)
        source = Source(name="miit-zcjd", kind="miit", url=column.url, allow_private=True)
        counts = crawl_on_cluster_blocking([source], nodes=[n.url for n in nodes], db_path=str(db),
                                           options=options())
    assert counts["new"] == 30 and counts["errors"] == 0, counts
    with sqlite3.connect(db) as conn:
        [(body,)] = conn.execute("SELECT body FROM versions WHERE title = ?", (items[0].title,)).fetchall()
    assert "不少于50000家企业" in body


def test_feeds_answer_304_to_their_etag() -> None:
    with serve_site() as site:
        build_site(site, feeds=1)
        first = httpx.get(site.url("/feed0.xml"))
        again = httpx.get(site.url("/feed0.xml"), headers={"If-None-Match": first.headers["ETag"]})
    assert first.status_code == 200 and "/a/0/plan.html" in first.text
    assert again.status_code == 304
