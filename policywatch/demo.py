"""``make demo``: crawl a bundled offline mirror into a fresh archive and show what policywatch noticed.

The mirror (policywatch/demo_site) is served on 127.0.0.1: a MIIT-like 政策解读 column
(list API, articles, the plan as a PDF) and a WeChat aggregator feed whose articles
include a repost of the tracked plan with a changed figure. The demo tracks the seed
plan, crawls twice (the second "day" a repost was deleted and a new article appeared),
and prints the documents, their relation to the plan, the alerts and one diff.
No network is needed. Run: ``.venv/bin/python -m policywatch.demo [--out DIR]``.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from crawler.normalise import finish, load
from crawler.report import progress_line, summary_lines
from crawler.runner import FAST_SETTINGS, crawl_blocking
from crawler.sources import Source
from policywatch.demo_site import build_site, data, plan_path
from policywatch.demo_site.server import MirrorServer
from store.archive import Archive
from store.records import VersionRecord

PLAN_NAME = "ai-plan"
DEMO_SETTINGS = {**FAST_SETTINGS, "DOWNLOAD_TIMEOUT": 10, "RETRY_TIMES": 1}


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m policywatch.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="demo-out", help="Directory for the demo archive (default: demo-out).")
    args = parser.parse_args(argv)
    out = Path(args.out)
    db = out / "policywatch.db"
    _fresh(out)
    plan = plan_document()
    with Archive(db) as archive:
        archive.track_plan(PLAN_NAME, plan)
    color = sys.stdout.isatty()
    with MirrorServer() as server:
        sources = demo_sources(server.base_url)
        _heading("policywatch demo — offline mirror on " + server.base_url + " (no network needed)", color)
        print(f"Tracking plan “{PLAN_NAME}”: {plan.title}  ({len(plan.body):,} characters)")
        print(f"Sources: {', '.join(f'{s.name} ({s.kind})' for s in sources)}\n")
        server.mirror = build_site(server.base_url, plan, round_no=1)
        first = _crawl("Day 1 — first crawl", sources, db, color)
        with Archive(db) as archive:
            known = show_documents(archive, color)
            show_alerts(archive, color)
            show_diff(archive, plan, color)
        server.mirror = build_site(server.base_url, plan, round_no=2)
        second = _crawl("Day 2 — the feed changed, a repost was deleted", sources, db, color)
        with Archive(db) as archive:
            show_changes(archive, known, first, second)
            show_timeline(archive, color)
    _heading("Review it in the browser", color)
    print(f"  .venv/bin/policywatch --db {db} serve")
    return 0


def plan_document() -> Any:
    """The seed export, titled by the plan's own heading: the archive tracks its body (the
    plan); the mirror reuses its lead as the commentary of 赛博研究院's repost."""
    seed = load(plan_path())
    title = seed.body.strip().split("\n", 1)[0].strip() or seed.title
    return finish(replace(seed, title=title, outline=[], content_hash=""))


def demo_sources(base_url: str) -> list[Source]:
    """The two sources the demo crawls: the mirror's MIIT column and its WeChat feed."""
    site = data()
    return [
        Source(name="demo-miit-zcjd", kind="miit", url=f"{base_url}{site['miit']['column']}index.html",
               allow_private=True, label="MIIT 政策解读 (mirror)"),
        Source(name="demo-wechat-feed", kind="feed", url=f"{base_url}{site['feed']['path']}", allow_private=True,
               follow=("127.0.0.1",), recheck="0s", label="WeChat aggregator feed (mirror)"),
    ]


def _crawl(title: str, sources: list[Source], db: Path, color: bool) -> dict[str, Any]:
    _heading(title, color)
    started = time.monotonic()

    def progress(counts: dict[str, Any]) -> None:
        if sys.stderr.isatty():
            print(f"\r\033[K  {progress_line(counts)}", end="", file=sys.stderr, flush=True)

    counts = crawl_blocking(sources, db_path=str(db), progress=progress, settings=DEMO_SETTINGS) \
        if title.startswith("Day 1") else _crawl_again(sources, db, progress)
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    print("\n".join(summary_lines(counts, seconds=time.monotonic() - started)))
    return counts


def _crawl_again(sources: list[Source], db: Path, progress: Any) -> dict[str, Any]:
    """A second crawl in a child process: a Twisted reactor cannot be started twice in one process."""
    import json
    import subprocess

    code = ("import json,sys\nfrom crawler.runner import crawl_blocking\nfrom crawler.sources import Source\n"
            "args=json.loads(sys.argv[1])\n"
            "print(json.dumps(crawl_blocking([Source.from_dict(s) for s in args['sources']], db_path=args['db'],"
            " settings=args['settings'])))")
    payload = json.dumps({"sources": [s.to_dict() for s in sources], "db": str(db), "settings": DEMO_SETTINGS})
    result = subprocess.run([sys.executable, "-c", code, payload], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def show_documents(archive: Archive, color: bool) -> set[int]:
    """Print every document found with its relation to the tracked plan; return their ids."""
    _heading("Documents found", color)
    relations = {c["document_id"]: c["relation"] for c in reversed(archive.comparisons())}
    for doc in archive.documents():
        stored = archive.get(doc["id"])
        latest = stored.version if stored else None
        who = (latest.account or latest.meta.get("来源") if latest else None) or doc.get("source") or ""
        status = "" if doc.get("status") == "ok" else f"  [{doc.get('status')}]"
        relation = relations.get(doc["id"], "—")
        kind = latest.kind if latest else doc.get("kind", "")
        title = (latest.title if latest else "") or doc.get("url") or ""
        print(f"  #{doc['id']:<3} {kind:<7} {relation:<15} {_pad(who, 14)} {title[:46]}{status}")
    return {doc["id"] for doc in archive.documents()}


def _pad(text: str, width: int) -> str:
    """``text`` cut/padded to ``width`` terminal columns (CJK characters take two)."""
    import unicodedata

    out, used = "", 0
    for char in text:
        size = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + size > width:
            break
        out, used = out + char, used + size
    return out + " " * (width - used)


def show_alerts(archive: Archive, color: bool) -> None:
    """The alerts enqueued, high priority first, with their changed figures."""
    _heading("Alerts", color)
    alerts = sorted(archive.alerts(), key=lambda a: (a.priority != "high", a.id))
    if not alerts:
        print("  (none)")
    for alert in alerts:
        count = alert.doc_count or 1
        what = alert.relation or alert.kind
        print(f"  [{alert.priority.upper():<6}] {what:<15} {alert.title}"
              + (f"  (+{count - 1} more)" if count > 1 else ""))
        for figure in alert.summary.figures[:3]:
            old, new = (figure.get("old"), figure.get("new")) if "old" in figure else (figure["plan"], figure["doc"])
            print(f"           figure: {old or '(none)'} → {new or '(removed)'}   {figure['context'][:32]}")


def show_diff(archive: Archive, plan: Any, color: bool) -> None:
    """The diff behind the first high-priority alert, as the terminal renderer shows it."""
    from diffing import compare
    from diffing.render import render_text

    alerts = sorted(archive.alerts(kind="plan"),
                    key=lambda a: (a.priority != "high", not a.summary.figures))
    if not alerts:
        return
    version = _latest(archive, alerts[0].document_id)
    if version is None:
        return
    _heading(f"Diff: tracked plan vs “{version.title}” ({version.account or ''})", color)
    print(render_text(compare(plan.body, version.text, plan_title=plan.title, doc_title=version.title), color=color))


def _latest(archive: Archive, document_id: int | None) -> VersionRecord | None:
    """The latest stored version of a document (None when it has none)."""
    stored = archive.get(document_id) if document_id else None
    return stored.version if stored else None


def show_changes(archive: Archive, known: set[int], first: dict[str, Any], second: dict[str, Any]) -> None:
    """What the second crawl brought: new documents and status changes (nothing else was stored again)."""
    for doc in archive.documents():
        if doc["id"] not in known:
            latest = _latest(archive, doc["id"])
            if latest:
                print(f"  #{doc['id']} new: “{latest.title}” ({latest.account})")
        for event in archive.events(doc["id"]):
            if event.get("old_status") and event["new_status"] != "ok":
                latest = _latest(archive, doc["id"])
                title, account = (latest.title, latest.account) if latest else ("", None)
                print(f"  #{doc['id']} “{title}” ({account}) is now {event['new_status']}"
                      " — its last text is kept in the archive")
    print(f"  alerts in the archive: {len(archive.alerts())} (day 1: {first['alerts']}, day 2: {second['alerts']})")


def show_timeline(archive: Archive, color: bool) -> None:
    """The seed plan's life so far: the official notice, its interpretation, reposts, deletions."""
    plan = archive.plan(PLAN_NAME)
    _heading(f"Timeline of “{PLAN_NAME}” (policywatch timeline {PLAN_NAME})", color)
    for event in archive.timeline(plan["id"]) if plan else []:
        figures = "; ".join(f"{f.get('plan')} → {f.get('doc')}" for f in event["figures"][:2])
        print(f"  {str(event['date'] or '')[:16]:<16}  {event['event']:<14} {_pad(event['account'] or '', 14)} "
              f"{(event['title'] or '')[:40]}" + (f"  [{figures}]" if figures else ""))


def _heading(text: str, color: bool) -> None:
    print(f"\n\033[1m{text}\033[0m" if color else f"\n== {text}")


def _fresh(out: Path) -> None:
    if out.exists():
        for name in ("policywatch.db", "policywatch.db-wal", "policywatch.db-shm"):
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "tmp", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
