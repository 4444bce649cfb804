"""A misbehaving loopback site: the crawl survives, keeps what is good, stores nothing broken.

429 with Retry-After, 500 then 200, a timeout, a truncated body, a redirect loop, a 30 MB page,
GBK behind a lying utf-8 header; plus the host guard (off-site and private addresses).
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.support import Response, serve_site
from tests.support.crawl import ROOT, crawl_counts, write_sources

ARTICLE = ("<html><head><meta charset=\"{charset}\"><title>{title}</title></head><body><h1>{title}</h1>"
           "<div id=\"content\"><p>{title}：为深入贯彻落实党中央、国务院决策部署，加快推进新型工业化，"
           "现就有关工作通知如下。</p><p>一、总体要求。到2028年，推动不少于50000家企业实施新型工业网络改造升级。</p>"
           "<p>二、保障措施。各地工业和信息化主管部门要加强组织实施。</p></div></body></html>")


def page(title: str, charset: str = "utf-8") -> str:
    return ARTICLE.format(title=title, charset=charset)


def stored_titles(db) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT d.url, v.title FROM documents d JOIN versions v "
                                 "ON v.id = d.latest_version_id").fetchall())


def first_then(first: Response, then: str):
    """Answer ``first`` to the first request, ``then`` afterwards; remember when each came."""
    times: list[float] = []

    def serve(request):
        times.append(time.monotonic())
        return first if request.hits == 1 else then
    serve.times = times
    return serve


@pytest.fixture
def bad_site():
    with serve_site() as site:
        site.throttled = first_then(Response(429, "slow down", headers={"Retry-After": "1"}), page("限流后成功"))
        site.route("/throttled", site.throttled)
        site.route("/flaky", first_then(Response(500, "boom"), page("重试后成功")))
        site.route("/slow", lambda req: Response(200, page("太慢"), delay=8))
        site.route("/truncated", lambda req: Response(200, page("被截断的页面") * 20, truncate_to=300))
        site.route("/loop-a", "", status=302, headers={"Location": "/loop-b"})
        site.route("/loop-b", "", status=302, headers={"Location": "/loop-a"})
        site.route("/huge", lambda req: Response(200, b"<html><body>" + b"x" * (30 * 1024 * 1024)))
        site.route("/gbk", page("工业和信息化部关于印发通知", "utf-8").encode("gbk"),
                   content_type="text/html; charset=utf-8")
        site.route("/fine", page("正常页面"))
        site.route("/overloaded", "come back tomorrow", status=429, headers={"Retry-After": "3600"})
        site.route("/private/page", page("robots.txt 不允许"))
        site.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        yield site


PATHS = ("/throttled", "/flaky", "/slow", "/truncated", "/loop-a", "/huge", "/gbk", "/fine", "/overloaded",
         "/private/page")


def test_misbehaving_site(tmp_path, bad_site):
    sources = write_sources(tmp_path, [{"name": f"p{i}", "kind": "page", "url": bad_site.url(path),
                                        "allow_private": True} for i, path in enumerate(PATHS)])
    db = tmp_path / "a.db"
    counts = crawl_counts(sources, db, "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1", "-s", "RETRY_AFTER_MAX=60")
    titles = stored_titles(db)
    url = bad_site.url
    assert titles[url("/throttled")] == "限流后成功"
    gap = bad_site.throttled.times[1] - bad_site.throttled.times[0]
    assert gap >= 0.9, f"Retry-After: 1 not honoured (retried after {gap:.2f}s)"
    assert titles[url("/flaky")] == "重试后成功"
    assert titles[url("/gbk")] == "工业和信息化部关于印发通知"
    assert titles[url("/fine")] == "正常页面"
    for broken in ("/slow", "/truncated", "/loop-a", "/huge", "/overloaded", "/private/page"):
        assert url(broken) not in titles, broken
    assert counts["new"] == 4 and counts["errors"] == 6, counts
    assert bad_site.hits("/overloaded") == 1, "a Retry-After beyond RETRY_AFTER_MAX gives up at once"
    assert bad_site.hits("/private/page") == 0, "robots.txt is obeyed"
    errors = " ".join(counts["error_lines"])
    assert "TimeoutError" in errors or "took longer" in errors
    assert "DataLoss" in errors or "ResponseFailed" in errors or "ResponseNeverReceived" in errors
    assert "redirect" in errors.lower() or "max redirections" in errors.lower() or url("/loop") in errors
    assert "maxsize" in errors.lower() or "cancel" in errors.lower()
    assert "HTTP 429" in errors and "robots.txt" in errors
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT source, status, error_count FROM crawl_runs ORDER BY source").fetchall()
    assert [r[0] for r in runs] == [f"p{i}" for i in range(len(PATHS))]
    assert sum(r[2] for r in runs) == 6


def test_hosts_outside_the_sources_are_never_fetched(tmp_path):
    with serve_site() as site:
        site.route("/feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                   f'<item><title>a</title><link>http://localhost:{site.port}/s/a</link></item>'
                   f'<item><title>b</title><link>{site.url("/s/b")}</link></item></channel></rss>')
        site.route("/s/a", page("不该抓取"))
        site.route("/s/b", page("本站文章"))
        site.route("/redirect-out", "", status=302, headers={"Location": f"http://localhost:{site.port}/s/a"})
        sources = write_sources(tmp_path, [
            {"name": "f", "kind": "feed", "url": site.url("/feed.xml"), "allow_private": True},
            {"name": "r", "kind": "page", "url": site.url("/redirect-out"), "allow_private": True}])
        counts = crawl_counts(sources, tmp_path / "a.db")
        assert site.hits("/s/a") == 0, "localhost is not one of the source's hosts"
        assert site.hits("/s/b") == 1
        assert any("not one of the source's hosts" in line for line in counts["error_lines"]), counts


SCRIPT = """
import json, sys
from crawler.runner import FAST_SETTINGS, crawl_blocking
from crawler.sources import Source
source = Source(name="sneaky", kind="page", url=sys.argv[1], allow_private=False)
print(json.dumps(crawl_blocking([source], db_path=sys.argv[2], settings=FAST_SETTINGS)))
"""


def test_private_addresses_are_refused_unless_the_source_allows_them(tmp_path):
    with serve_site({"/x": page("内网页面")}) as site:
        result = subprocess.run([sys.executable, "-c", SCRIPT, site.url("/x"), str(tmp_path / "a.db")],
                                capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert result.returncode == 0, result.stderr
        counts = json.loads(result.stdout.strip().splitlines()[-1])
        assert site.hits("/x") == 0 and site.hits("/robots.txt") == 0
        assert counts["new"] == 0 and "private/loopback" in counts["error_lines"][0]


def test_polite_by_default_one_request_at_a_time_with_a_delay(tmp_path):
    """Without --fast: one request per host at a time, DOWNLOAD_DELAY (with jitter) between them."""
    active, seen = [0], []

    def serve(request):
        active[0] += 1
        seen.append((time.monotonic(), active[0]))
        time.sleep(0.05)
        active[0] -= 1
        return page(f"文章{request.path}")

    with serve_site() as site:
        for i in range(4):
            site.route(f"/a{i}", serve)
        sources = write_sources(tmp_path, [{"name": f"p{i}", "kind": "page", "url": site.url(f"/a{i}"),
                                            "allow_private": True} for i in range(4)])
        counts = crawl_counts(sources, tmp_path / "a.db", "-s", "DOWNLOAD_DELAY=0.4",
                              "-s", "AUTOTHROTTLE_START_DELAY=0.4", fast=False)
    assert counts["new"] == 4
    assert max(level for _, level in seen) == 1, "never two requests to one host at once"
    gaps = [b - a for (a, _), (b, _) in zip(seen, seen[1:], strict=False)]
    assert min(gaps) >= 0.15, gaps


def test_text_summary_for_people(tmp_path):
    from tests.support.crawl import run_crawl

    with serve_site({"/p": page("正常页面")}) as site:
        sources = write_sources(tmp_path, [{"name": "one", "kind": "page", "url": site.url("/p"),
                                            "allow_private": True}])
        result = run_crawl(sources, tmp_path / "a.db", fmt="text")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Crawled 1 source(s) in ") and lines[0].endswith(": one")
    assert any(line.split()[-1] == "1" and "new documents" in line for line in lines)
    assert any("errors" in line and line.split()[-1] == "0" for line in lines)


def test_robots_txt_applies_to_every_request_waiting_for_it(tmp_path):
    """Regression: with Scrapy 2.19's robots middleware only the first waiting request was checked."""
    with serve_site({"/robots.txt": "User-agent: *\nDisallow: /closed/\n"}) as site:
        site.route("/robots.txt", lambda req: Response(200, "User-agent: *\nDisallow: /closed/\n", delay=0.3),
                   content_type="text/plain")
        paths = [f"/closed/{i}" for i in range(6)] + ["/open"]
        for path in paths:
            site.route(path, page(f"页面{path}"))
        sources = write_sources(tmp_path, [{"name": f"s{i}", "kind": "page", "url": site.url(path),
                                            "allow_private": True} for i, path in enumerate(paths)])
        counts = crawl_counts(sources, tmp_path / "a.db")
        assert [site.hits(f"/closed/{i}") for i in range(6)] == [0] * 6
        assert site.hits("/open") == 1 and counts["new"] == 1 and counts["errors"] == 6


def test_exit_status_1_when_every_fetch_failed(tmp_path):
    from tests.support.crawl import run_crawl

    with serve_site({"/down": "boom"}) as site:
        site.route("/down", "boom", status=503)
        sources = write_sources(tmp_path, [{"name": "down", "kind": "page", "url": site.url("/down?key=s3cr3t"),
                                            "allow_private": True}])
        result = run_crawl(sources, tmp_path / "a.db", "-s", "RETRY_TIMES=0", fmt="text")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "! down: HTTP 503:" in result.stdout and "/down?key=***" in result.stdout
    assert "s3cr3t" not in result.stdout + result.stderr
    with sqlite3.connect(tmp_path / "a.db") as conn:
        assert "s3cr3t" not in conn.execute("SELECT errors FROM crawl_runs").fetchone()[0]
