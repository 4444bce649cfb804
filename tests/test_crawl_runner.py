"""The runner as the scheduler uses it (crawl() awaited again and again in one reactor), and the demo."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from tests.support import Response, processes, serve_site
from tests.support.crawl import ROOT

PAGE = ("<html><head><title>工业和信息化部通知</title></head><body><h1>工业和信息化部通知</h1><div id=content>"
        "<p>为深入贯彻落实党中央、国务院决策部署，加快推进新型工业化，现就有关工作通知如下。</p></div></body></html>")

SCRIPT = """
import asyncio, json, sys
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from crawler.runner import FAST_SETTINGS, crawl
from crawler.sources import Source

seen = []

async def main():
    source = Source(name="watched", kind="page", url=sys.argv[1], allow_private=True)
    results = [await crawl([source], db_path=sys.argv[2], settings=FAST_SETTINGS, progress=seen.append)
               for _ in range(3)]
    print(json.dumps({"results": results, "progress": seen[-1]}))

def start():
    Deferred.fromFuture(asyncio.ensure_future(main())).addBoth(lambda result: (reactor.stop(), result)[1])

reactor.callWhenRunning(start)
reactor.run()
"""


def conditional_page(request):
    if request.headers.get("If-None-Match") == '"v1"':
        return Response(304, b"", headers={"ETag": '"v1"'})
    return Response(200, PAGE, headers={"ETag": '"v1"'})


def test_crawl_can_run_many_times_in_one_reactor(tmp_path):
    db = tmp_path / "a.db"
    with serve_site({"/p": conditional_page}) as site:
        result = subprocess.run([sys.executable, "-c", SCRIPT, site.url("/p"), str(db)], capture_output=True,
                                text=True, cwd=ROOT, timeout=120)
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout.strip().splitlines()[-1])
        first, second, third = out["results"]
        assert first["new"] == 1 and first["sources"] == ["watched"]
        assert second["not_modified"] == 1 and second["new"] == 0 and third["not_modified"] == 1
        assert out["progress"]["pages"] == 1
        assert [r.headers.get("If-None-Match") for r in site.requests if r.path == "/p"] == [None, '"v1"', '"v1"']
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM crawl_runs WHERE status = 'finished'").fetchone()[0] == 3
        assert conn.execute("SELECT etag FROM documents").fetchone()[0] == '"v1"'


def test_demo_runs_offline_and_shows_what_matters(tmp_path):
    result = processes.run([sys.executable, "-m", "policywatch.demo", "--out", str(tmp_path / "demo-out")],
                           capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in result.stderr
    for expected in ("Documents found", "Alerts", "不少于50000家 → 不少于60000家", "[HIGH", "Diff:",
                     "is now deleted — its last text is kept", "policywatch --db", "serve"):
        assert expected in out, expected
    with sqlite3.connect(tmp_path / "demo-out" / "policywatch.db") as conn:
        kinds = dict(conn.execute("SELECT kind, count(*) FROM documents GROUP BY kind").fetchall())
        relations = {r for (r,) in conn.execute("SELECT relation FROM comparisons")}
        pdf_body = conn.execute("SELECT meta FROM versions WHERE title LIKE '%关于印发%'").fetchone()[0]
    assert kinds.get("miit", 0) >= 4 and kinds.get("wechat", 0) >= 4
    assert {"identical", "unrelated", "altered_repost", "repost", "interpretation"} <= relations
    assert '"body_from": "pdf"' in pdf_body
