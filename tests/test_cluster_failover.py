"""Cluster failures with the real engine: a node killed mid-run (its jobs finish on the other
node, nothing lost or stored twice), a crawl process killed under a living scrapyd, a node down
from the start, no usable node, a job over its time limit, a feed that lost items, and (chaos)
nodes dying and coming back while many sources crawl."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from policywatch.cluster.coordinator import crawl_on_cluster_blocking
from policywatch.cluster.deploy import build_egg, upload
from policywatch.cluster.errors import ClusterError
from policywatch.cluster.localnode import LocalNode, free_port
from tests.support import serve_site
from tests.support.cluster import (
    ARTICLES_PER_FEED,
    alerts,
    build_site,
    crawl_runs,
    deployed_nodes,
    documents,
    feed_xml,
    held_until,
    options,
    tracked,
    wait_until_items_written,
)


@pytest.fixture(scope="module")
def egg() -> bytes:
    return build_egg("policywatch", "1")


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory, egg: bytes) -> Iterator[list[LocalNode]]:
    """Two nodes shared by the tests that leave them running (each test checks only its own jobs)."""
    yield from deployed_nodes(tmp_path_factory.mktemp("nodes"), egg)


@pytest.fixture
def fresh_nodes(tmp_path: Path, egg: bytes) -> Iterator[list[LocalNode]]:
    """Two nodes of this test's own, for tests that kill one."""
    yield from deployed_nodes(tmp_path, egg)


def test_a_node_killed_mid_run_hands_its_jobs_to_the_other(fresh_nodes: list[LocalNode], tmp_path: Path) -> None:
    db = tracked(tmp_path / "archive.db")
    victim, survivor = fresh_nodes
    slow = {"CONCURRENT_REQUESTS_PER_DOMAIN": "1", "DOWNLOAD_DELAY": "0.25"}
    with serve_site() as site:
        sources = build_site(site, feeds=4)
        result: dict = {}
        crawl = threading.Thread(target=lambda: result.update(crawl_on_cluster_blocking(
            sources, nodes=[victim.url, survivor.url], db_path=str(db), options=options(settings=slow))))
        crawl.start()
        wait_until_items_written(victim)
        victim.kill()
        crawl.join(timeout=90)
    assert not crawl.is_alive()
    assert result["reschedules"] >= 1, result
    assert result["errors"] == 0, result
    assert len(documents(db)) == 4 * ARTICLES_PER_FEED
    assert all(versions == 1 for _, versions in documents(db)), "a page pulled twice was stored twice"
    assert alerts(db) == (1, 1), "a page pulled twice alerted twice"
    assert crawl_runs(db) == {s.name: "finished" for s in sources}


def test_a_node_that_is_down_from_the_start_is_skipped(nodes: list[LocalNode], tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    dead = f"http://127.0.0.1:{free_port()}"
    with serve_site() as site:
        sources = build_site(site, feeds=2)
        # a tiny read window: the feed is read in many pieces, and widened for lines longer than it
        counts = crawl_on_cluster_blocking(sources, nodes=[dead, nodes[0].url], db_path=str(db),
                                           options=options(fetch_bytes=2048))
    assert counts["new"] == 2 * ARTICLES_PER_FEED and counts["reschedules"] == 0
    assert counts["duplicates"] == 0 and counts["errors"] == 0


def test_no_usable_node_is_one_clear_error(tmp_path: Path) -> None:
    with LocalNode(tmp_path / "empty") as empty:  # up, but nothing deployed
        with pytest.raises(ClusterError, match="no scrapyd node can run project 'policywatch'.*deploy"):
            crawl_on_cluster_blocking([], nodes=[empty.url], db_path=str(tmp_path / "a.db"), options=options())
    assert not (tmp_path / "a.db").exists()


def test_a_crawl_process_that_dies_mid_job_is_run_again(nodes: list[LocalNode], tmp_path: Path) -> None:
    """scrapyd survives but its crawl process is SIGKILLed: the job "finishes" without closing its
    spider, and the coordinator runs it again (on the other node) instead of taking half a crawl."""
    db = tmp_path / "archive.db"
    victim = nodes[0]
    slow = {"CONCURRENT_REQUESTS_PER_DOMAIN": "1", "DOWNLOAD_DELAY": "0.25"}
    with serve_site() as site:
        sources = build_site(site, feeds=2)
        result: dict = {}
        crawl = threading.Thread(target=lambda: result.update(crawl_on_cluster_blocking(
            sources, nodes=[n.url for n in nodes], db_path=str(db), options=options(settings=slow))))
        crawl.start()
        job = wait_until_items_written(victim)
        os.kill(job["pid"], signal.SIGKILL)
        crawl.join(timeout=90)
    assert not crawl.is_alive()
    assert result["reschedules"] == 1 and result["errors"] == 0, result
    assert [versions for _, versions in documents(db)] == [1] * (2 * ARTICLES_PER_FEED)


def test_a_job_that_runs_too_long_is_given_up_with_the_reason_recorded(nodes: list[LocalNode],
                                                                       tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    gate = threading.Event()
    with serve_site() as site:
        sources = build_site(site, feeds=1)
        site.route("/feed0.xml", held_until(gate, feed_xml(site, 0)))
        try:
            counts = crawl_on_cluster_blocking(sources, nodes=[n.url for n in nodes], db_path=str(db),
                                               options=options(job_timeout=3.0, max_attempts=2))
        finally:
            gate.set()
    assert counts["new"] == 0 and counts["errors"] == 1
    with sqlite3.connect(db) as conn:
        [(errors,)] = conn.execute("SELECT errors FROM crawl_runs WHERE source = 'feed-0'").fetchall()
    assert "gave up after 2 attempts" in errors and "ran longer than 3s" in errors


@pytest.mark.chaos
def test_chaos_nodes_die_and_come_back_while_many_sources_crawl(tmp_path: Path, egg: bytes) -> None:
    """Three nodes; every few seconds one is killed and later restarted on its port. Every document
    still arrives exactly once."""
    db = tmp_path / "archive.db"
    cluster = [LocalNode(tmp_path / f"node{i}", max_proc=2, poll_interval=0.2) for i in range(3)]
    for node in cluster:
        node.start()
    asyncio.run(upload([n.url for n in cluster], egg, project="policywatch", version="1"))
    slow = {"CONCURRENT_REQUESTS_PER_DOMAIN": "2", "DOWNLOAD_DELAY": "0.1"}
    try:
        with serve_site() as site:
            sources = build_site(site, feeds=24)
            result: dict = {}
            crawl = threading.Thread(target=lambda: result.update(crawl_on_cluster_blocking(
                sources, nodes=[n.url for n in cluster], db_path=str(db),
                options=options(settings=slow, max_attempts=6, sources_per_job=2, wait_for_nodes=120))))
            crawl.start()
            victim = 0
            while crawl.is_alive():
                time.sleep(3)
                node = cluster[victim % 3]
                node.kill()
                time.sleep(2)
                node.start(port=node.port)  # eggs survive in its directory
                victim += 1
            crawl.join()
    finally:
        for node in cluster:
            node.stop()
    assert victim >= 2, "the crawl ended before any chaos"
    assert result["errors"] == 0, result
    assert [versions for _, versions in documents(db)] == [1] * (24 * ARTICLES_PER_FEED)


def test_a_job_whose_feed_lost_items_is_not_taken_as_complete(nodes: list[LocalNode], tmp_path: Path) -> None:
    """The node's feed exporter fails (here: an exporter that cannot write): Scrapy's stats say 6
    items were scraped, the feed gives none, so the job is not accepted."""
    db = tmp_path / "archive.db"
    broken = {"FEED_EXPORTERS": '{"jsonlines": "scrapy.exporters.BaseItemExporter"}'}
    with serve_site() as site:
        sources = build_site(site, feeds=1)
        counts = crawl_on_cluster_blocking(sources, nodes=[n.url for n in nodes], db_path=str(db),
                                           options=options(settings=broken, max_attempts=2))
    assert counts["pages"] == 0 and counts["errors"] == 1
    assert f"scraped {ARTICLES_PER_FEED} items but its feed gave 0" in counts["error_lines"][0]
