"""A crawl killed half-way (SIGKILL): nothing stored is lost or corrupted, and the next crawl finishes the job.

The list's first page is crawled, then the process dies while the second page's articles
are in flight. The next crawl sees the broken run in ``crawl_runs`` and pages on although
page 1 brings nothing new — otherwise page 2's articles would never be fetched.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time

import pytest

from tests.support import Response, processes, serve_site
from tests.support.crawl import ROOT, crawl_command, crawl_counts, write_sources
from tests.support.miit import Article, MiitSite, article_html


def count(db, sql="SELECT count(*) FROM documents"):
    try:
        with sqlite3.connect(db, timeout=10) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_killed_crawl_resumes_and_loses_nothing(tmp_path):
    items = [Article(f"{i:032x}", f"关于第{i}号事项的通知", f"2026-02-{i % 28 + 1:02d}",
                     [f"为做好第{i}号事项，现将有关要求通知如下。", f"一、第{i}项工作要抓好落实。"]) for i in range(48)]
    with serve_site() as site:
        column = MiitSite(site, items)
        for article in items[24:]:
            body = article_html(article, column.column)
            site.route(column.article_path(article), lambda req, body=body: Response(200, body, delay=3))
        db = tmp_path / "a.db"
        sources = write_sources(tmp_path, [{"name": "col", "kind": "miit", "url": column.url, "allow_private": True,
                                            "max_pages": 5}])
        command = crawl_command(sources, db)
        child = processes.start(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 60
        while count(db) < 24 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.1)
        child.kill()
        assert child.wait() == -signal.SIGKILL, "the crawl ended before it could be killed"
        assert count(db) == 24
        assert count(db, "SELECT count(*) FROM crawl_runs WHERE status = 'running'") == 1
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        column.mount_articles()  # page 2 answers promptly again
        counts = crawl_counts(sources, db)
        assert counts["new"] == 24 and counts["errors"] == 0, counts
        assert count(db) == 48 and count(db, "SELECT count(*) FROM versions") == 48
        again = crawl_counts(sources, db)
        assert (again["new"], again["changed"], again["pages"]) == (0, 0, 2), again


@pytest.mark.chaos
def test_crawl_killed_at_random_moments_converges(tmp_path):
    """Chaos: five crawls SIGKILLed at random moments, then one left alone: every article exactly once."""
    rng = random.Random(5)
    items = [Article(f"{i:032x}", f"关于第{i}号事项的通知", f"2026-03-{i % 28 + 1:02d}",
                     [f"为做好第{i}号事项，现将有关要求通知如下。", f"一、第{i}项工作要抓好落实。"]) for i in range(96)]
    with serve_site() as site:
        column = MiitSite(site, items)
        for article in items:
            body = article_html(article, column.column)
            site.route(column.article_path(article), lambda req, body=body: Response(200, body, delay=0.2))
        db = tmp_path / "a.db"
        sources = write_sources(tmp_path, [{"name": "col", "kind": "miit", "url": column.url, "allow_private": True,
                                            "max_pages": 10}])
        command = crawl_command(sources, db)
        killed = 0
        for _ in range(5):
            child = processes.start(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    env={**os.environ, "PYTHONPATH": str(ROOT)})
            time.sleep(rng.uniform(0.2, 1.0))
            child.kill()
            killed += child.wait() == -signal.SIGKILL
            with sqlite3.connect(db) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert killed >= 3, f"only {killed} of 5 crawls were still running when killed"
        crawl_counts(sources, db)
        assert count(db) == 96 and count(db, "SELECT count(*) FROM versions") == 96
        assert count(db, "SELECT count(DISTINCT url) FROM documents") == 96
