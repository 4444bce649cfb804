"""Archive benchmark: ingest speed, search latency, exactness, size on disk.

``python -m benchmarks store`` (part of ``make bench``). The number of documents is
``POLICYWATCH_BENCH_DOCS`` (default 100,000); ``POLICYWATCH_BENCH_DIR`` keeps the
archive there instead of a temporary directory. Targets: ingest >= 1,000
documents/s, search p50 <= 20 ms and p95 <= 100 ms, results identical to a
brute-force scan. Baselines measured in the same run: a plain sqlite-utils
insert of the same rows (no versioning, no index) and the brute-force scan.
"""
from __future__ import annotations

import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import sqlite_utils

from benchmarks.store_corpus import ACCOUNTS, documents
from store.archive import Archive
from store.documents import version_text
from store.textindex import fold

BATCH = 500
#: What analysts type: broad policy words and exact figures (reported apart from the random samples).
ANALYST_QUERIES = ("算力", "数据", "工业互联网", "人工智能", "不少于50000家", "5G", "新型工业网络", "高质量数据集",
                   "融合赋能", "智能体")
QUERIES_PER_KIND = 40
EXACTNESS_SAMPLE = 6


def build_archive(path: str | Path, n: int, *, seed: int = 0, batch: int = BATCH) -> float:
    """Fill an archive at ``path`` with ``n`` generated documents; returns documents per second.

    Uses ``Archive.save_many`` (the same rules as ``save``, ``batch`` documents per
    transaction). Only the saving is timed, not the generation of the documents.
    The web benchmark uses it for its 100,000-document archive.
    """
    return build_archive_timed(path, n, seed=seed, batch=batch)[0]


def build_archive_timed(path: str | Path, n: int, *, seed: int = 0, batch: int = BATCH) -> tuple[float, float]:
    """Like :func:`build_archive`; returns (documents per wall-clock second, per CPU second)."""
    with Archive(path) as archive:
        timings = [timed(archive.save_many, chunk) for chunk in _chunks(documents(n, seed=seed), batch)]
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return n / sum(wall for wall, _ in timings), n / sum(cpu for _, cpu in timings)


def baseline_insert(path: Path, n: int) -> float:
    """Documents per second for a plain sqlite-utils insert_all of the same rows (no versioning, no index)."""
    db = sqlite_utils.Database(path)
    table = db["versions"]

    def insert(chunk: list) -> None:
        table.insert_all(({"url": d.url, "title": d.title, "account": d.account, "published_at": d.published_at,
                           "body": d.body} for d in chunk), batch_size=BATCH)

    seconds = sum(timed(insert, chunk)[0] for chunk in _chunks(documents(n), BATCH))
    db.close()
    return n / seconds


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last one shorter)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def timed(call: Callable[[list], object], chunk: list) -> tuple[float, float]:
    """Wall-clock and CPU seconds one call takes (CPU time is what a busy machine does not steal)."""
    started, cpu = time.perf_counter(), time.process_time()
    call(chunk)
    return time.perf_counter() - started, time.process_time() - cpu


def sample_queries(n: int, rng: random.Random) -> dict[str, list[str]]:
    """Queries of 2, 4 and 8 characters cut from random generated documents (so they have hits)."""
    texts = [doc.body for doc in documents(min(n, 2000), seed=0)]
    queries: dict[str, list[str]] = {}
    for length in (2, 4, 8):
        picked = []
        while len(picked) < QUERIES_PER_KIND:
            text = rng.choice(texts)
            start = rng.randrange(0, len(text) - length)
            query = text[start:start + length]
            if fold(query) == query and query.isalnum():
                picked.append(query)
        queries[f"{length} chars"] = picked
    return queries


def latencies(call: Callable[[str], object], queries: list[str]) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ``call`` over the queries."""
    times = []
    for query in queries:
        started = time.perf_counter()
        call(query)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def brute_force(archive: Archive, queries: list[str]) -> tuple[dict[str, set[int]], float]:
    """Document ids whose current text contains each query, by scanning every document; and seconds."""
    started = time.perf_counter()
    found: dict[str, set[int]] = {query: set() for query in queries}
    needles = [(query, fold(query)) for query in queries]
    for row in archive.documents(batch=5000):
        title, text = fold(row["title"] or ""), fold(version_text(row))
        for query, needle in needles:
            if needle in title or needle in text:
                found[query].add(row["id"])
    return found, time.perf_counter() - started


def check_exact(archive: Archive, queries: list[str]) -> tuple[int, float]:
    """How many sampled queries gave exactly the brute-force documents, and the scan's seconds."""
    expected, seconds = brute_force(archive, queries)
    same = 0
    for query in queries:
        ids = {row["id"] for row in archive.documents(query=query, batch=5000)}
        same += ids == expected[query] and archive.search(query).total == len(expected[query])
    return same, seconds / len(queries)


def run() -> None:
    """Print ingest, size, latency and exactness figures (see module doc)."""
    n = int(os.environ.get("POLICYWATCH_BENCH_DOCS", "100000"))
    keep = os.environ.get("POLICYWATCH_BENCH_DIR")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench-{n}.db"
        for stale in folder.glob(f"bench-{n}.db*"):
            stale.unlink()
        base = baseline_insert(folder / "baseline.db", min(n, 20000))
        (folder / "baseline.db").unlink()
        rate, cpu_rate = build_archive_timed(path, n)
        size = path.stat().st_size
        print(f"ingest: {n:,} documents at {rate:,.0f} documents/s (target >= 1,000; {cpu_rate:,.0f} per CPU"
              f" second) — {rate / base:.2f}x a plain sqlite-utils insert without versions or index ({base:,.0f}/s)")
        print(f"machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"size on disk: {size / 1e6:,.1f} MB, {size / n * 1000 / 1e6:.1f} MB per 1,000 documents")
        report_search(path, n)


def report_search(path: Path, n: int) -> None:
    """Search latency per query length and for a filtered query, then exactness."""
    rng = random.Random(1)
    queries = sample_queries(n, rng)
    with Archive(path) as archive:
        archive.search("预热")  # warm the page cache once
        for kind, picked in queries.items():
            p50, p95 = latencies(archive.search, picked)
            print(f"search {kind}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target 20 / 100)")
        p50, p95 = latencies(lambda q: archive.search(q, account=rng.choice(ACCOUNTS), since="2025-01-01"),
                             queries["4 chars"])
        print(f"search 4 chars + account + since: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        p50, p95 = latencies(archive.search, list(ANALYST_QUERIES))
        matches = sorted(archive.search(q, limit=0).total for q in ANALYST_QUERIES)
        print(f"search analyst terms ({', '.join(ANALYST_QUERIES[:4])}…; {matches[0]:,}–{matches[-1]:,} matches):"
              f" p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        sample = [q for picked in queries.values() for q in picked[:EXACTNESS_SAMPLE // 3]]
        same, scan = check_exact(archive, sample)
        print(f"exactness: {same}/{len(sample)} sampled queries identical to a brute-force scan; "
              f"the scan takes {scan * 1000:,.0f} ms per query (p50 speed-up "
              f"{scan * 1000 / max(p50, 0.01):,.0f}x)")
