"""Review-page speed: p50/p95 response times of the inbox, a diff page and search pages
over real HTTP against ``policywatch serve`` (a subprocess on 127.0.0.1), on an archive of
100,000 documents (``POLICYWATCH_BENCH_WEB_DOCS`` to change; the archive is cached in
bench-out/web/ between runs). Target: p95 under 150 ms.

Baselines measured in the same run: the server's floor (a static file over the same
connection) and the archive/diff call behind each page made directly in this process,
so the ratio shows what the web layer adds.
"""
from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from crawler.normalise import finish
from store.archive import Archive
from store.model import Document

OUT = Path("bench-out/web")
DOCS = int(os.environ.get("POLICYWATCH_BENCH_WEB_DOCS", "100000"))
ALERTS = 2_000
REQUESTS = 60
TARGET_P95_MS = 150.0
SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_9b394f8deb7d7ec6.txt"
ACCOUNTS = [f"{city}工信" for city in "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青蒙桂藏宁新"]


def plan_text() -> str:
    """The seed's plan body (title line to …新职业培训和评价。), bold marks stripped."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = lines.index("工业互联网和人工智能融合赋能行动方案")
    end = next(i for i, line in enumerate(lines) if line.rstrip("*").endswith("新职业培训和评价。"))
    return "\n".join(lines[start:end + 1]).replace("**", "")


def build(path: Path, n: int) -> None:
    """The benchmark archive: ``n`` generated documents (benchmarks.store_corpus), the plan tracked,
    and ``ALERTS`` reposts ingested through the real path (comparisons and alerts)."""
    from benchmarks.store_corpus import documents

    started = time.perf_counter()
    with Archive(path) as archive:
        batch: list[Document] = []
        for doc in documents(n, seed=7):
            batch.append(doc)
            if len(batch) == 1000:
                archive.save_many(batch)
                batch = []
        if batch:
            archive.save_many(batch)
        _alerts(archive, plan_text(), random.Random(7))
    print(f"built {n:,} documents + {ALERTS:,} alerts in {time.perf_counter() - started:.0f}s", flush=True)


def _alerts(archive: Archive, plan: str, rng: random.Random) -> None:
    """Track the plan and ingest altered reposts through the real path; the newest alert is one."""
    from crawler.ingest import Ingestor

    archive.track_plan("ai-industrial-internet", finish(Document(kind="export", title="行动方案", body=plan,
                                                                 url="https://bench.example/plan")))
    ingest = Ingestor(archive)
    for i in range(ALERTS):
        number = 50000 + rng.randint(1, 40) * 1000
        body = plan.replace("不少于50000家", f"不少于{number}家") if i % 4 == 0 else plan
        ingest.ingest_document(finish(Document(
            kind="wechat", url=f"https://bench.example/repost/{i}", title=f"转发：行动方案全文（{i}）",
            account=ACCOUNTS[i % len(ACCOUNTS)], lead=f"编者按（{i}）。", body=body,
            published_at="2026-01-09")), source="wechat-feed")


def ensure_archive() -> Path:
    """The cached benchmark archive, built when missing or of another size."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"archive-{DOCS}.db"
    if path.exists():
        with Archive(path) as archive:
            if archive.db["documents"].count >= DOCS + ALERTS:
                print(f"reusing {path}", flush=True)
                return path
        for leftover in OUT.glob(f"{path.name}*"):
            leftover.unlink()
    build(path, DOCS)
    return path


def timings(call: Callable[[], object], n: int = REQUESTS) -> list[float]:
    """Milliseconds per call, after three warm-up calls."""
    for _ in range(3):
        call()
    out = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def start_server(path: Path) -> tuple[subprocess.Popen, str]:
    """``policywatch serve --port 0`` as a subprocess; returns it and its URL."""
    process = subprocess.Popen([sys.executable, "-m", "policywatch", "--db", str(path), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    banner = process.stdout.readline()
    return process, banner.rsplit(" at ", 1)[1].split()[0].rstrip("/")


def run() -> None:
    """Print p50/p95 per page, the baselines and the ratios."""
    import diffing

    path = ensure_archive()
    with Archive(path) as archive:
        alert = archive.alerts(limit=1, priority="high")[0]
        row = archive.comparison(alert.comparison_id)
        plan_body = archive.plan_version(row["plan_version_id"])["body"]
        version = archive.get_version(row["version_id"])
        doc_text = version.text if version else ""
        direct = {
            "inbox": lambda: archive.alerts(limit=51),
            "diff": lambda: diffing.compare(plan_body, doc_text),
            "search 算力": lambda: archive.search("算力", limit=20),
            "search 工业互联网": lambda: archive.search("工业互联网", limit=20),
            "search filtered": lambda: archive.search("算力", account="工信微报", since="2025-01-01", limit=20),
        }
        direct_ms = {name: statistics.median(timings(call, 20)) for name, call in direct.items()}
    pages = {
        "inbox": "/", "diff": f"/diff/{alert.comparison_id}", "search 算力": "/search?q=算力",
        "search 工业互联网": "/search?q=工业互联网",
        "search filtered": "/search?q=算力&account=工信微报&since=2025-01-01",
    }
    process, url = start_server(path)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            floor = statistics.median(timings(lambda: client.get("/static/app.js")))
            print(f"{DOCS:,} documents; {REQUESTS} requests per page over HTTP to policywatch serve")
            print(f"{'page':<20}{'p50 ms':>9}{'p95 ms':>9}{'direct ms':>11}{'web/direct':>12}  target p95 < 150 ms")
            for name, target in pages.items():
                first = client.get(target)
                if first.status_code != 200:
                    print(f"{name:<20} HTTP {first.status_code}: {first.text[:200]}")
                    continue
                ms = timings(lambda target=target: client.get(target))
                p50, p95 = percentile(ms, 50), percentile(ms, 95)
                verdict = "ok" if p95 < TARGET_P95_MS else "SLOW"
                print(f"{name:<20}{p50:>9.1f}{p95:>9.1f}{direct_ms[name]:>11.1f}"
                      f"{p50 / max(direct_ms[name], 0.01):>11.1f}x  {verdict}")
            print(f"{'static file (floor)':<20}{floor:>9.1f}")
    finally:
        process.terminate()
        process.wait(timeout=10)
