"""The archive at scale: ingest curve, size, uncached search over a mixed query set, review pages, RSS.

``python -m benchmarks scale --docs 100000`` (default 1,000,000; not part of ``make bench``'s
default set: 1,000,000 documents took 1 h 49 min on a quiet 2-CPU machine).
``--dir DIR`` keeps the archive (default: a temporary directory); ``--reuse`` measures an
archive already built there. Documents come from :mod:`benchmarks.scale_corpus` (real
sentences and lengths); 10 % get a second version; 5 % are reposts of the tracked plan,
compared with it and alerted on.

Measured: ingest rate over the whole build and per tenth of it (``save_many``, 500 per
transaction; generating documents is not timed), versions and comparisons+alerts rates,
file size per 1,000 documents, search p50/p95 per query kind with the ranking cache
cleared before every query and no query repeated (1/2/3/4/8 characters, rare and very
common terms, two-term queries, date/source/relation filters), the review pages'
inbox/search/diff p95 over HTTP with distinct URLs, peak RSS of the build and of the
server, and, for a sample of queries, equality with a brute-force scan.
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks import scale_corpus
from benchmarks.bench_store import brute_force, timed
from benchmarks.bench_web import percentile, start_server
from benchmarks.store_corpus import words
from crawler.normalise import finish as finish_document
from store.archive import Archive
from store.documents import version_text
from store.model import Document
from store.searchindex import SEARCH_TABLE
from store.textindex import fold, shadow

#: Not run by ``make bench`` without naming it (see benchmarks/__main__.py).
DEFAULT = False
BATCH = 500
QUERIES_PER_KIND = 30
PAGE_REQUESTS = 40
EXACT_SAMPLE = 12
#: Documents indexed by FTS5 alone for the ingest baseline.
CEILING_DOCS = 3000
#: Documents saved one by one, each with its comparison, after the build (the crawl's own path).
CRAWLED = 2000
PLAN = "ai-industrial-internet"


def run(argv: list[str] | None = None) -> None:
    """Build (or reuse) the archive and print every figure (see module doc)."""
    options = _options(argv or [])
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(options.dir or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"scale-{options.docs}.db"
        built = options.docs
        if not (options.reuse and path.exists()):
            for stale in folder.glob(f"{path.name}*"):
                stale.unlink()
            built = build(path, options.docs, minutes=options.minutes)
        size = path.stat().st_size
        print(f"size: {size / 1e6:,.0f} MB, {size / built * 1000 / 1e6:.1f} MB per 1,000 documents"
              f" (target <= 10)", flush=True)
        report_search(path, built)
        report_pages(path)
        print(f"peak RSS of this process (build + search): {_rss_mb():,.0f} MB (target <= 500)")


def _options(argv: list[str]) -> argparse.Namespace:
    """--docs N, --dir DIR, --reuse, --minutes M."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks scale")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--minutes", type=float, default=None,
                        help="stop the document build after this long and measure what was built")
    parser.add_argument("--dir", default=None)
    parser.add_argument("--reuse", action="store_true")
    return parser.parse_args(argv)


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MB (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss / 1024


def build(path: Path, n: int, *, minutes: float | None = None) -> int:
    """Documents, then second versions of 10 %, then comparisons and alerts for the 5 % reposts.

    With ``minutes``, the document build stops at the first batch after that long (on a
    shared machine 1,000,000 may not fit in a session); what follows uses the documents
    built. Returns their number.
    """
    step = max(10_000, n // 10)
    seconds = cpu = 0.0
    curve: list[str] = []
    deadline = time.monotonic() + minutes * 60 if minutes else None
    number = 0
    with Archive(path) as archive:
        chunk: list[Document] = []
        last_mark = 0.0
        for number, doc in enumerate(scale_corpus.documents(n), 1):
            chunk.append(doc)
            if len(chunk) == BATCH or number == n:
                wall, used = timed(archive.save_many, chunk)
                seconds, cpu, chunk = seconds + wall, cpu + used, []
            if number % step == 0 or number == n:
                done = (number - 1) % step + 1
                curve.append(f"{done / (seconds - last_mark):,.0f}")
                last_mark = seconds
                print(f"  ... {number:,} documents, {number / seconds:,.0f}/s so far ({number / cpu:,.0f} per CPU"
                      f" second), load average {os.getloadavg()[0]:.1f}", flush=True)
            if deadline and not chunk and time.monotonic() > deadline:
                break
        print(f"ingest: {number:,} documents at {number / seconds:,.0f} documents/s (target >= 1,500;"
              f" {number / cpu:,.0f} per CPU second); "
              f"per {min(step, n):,}: {' '.join(curve)}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
              flush=True)
        finish(archive, number)
    return number


def finish(archive: Archive, n: int) -> None:
    """Everything after the document build: FTS5's ceiling, versions, comparisons, a crawl's own path."""
    ceiling = _fts_ceiling(archive)
    print(f"  FTS5 alone (the same table inserting pre-built token strings of {CEILING_DOCS:,} documents):"
          f" {ceiling:,.0f} per CPU second", flush=True)
    _versions(archive, n)
    _comparisons(archive, n)
    _crawl_ingest(archive, n)
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _fts_ceiling(archive: Archive) -> float:
    """Documents per CPU second FTS5 itself indexes: their token strings built beforehand, no Python per row.

    The baseline for ingest: the archive's own text table (its CREATE statement and its
    configuration, e.g. automerge) in memory; an index of one token per character cannot
    be filled faster than this.
    """
    shadows = [(number, shadow(doc.title or ""), shadow(doc.text), "")
               for number, doc in enumerate(scale_corpus.documents(CEILING_DOCS, seed=5), 1)]
    conn = sqlite3.connect(":memory:")
    conn.execute(archive.scalar("SELECT sql FROM sqlite_master WHERE name = ?", (SEARCH_TABLE,)))
    for key, value in archive.db.execute(f"SELECT k, v FROM {SEARCH_TABLE}_config WHERE k != 'version'"):
        conn.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rank) VALUES (?, ?)", (key, value))
    started = time.process_time()
    for start in range(0, CEILING_DOCS, BATCH):
        with conn:
            conn.executemany(f"INSERT INTO {SEARCH_TABLE} (rowid, title, body, facets) VALUES (?, ?, ?, ?)",
                             shadows[start:start + BATCH])
    return CEILING_DOCS / (time.process_time() - started)


def _versions(archive: Archive, n: int) -> None:
    """A second version for every tenth document."""
    rng = random.Random(3)
    docs = (scale_corpus.revised(doc, rng) for number, doc in enumerate(scale_corpus.documents(n)) if number % 10 == 3)
    seconds, count, chunk = 0.0, 0, []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) == BATCH:
            seconds += timed(archive.save_many, chunk)[0]
            count, chunk = count + len(chunk), []
    if chunk:
        seconds += timed(archive.save_many, chunk)[0]
        count += len(chunk)
    print(f"versions: {count:,} second versions at {count / max(seconds, 1e-9):,.0f}/s", flush=True)


def _comparisons(archive: Archive, n: int) -> None:
    """Track the plan; compare each repost variant once for real, store a comparison + alert per repost."""
    from crawler.ingest import alert_summary
    from diffing import compare

    started = time.perf_counter()
    plan_doc = Document(kind="export", url="https://bench.example/plan", title="行动方案", body=scale_corpus.plan_text())
    plan = archive.track_plan(PLAN, finish_document(plan_doc))
    compared = {v: compare(scale_corpus.plan_text(), f"编者按。\n\n{scale_corpus.plan_variant(v)}")
                for v in range(scale_corpus.VARIANTS)}
    count = 0
    for number in range(n):
        if not scale_corpus.is_repost(number):
            continue
        url = f"https://example.gov.cn/scale/{number:08d}"
        doc = archive.find_document(url)
        comparison = compared[number // scale_corpus.REPOST_EVERY % scale_corpus.VARIANTS]
        data = comparison.to_dict()
        with archive.write():
            comparison_id = archive.save_comparison(doc["latest_version_id"], plan.plan_version_id, data)
            archive.enqueue_alert(
                group_key=f"{plan.plan_version_id}:{comparison.fingerprint()}", priority=comparison.priority,
                plan_id=plan.plan_id, document_id=doc["id"], version_id=doc["latest_version_id"],
                comparison_id=comparison_id, relation=comparison.relation, title=f"转发：行动方案（{number}）",
                summary=alert_summary(Document(kind="wechat", url=url), data, plan=PLAN, source=None))
        count += 1
    seconds = time.perf_counter() - started
    print(f"comparisons + alerts: {count:,} reposts in {seconds:,.0f}s ({count / seconds:,.0f}/s)", flush=True)


def _crawl_ingest(archive: Archive, n: int) -> None:
    """What a crawl does per new document with one tracked plan: save it, store its screened-out comparison.

    Then a quarter of them change status (deleted). Each write is its own transaction, as in
    a crawl. These CRAWLED documents are numbered after the archive's own, so they are new.
    """
    from crawler.ingest import SCREENED_OUT

    plan_version_id = archive.plan(PLAN)["plan_version_id"]
    rng = random.Random(17)
    docs = [scale_corpus.make_document(n + number, n + CRAWLED, rng) for number in range(CRAWLED)]

    def crawl(batch: list[Document]) -> None:
        for doc in batch:
            archive.save_comparison(archive.save(doc).version_id, plan_version_id, SCREENED_OUT)

    def delete(batch: list[Document]) -> None:
        for doc in batch:
            archive.save(Document(kind=doc.kind, url=doc.url, status="deleted"))

    wall, cpu = timed(crawl, docs)
    gone = docs[::4]
    status_wall, status_cpu = timed(delete, gone)
    print(f"crawl ingest (save + its comparison, one transaction each): {CRAWLED / wall:,.0f} documents/s"
          f" ({CRAWLED / cpu:,.0f} per CPU second); status changes {len(gone) / status_wall:,.0f}/s"
          f" ({len(gone) / status_cpu:,.0f} per CPU second)", flush=True)


def query_mix(path: Path, rng: random.Random) -> dict[str, list[tuple[str, dict]]]:
    """Queries by kind, each (query, filters), cut from documents of the archive (so most have hits)."""
    with Archive(path) as archive:
        top = int(archive.scalar("SELECT max(id) FROM documents"))
        relation = archive.scalar("SELECT relation FROM comparisons GROUP BY relation ORDER BY count(*) DESC LIMIT 1")
        rows = archive.rows("SELECT v.lead, v.body FROM documents d JOIN versions v ON v.id = d.latest_version_id"
                            f" WHERE d.id IN ({', '.join(str(rng.randint(1, top)) for _ in range(400))})")
        texts = [fold(version_text(row)) for row in rows]
    texts = [t for t in texts if len(t) > 40]
    vocabulary = words()[0]
    common_words = [w for w in vocabulary[:3000] if len(w) >= 2][:200]

    def cut(length: int) -> str:
        while True:
            text = rng.choice(texts)
            start = rng.randrange(len(text) - length)
            piece = text[start:start + length]
            if piece.isalnum() and not piece.isascii():
                return piece

    mix: dict[str, list[tuple[str, dict]]] = collections.defaultdict(list)
    for _ in range(QUERIES_PER_KIND):
        for length in (1, 2, 3, 4, 8):
            mix[f"{length} chars"].append((cut(length), {}))
        mix["very common word"].append((rng.choice(common_words), {}))
        mix["rare (12 chars of one text)"].append((cut(12), {}))
        mix["two terms"].append((f"{cut(2)} {cut(3)}", {}))
        year = rng.randint(2019, 2025)
        mix["4 chars + date range"].append((cut(4), {"since": f"{year}-03", "until": f"{year + 1}-02-15"}))
        mix["2 chars + source"].append((cut(2), {"source": rng.choice(scale_corpus.SOURCES)}))
        mix["2 chars + commonest relation"].append((cut(2), {"relation": relation}))
    return mix


def report_search(path: Path, n: int) -> None:
    """p50/p95 per query kind (ranking cache cleared each time), then exactness against a brute-force scan."""
    rng = random.Random(11)
    mix = query_mix(path, rng)
    every: list[float] = []
    with Archive(path) as archive:
        print(f"search, {n:,} documents, uncached ({QUERIES_PER_KIND} distinct queries per kind; ms):")
        for kind, queries in mix.items():
            times, totals = [], []
            for query, filters in queries:
                archive.__dict__.pop("_rankings", None)
                started = time.perf_counter()
                totals.append(archive.search(query, **filters).total)
                times.append((time.perf_counter() - started) * 1000)
            every += times
            print(f"  {kind:<28} p50 {percentile(times, 50):7.1f}  p95 {percentile(times, 95):7.1f}"
                  f"  max {max(times):7.1f}   matches median {sorted(totals)[len(totals) // 2]:,}", flush=True)
        print(f"  {'ALL':<28} p50 {percentile(every, 50):7.1f}  p95 {percentile(every, 95):7.1f}"
              "  (targets 20 / 100; 1 char: 100 for the first page)")
        sample = [q for kind in ("1 chars", "2 chars", "3 chars", "4 chars", "8 chars", "very common word")
                  for q, _ in mix[kind][:EXACT_SAMPLE // 6]]
        expected, seconds = brute_force(archive, sample)
        same = sum({doc["id"] for doc in archive.documents(query=q, batch=2000)} == expected[q]
                   and {hit["id"] for hit in archive.search(q).hits} <= expected[q] for q in sample)
        print(f"exactness: {same}/{len(sample)} queries: every document matched equals a brute-force scan's,"
              f" and every hit of the first page is one of them ({seconds:,.0f}s scan)", flush=True)


def report_pages(path: Path) -> None:
    """Inbox, search and diff pages over HTTP, each request a distinct URL (no cache helps)."""
    rng = random.Random(5)
    with Archive(path) as archive:
        comparison_ids = [row[0] for row in archive.db.execute(
            "SELECT id FROM comparisons ORDER BY random() LIMIT ?", (PAGE_REQUESTS,)).fetchall()]
        alert_count = int(archive.scalar("SELECT count(*) FROM alerts"))
    searches = [q for q, _ in query_mix(path, rng)["2 chars"] + query_mix(path, rng)["4 chars"]]
    pages = {
        "inbox": [f"/?offset={rng.randrange(max(1, min(alert_count, 5000)))}" for _ in range(PAGE_REQUESTS)],
        "search": [f"/search?q={q}" for q in searches[:PAGE_REQUESTS]],
        "diff": [f"/diff/{cid}" for cid in comparison_ids],
    }
    process, url = start_server(path)
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            client.get("/")
            for name, targets in pages.items():
                times = []
                for target in targets:
                    started = time.perf_counter()
                    response = client.get(target)
                    times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        print(f"  {name} {target}: HTTP {response.status_code}")
                print(f"page {name:<8} p50 {percentile(times, 50):7.1f} ms  p95 {percentile(times, 95):7.1f} ms"
                      " (target p95 <= 150, distinct URLs)", flush=True)
        print(f"peak RSS of the server: {_server_rss_mb(process.pid):,.0f} MB")
    finally:
        process.terminate()
        process.wait(timeout=10)


def _server_rss_mb(pid: int) -> float:
    """VmHWM (peak RSS) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0

