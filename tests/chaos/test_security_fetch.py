"""The crawler fetches only configured hosts, and private addresses only when a source allows them.

A feed on 127.0.0.1 (its source has ``allow_private = true``) links to 10.0.0.1, the
cloud metadata address 169.254.169.254, ``file:///etc/passwd`` and a ``*.localhost``
name, and one of its own pages redirects to the metadata address. No packet may go
to 10.x or 169.254.x even if the guard were broken: the tripwire middleware
(tests/chaos/tripwire.py) sits right behind the guard, records anything that got
past it and drops it. Loopback is tested for real.
"""
from __future__ import annotations

import json
import os
import sys
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from scrapy.http import Request

from crawler.middlewares import HostGuardMiddleware, RefusedHost
from crawler.sources import Source
from crawler.spiders.feeds import FeedSpider
from store.archive import Archive
from tests.chaos import pages
from tests.chaos.tripwire import ENV, settings_args
from tests.support import processes
from tests.support.site import Response, serve_site

ROOT = pages.ROOT
FORBIDDEN = ("http://10.0.0.1/notice.html", "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
             "http://[fd00::1]/x.html", "http://192.168.1.1/admin")


def _feed(site_url: str, other_port_url: str) -> str:
    items = [(url, f"内网链接{i}") for i, url in enumerate(FORBIDDEN)]
    items += [("file:///etc/passwd", "本地文件"), (f"{site_url}/to-metadata", "跳转"), (other_port_url, "另一个端口"),
              ("http://chaos.localhost/x.html", "localhost 子域")]
    return _rss(items)


def _rss(items: list[tuple[str, str]]) -> str:
    entries = "".join(f"<item><title>{title}</title><link>{link}</link><guid>{i}</guid>"
                      f"<description>摘要{i}：工业互联网</description></item>" for i, (link, title) in enumerate(items))
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>f</title>{entries}</channel></rss>"


def _sources(tmp_path, site_url: str):
    path = tmp_path / "sources.toml"
    path.write_text(f"""
[[source]]
name = "mirror"
kind = "feed"
url = "{site_url}/feed.xml"
allow_private = true

[[source]]
name = "redirecting-page"
kind = "page"
url = "{site_url}/page-to-ten"
allow_private = true

[[source]]
name = "follows-localhost"
kind = "feed"
url = "{site_url}/feed-localhost.xml"
follow = ["localhost"]
allow_private = true

[[source]]
name = "sneaky-name"
kind = "page"
url = "http://chaos.localhost:{site_url.rsplit(':', 1)[1]}/x.html"
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("guard")
    tripwire = tmp_path / "tripwire.log"
    with serve_site() as site, serve_site() as other_service:
        other_service.route("/internal", "<html><body><div id='js_content'><p>内部服务的数据。</p></div></body></html>")
        site.route("/feed.xml", _feed(site.base_url, other_service.url("/internal")),
                   content_type="application/rss+xml")
        other_on_localhost = other_service.url("/internal").replace("127.0.0.1", "localhost")
        site.route("/feed-localhost.xml", _rss([(other_on_localhost, "跟随的 localhost 另一端口"),
                                                 (f"{site.base_url}/to-other-localhost", "跳到另一端口")]),
                   content_type="application/rss+xml")
        site.route("/to-other-localhost", Response(302, headers={"Location": other_on_localhost}))
        site.route("/to-metadata", Response(302, headers={"Location": FORBIDDEN[1]}))
        site.route("/page-to-ten", Response(302, headers={"Location": FORBIDDEN[0]}))
        db = tmp_path / "guard.db"
        done = processes.run(
            [sys.executable, "-m", "policywatch", "--db", str(db), "crawl", "--sources", str(_sources(tmp_path, site.base_url)),
             "--format", "json", "--fast", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=3", *settings_args()],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), ENV: str(tripwire)})
        paths = [r.path for r in site.requests]
        other_hits = other_service.hits("/internal")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return {"counts": json.loads(done.stdout), "tripwire": tripwire, "paths": paths, "db": db,
            "other_port_hits": other_hits}


def test_nothing_private_got_past_the_guard(crawled):
    assert not crawled["tripwire"].exists() or crawled["tripwire"].read_text() == "", \
        f"the host guard let these through: {crawled['tripwire'].read_text()}"


def test_refusals_are_in_the_run_log(crawled):
    errors = "\n".join(crawled["counts"]["error_lines"])
    assert "169.254.169.254" in errors and "10.0.0.1" in errors, errors
    assert "chaos.localhost" in errors and "private" in errors, errors


def test_links_off_the_source_hosts_are_kept_from_the_feed_not_fetched(crawled):
    with Archive(crawled["db"]) as archive:
        for url in FORBIDDEN:
            document = archive.find_document(url)
            assert document is not None, url
            version = archive.get(document["id"]).version.to_dict()
            assert version["meta"].get("provisional"), f"{url} was fetched"
        assert archive.find_document("file:///etc/passwd") is None
    assert set(crawled["paths"]) <= {"/feed.xml", "/to-metadata", "/page-to-ten", "/robots.txt",
                                     "/feed-localhost.xml", "/to-other-localhost"}


def test_allow_private_does_not_open_other_ports(crawled):
    """Not on the source's host, nor on a host ``follow`` names (directly or by redirect)."""
    assert crawled["other_port_hits"] == 0
    errors = "\n".join(crawled["counts"]["error_lines"])
    assert "localhost:" in errors and "other than the host and port" in errors, errors


@pytest.mark.parametrize("url", ["http://localhost:6800/x", "http://localhost:8081/x", "http://127.0.0.1:6800/x",
                                 "http://10.0.0.1:8080/x"])
def test_allow_private_opens_only_the_sources_own_host_and_port(url):
    source = Source(name="s", kind="feed", url="http://127.0.0.1:8080/feed.xml", allow_private=True,
                    follow=("localhost", "10.0.0.1"))
    guard = HostGuardMiddleware(crawler=SimpleNamespace(spider=FeedSpider(sources=[source])))
    with pytest.raises(RefusedHost):
        guard.process_request(Request(url, meta={"pw_source": "s"}))
    assert guard.process_request(Request("http://127.0.0.1:8080/a.html", meta={"pw_source": "s"})) is None


GUARDED = [url for url in FORBIDDEN if "[" not in url] + ["http://localhost/x", "http://a.localhost/x",
                                                          "http://127.0.0.1:6800/"]


@pytest.mark.parametrize("url", GUARDED)
def test_guard_refuses_private_addresses_before_any_connection(url):
    """Even a source that names the host in ``follow`` may not reach it without allow_private."""
    host = urlsplit(url).hostname
    for follow in ((host,), ()):
        source = Source(name="s", kind="feed", url="https://example.org/feed.xml", follow=follow)
        spider = FeedSpider(sources=[source])
        guard = HostGuardMiddleware(crawler=SimpleNamespace(spider=spider))
        with pytest.raises(RefusedHost):
            guard.process_request(Request(url, meta={"pw_source": "s"}))
