"""Column spider benchmark (``python -m benchmarks column``): a TRS government column against ``scrapy bench``.

A loopback TRS WCM column (``createPageHTML`` list pages of 25 rows, article pages with the
信息公开 table; env ``BENCH_COLUMN_PAGES``, default 500 — the issue's figure is measured with
5,000) is crawled by a real ``policywatch crawl --fast`` subprocess: list pages → articles →
gov normaliser → archive → screen/compare with the tracked seed plan. Then the unchanged
site is crawled again. Anchor, in the same run: ``scrapy bench`` (see bench_crawl).
Targets: ≥ 50% of scrapy bench's pages/min; re-crawl ≥ 5× faster storing nothing; < 300 MB peak.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks.bench_crawl import BENCH_SECONDS, crawl_twice, scrapy_bench_rate, verdict
from tests.support.govsites import TrsColumn, articles
from tests.support.site import serve_site

PAGES = int(os.environ.get("BENCH_COLUMN_PAGES", "500"))
PER_PAGE = 25


def run() -> None:
    """Print pages/min for scrapy bench and the column crawl, the re-crawl speed-up and peak memory."""
    before = scrapy_bench_rate()
    with tempfile.TemporaryDirectory(prefix="bench-column-") as tmp, serve_site() as site:
        column = TrsColumn(site, articles(PAGES), per_page=PER_PAGE)
        first, second, (versions, versions_after, _) = crawl_twice(
            Path(tmp), {"name": "bench", "kind": "column", "url": column.url, "allow_private": True,
                        "max_pages": PAGES // PER_PAGE + 2})
        stored_again = versions_after - versions
    after = scrapy_bench_rate()
    anchor = max(before, after)
    pages = first["counts"]["pages"]
    rate = pages / first["crawl"] * 60
    speedup = first["wall"] / second["wall"]
    peak = max(first["peak_mb"], second["peak_mb"])
    print(f"scrapy bench (anchor, {BENCH_SECONDS}s runs before and after): {before:,.0f} and {after:,.0f} pages/min")
    print(f"site: {PAGES:,} articles on {-(-PAGES // PER_PAGE)} TRS list pages; first crawl: {pages:,} pages, "
          f"{first['counts']['new']:,} new, {first['counts']['errors']} errors")
    print(f"column spider, full pipeline: {rate:,.0f} pages/min (crawl run {first['crawl']:.1f}s, "
          f"{first['wall']:.1f}s with process start)")
    print(f"  ratio to scrapy bench: {rate / anchor:.0%} (target ≥ 50%) {verdict(rate >= 0.5 * anchor)}")
    print(f"re-crawl of the unchanged site: {second['wall']:.2f}s, {second['counts']['pages']} pages, "
          f"new versions stored: {stored_again}")
    print(f"  speed-up vs first crawl: {speedup:.1f}x (target ≥ 5x, storing nothing) "
          f"{verdict(speedup >= 5 and stored_again == 0)}")
    print(f"peak memory of the crawl process: {peak:.0f} MB (target < 300 MB) {verdict(peak < 300)}")
