"""Crawler benchmark (``python -m benchmarks crawl``): the full pipeline against ``scrapy bench``.

A loopback MIIT-like column of 5,000 article pages (env ``BENCH_CRAWL_PAGES``) is crawled
by a real ``policywatch crawl --fast`` subprocess (politeness off for the benchmark only):
column shell → list API pages → articles → normalise → archive → compare with the
tracked seed plan → alerts. Then the unchanged site is crawled again.

Anchor, measured in the same run: ``scrapy bench`` (Scrapy's own loopback benchmark,
link following with no processing), run in a directory without our project settings.
Targets: full pipeline ≥ 50% of scrapy bench's pages/min; the re-crawl ≥ 5× faster than
the first crawl and storing nothing; peak memory of the crawl process < 300 MB.

Revision cost: what comparing a new version with its previous one (``crawler.changes.
version_diff``, the ``revised`` alert's diff) adds per changed document, measured in process
over the benchmark's own articles with one figure changed; target ≤ 2 ms median.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from crawler.changes import version_diff
from crawler.normalise import load
from store.archive import Archive
from tests.support.crawl import write_sources
from tests.support.miit import PAGE_SIZE, Article, MiitSite
from tests.support.site import serve_site

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"
PAGES = int(os.environ.get("BENCH_CRAWL_PAGES", "5000"))
BENCH_SECONDS = int(os.environ.get("BENCH_SCRAPY_SECONDS", "10"))
NEWS = ("工业和信息化部召开专题会议，研究部署制造业数字化转型工作。", "会议强调，要坚持稳中求进工作总基调，推动工业经济平稳运行。",
        "各地工业和信息化主管部门要加强统筹协调，抓好政策落实。", "要加快培育新质生产力，推进产业科技创新和产业链深度融合。",
        "会议要求，切实做好安全生产、节能降碳和中小企业服务等工作。", "有关司局负责同志参加会议。")


def run() -> None:
    """Print pages/min for scrapy bench and the full pipeline, the re-crawl speed-up and peak memory."""
    before = scrapy_bench_rate()
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp, serve_site() as site:
        column = MiitSite(site, bench_articles(PAGES), waf=False)
        first, second, stored = crawl_twice(Path(tmp), {"name": "bench", "kind": "miit", "url": column.url,
                                                        "allow_private": True, "max_pages": PAGES // PAGE_SIZE + 2})
    after = scrapy_bench_rate()
    anchor = max(before, after)
    print(f"scrapy bench (anchor, {BENCH_SECONDS}s runs before and after, no processing): {before:,.0f} and "
          f"{after:,.0f} pages/min; the higher one is the anchor (the machine is shared)")
    report(anchor, first, second, *stored)
    revision_cost()


#: Changed documents timed for the revision cost (each a different text, so nothing is memoised).
REVISIONS = int(os.environ.get("BENCH_REVISIONS", "400"))


def revision_cost() -> None:
    """Median and p95 ms of diffing a changed document's new version with its previous one."""
    articles = bench_articles(REVISIONS)
    timings: list[float] = []
    for article in articles:
        old = "\n\n".join(article.paragraphs)
        new = _revised(old)
        started = time.perf_counter()
        diff = version_diff(article.title, old, article.title, new)
        timings.append((time.perf_counter() - started) * 1000)
        assert diff["changes"], "every timed document really changed"
    plan = load(str(SEED)).body
    started = time.perf_counter()
    version_diff("", plan, "", plan.replace("50000", "60000"))
    whole_plan = (time.perf_counter() - started) * 1000
    median = statistics.median(timings)
    p95 = sorted(timings)[int(len(timings) * 0.95)]
    print(f"revision diff (new version vs previous, {len(timings)} changed articles): median {median:.2f} ms, "
          f"p95 {p95:.2f} ms (target median ≤ 2 ms) {verdict(median <= 2.0)}; "
          f"the whole seed plan ({len(plan):,} chars): {whole_plan:.1f} ms")


def crawl_twice(tmp: Path, source: dict) -> tuple[dict, dict, tuple[int, int, int]]:
    """Track the seed plan, crawl ``source`` twice: (first, second, (versions, versions after, alerts))."""
    db = tmp / "bench.db"
    with Archive(db) as archive:
        archive.track_plan("ai-plan", load(str(SEED)))
    sources = write_sources(tmp, [source])
    first = timed_crawl(sources, db)
    versions = count(db, "versions")
    second = timed_crawl(sources, db)
    return first, second, (versions, count(db, "versions"), count(db, "alerts"))


def bench_articles(n: int) -> list[Article]:
    """``n`` article pages: mostly ordinary news, every 20th quoting the tracked plan (1 in 100 with a changed figure)."""
    plan = [p for p in load(str(SEED)).body.split("\n\n") if p.strip()]
    items = []
    for i in range(n):
        if i % 20 == 0:
            paragraphs = plan[i % 7: i % 7 + 12]
            if i % 100 == 0:
                paragraphs = [p.replace("50000", "60000") for p in paragraphs]
        else:
            paragraphs = [f"（{i}）{NEWS[(i + k) % len(NEWS)]}" for k in range(6)]
        items.append(Article(f"{i:032x}", f"工业和信息化部第{i}号工作动态", f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                             paragraphs))
    return items


def _revised(text: str) -> str:
    """``text`` as a silent edit would leave it: a figure raised, else a few words changed."""
    for old, new in (("50000", "60000"), ("会议强调", "大会强调"), ("加快", "全面加快")):
        if old in text:
            return text.replace(old, new, 1)
    return text + "\n\n本通知自印发之日起施行。"


def timed_crawl(sources: Path, db: Path) -> dict:
    """Run ``policywatch crawl --fast`` as a child; wall time, crawl-run time, counts, peak RSS (MB)."""
    command = [sys.executable, "-m", "policywatch", "--db", str(db), "crawl", "--sources", str(sources),
               "--format", "json", "--fast"]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode not in (0, 1):
            raise SystemExit(f"crawl failed: {err.read().strip().splitlines()[-1:]}")
        counts = json.loads(out.read())
    with sqlite3.connect(db) as conn:
        started_at, finished_at = conn.execute(
            "SELECT started_at, finished_at FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    crawl = (datetime.fromisoformat(finished_at) - datetime.fromisoformat(started_at)).total_seconds()
    return {"wall": wall, "crawl": crawl, "counts": counts, "peak_mb": usage.ru_maxrss / 1024}


def scrapy_bench_rate() -> float:
    """Best steady pages/min of ``scrapy bench`` (run outside the project so its defaults apply)."""
    with tempfile.TemporaryDirectory(prefix="scrapy-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
        result = subprocess.run([str(Path(sys.executable).with_name("scrapy")), "bench", "-s",
                                 f"CLOSESPIDER_TIMEOUT={BENCH_SECONDS}", "-s", "LOGSTATS_INTERVAL=1"],
                                cwd=tmp, env=env, capture_output=True, text=True, timeout=BENCH_SECONDS + 60)
    rates = [float(r) for r in re.findall(r"\(at (\d+) pages/min\)", result.stderr)]
    steady = sorted(rates)[len(rates) // 2:] if rates else [0.0]
    return sum(steady) / len(steady)


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]


def report(anchor: float, first: dict, second: dict, versions: int, versions_after: int, alerts: int) -> None:
    pages = first["counts"]["pages"]
    rate = pages / first["crawl"] * 60
    rate_wall = pages / first["wall"] * 60
    speedup = first["wall"] / second["wall"]
    peak = max(first["peak_mb"], second["peak_mb"])
    print(f"site: {PAGES:,} article pages; first crawl: {pages:,} pages, {first['counts']['new']:,} new documents, "
          f"{alerts} alerts, {first['counts']['errors']} errors")
    print(f"full pipeline: {rate:,.0f} pages/min (crawl run {first['crawl']:.1f}s); "
          f"{rate_wall:,.0f} pages/min incl. process start ({first['wall']:.1f}s)")
    print(f"  ratio to scrapy bench: {rate / anchor:.0%} (target ≥ 50%) {verdict(rate >= 0.5 * anchor)}")
    print(f"re-crawl of the unchanged site: {second['wall']:.2f}s, {second['counts']['pages']} pages, "
          f"new versions stored: {versions_after - versions}, alerts: {second['counts']['alerts']}")
    print(f"  speed-up vs first crawl: {speedup:.1f}x (target ≥ 5x, storing nothing) "
          f"{verdict(speedup >= 5 and versions_after == versions and second['counts']['alerts'] == 0)}")
    print(f"peak memory of the crawl process: {peak:.0f} MB (target < 300 MB) {verdict(peak < 300)}")


def verdict(ok: bool) -> str:
    """PASS or FAIL, for a target line."""
    return "PASS" if ok else "FAIL"
