"""Normaliser speed and accuracy on the real WeChat pages, against trafilatura in the same run.

Figures: pages/s and median ms per page for ``crawler.normalise.normalise`` and for
``trafilatura.extract`` on the same bytes, on the ~3 MB raw 2025 pages and on all
real WeChat article pages; the ratio (target >= 4x on the large pages); the body
bigram F1 of both against magic-html's human-written body; and how many WeChat
chrome strings each leaves in its text.
"""
from __future__ import annotations

import gzip
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "real" / "wechat"
ROUNDS = 3
CHROME = ("微信扫一扫", "预览时标签不可点", "继续滑动看下一个", "轻触阅读原文", "关注该公众号", "阅读原文", "轻点两下")


def _pages() -> dict[str, bytes]:
    pages = {}
    for path in sorted(PAGES.glob("*.htm*")):
        data = path.read_bytes()
        pages[path.name.removesuffix(".gz")] = gzip.decompress(data) if path.suffix == ".gz" else data
    return {name: data for name, data in pages.items()
            if not any(tag in name for tag in ("deleted", "violation", "unavailable"))}


def _median_ms(func: Callable[[bytes], str], data: bytes) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        func(data)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _ours(data: bytes) -> str:
    from crawler.normalise import normalise

    doc = normalise(data)
    return doc.text


def _trafilatura(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data) or ""


def _report(label: str, pages: dict[str, bytes], ours: dict[str, float], theirs: dict[str, float]) -> None:
    """pages/s, median ms/page and the throughput ratio for one group of pages."""
    names = list(pages)
    our_total, their_total = sum(ours[n] for n in names), sum(theirs[n] for n in names)
    our_med, their_med = statistics.median(ours[n] for n in names), statistics.median(theirs[n] for n in names)
    print(f"{label}: {len(names)} pages, {sum(map(len, pages.values())) / len(names) / 1e6:.2f} MB average")
    print(f"  ours        {1000 * len(names) / our_total:7.1f} pages/s   median {our_med:7.1f} ms/page")
    print(f"  trafilatura {1000 * len(names) / their_total:7.1f} pages/s   median {their_med:7.1f} ms/page")
    print(f"  ratio       {their_total / our_total:7.1f}x throughput  (target >= 4x on the large pages)")


def _accuracy() -> None:
    from crawler.normalise import normalise
    from crawler.normalise.quality import body_f1

    name = "magichtml_suide_tuiyijunren_2022"
    reference = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))["content"]
    data = (PAGES / f"{name}.html").read_bytes()
    for label, text in (("ours", normalise(data).body), ("trafilatura", _trafilatura(data))):
        precision, recall, f1 = body_f1(text, reference)
        print(f"  {label:11} F1 {f1:.3f}  (precision {precision:.3f}, recall {recall:.3f})")


def run() -> None:
    """Print speed, ratio and accuracy figures."""
    pages = _pages()
    ours = {name: _median_ms(_ours, data) for name, data in pages.items()}
    theirs = {name: _median_ms(_trafilatura, data) for name, data in pages.items()}
    large = {name: data for name, data in pages.items() if len(data) > 1_000_000}
    _report("large raw pages (2025 template)", large, ours, theirs)
    _report("all real WeChat article pages", pages, ours, theirs)
    print("body accuracy vs magic-html's human-written body (character-bigram F1):")
    _accuracy()
    leaks_ours = sum(_ours(pages[n]).count(c) for n in pages for c in CHROME)
    leaks_theirs = sum(_trafilatura(pages[n]).count(c) for n in pages for c in CHROME)
    print(f"WeChat chrome strings left in the text, all pages: ours {leaks_ours}, trafilatura {leaks_theirs}")
    _news_accuracy()


NEWS = ROOT / "tests" / "fixtures" / "real" / "news"


def _news_accuracy() -> None:
    """The extraction-gate corpus (34 news/government pages): mean F1 per class, ours vs trafilatura.

    Both texts are title + body (trafilatura's title from its metadata), scored against
    magic-html's expected text; a page we cannot read scores 0 and is counted as lost.
    """
    import trafilatura

    from crawler.normalise import NormaliseError, normalise
    from crawler.normalise.quality import body_f1

    expected = json.loads((NEWS / "expected.json").read_text(encoding="utf-8"))
    by_class: dict[str, list[tuple[float, float]]] = {}
    lost = []
    for name, page in expected.items():
        data = gzip.decompress((NEWS / f"{name}.html.gz").read_bytes())
        try:
            doc = normalise(data, url=page["url"])
            ours = "\n".join([doc.title, doc.lead, doc.body])
        except NormaliseError:
            ours, lost = "", [*lost, name]
        html = data.decode("utf-8", "replace")
        meta = trafilatura.extract_metadata(html)
        theirs = "\n".join([meta.title if meta and meta.title else "",
                            trafilatura.extract(html, url=page["url"], include_tables=True) or ""])
        by_class.setdefault(page["class"], []).append((body_f1(ours, page["content"])[2],
                                                       body_f1(theirs, page["content"])[2]))
    print(f"news/government pages vs magic-html's expected text ({len(expected)} pages, {len(lost)} lost):")
    every = [pair for pairs in by_class.values() for pair in pairs]
    for label, pairs in (*sorted(by_class.items()), ("all", every)):
        ours_mean = statistics.mean(a for a, _ in pairs)
        theirs_mean = statistics.mean(b for _, b in pairs)
        print(f"  {label:5} {len(pairs):3} pages  ours F1 {ours_mean:.3f}  trafilatura F1 {theirs_mean:.3f}"
              f"  {'PASS' if ours_mean >= theirs_mean else 'MISS'} (ours >= trafilatura)")
