"""A seeded misbehaving website on 127.0.0.1:<ephemeral>: a WeChat-style feed and a MIIT column.

Everything it does wrong is decided by ``seed``, so a failing run can be replayed:

* **transient faults** (the first ``faulty_attempts`` requests to a URL may fail, each with
  probability ``rate``): 429 with Retry-After, 500/502/503, timeouts, connection resets,
  bodies cut short of their Content-Length, HTML cut before ``</html>``, pages over the
  crawl's size limit; feeds with broken XML or a captcha page instead of XML; the MIIT list
  API answering 403, 500, garbage JSON or ``{"success": false}``;
* **quirks** (an article is always served that way): GBK bytes under a ``charset=utf-8``
  header, a slow drip, a redirect chain, a wrong Content-Type, malformed HTML, a large page,
  a duplicate feed entry (same GUID, tracking parameters on the link);
* **status pages**: WeChat "deleted by the author" and the 环境异常 anti-bot page;
* **change itself**: :meth:`MisbehavingSite.revise` edits a figure of a published article
  and :meth:`MisbehavingSite.remove` turns one into the deleted page (both re-dated in the
  feed, and their faults start over).

Because faults stop after ``faulty_attempts`` requests per URL, repeated crawls converge:
the archive must then hold exactly :meth:`MisbehavingSite.expected` — no document lost,
none twice. ``faults`` counts what was injected, by kind, for the reliability report.

    with MisbehavingSite(seed=7, articles=12) as site:
        write the sources for site.feed_url and site.miit_url, crawl, compare with site.expected()
"""
from __future__ import annotations

import hashlib
import json
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.chaos import pages
from tests.support import miit

ARTICLE_FAULTS = ("http_429", "http_500", "http_502", "http_503", "timeout", "reset", "truncated_body",
                  "cut_html", "oversized")
FEED_FAULTS = ("http_500", "http_503", "broken_xml", "captcha_instead_of_feed", "reset")
API_FAULTS = ("api_403", "api_500", "garbage_json", "api_success_false", "reset")
QUIRKS = ("plain", "gbk_lying_header", "slow_drip", "redirect_chain", "wrong_content_type",
          "malformed_html", "large_page", "duplicate_guid")
#: Bytes of a page that exceeds the crawl's DOWNLOAD_MAXSIZE (the chaos crawls set 1.5 MB).
OVERSIZED_BYTES = 2_000_000
LARGE_PAGE_BYTES = 600_000
MIIT_COLUMN = "/zwgk/zcjd/"
MIIT_PAGE_ID = "ca517c97303b40cf80bd668b35f6148f"


@dataclass(frozen=True)
class Expected:
    """What the archive must hold once crawls converge: one entry per published URL."""

    ok: dict[str, str]           # article marker → the document's expected title
    statuses: dict[str, str]     # status-page URL → deleted | blocked (blocked: a provisional copy)


@dataclass
class _Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] | None = None
    drip: bool = False


class MisbehavingSite:
    """The server; see the module docstring. Use as a context manager or call :meth:`close`."""

    def __init__(self, *, seed: int, articles: int = 12, miit_articles: int = 3, rate: float = 0.4,
                 faulty_attempts: int = 2, timeout_sleep: float = 2.5) -> None:
        self.seed = seed
        self.rate = rate
        self.faulty_attempts = faulty_attempts
        self.timeout_sleep = timeout_sleep
        self.articles = pages.make_articles(articles, seed)
        self.quirks = {a.slug: QUIRKS[(i + seed) % len(QUIRKS)] for i, a in enumerate(self.articles)}
        self.miit_articles = _miit_articles(miit_articles, seed)
        self.visible = len(self.articles)
        self.removed: set[str] = set()
        self.faults: Counter[str] = Counter()
        self.quirks_served: Counter[str] = Counter()
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="misbehaving-site", daemon=True)
        self._thread.start()

    # --- public ------------------------------------------------------------------------
    @property
    def feed_url(self) -> str:
        """The WeChat-style RSS feed."""
        return f"{self.base_url}/feed.xml"

    @property
    def miit_url(self) -> str:
        """The MIIT column page (a JS shell in front of the list API)."""
        return f"{self.base_url}{MIIT_COLUMN}index.html"

    def publish(self, count: int) -> None:
        """List only the first ``count`` articles in the feed (a site that grows between crawls)."""
        self.visible = max(0, min(count, len(self.articles)))

    def revise(self, slug: str) -> tuple[str, str]:
        """Change the figure of published article ``slug``; returns (old, new) figure."""
        index = next(i for i, a in enumerate(self.articles) if a.slug == slug)
        article = self.articles[index]
        old = str(50000 + 1000 * (index + 1))
        new = str(int(old) + 7)
        paragraphs = tuple(p.replace(old, new) for p in article.paragraphs)
        self._republish(index, replace(article, paragraphs=paragraphs))
        return old, new

    def remove(self, slug: str) -> None:
        """From now on serve article ``slug`` as WeChat's "deleted by the author" page."""
        index = next(i for i, a in enumerate(self.articles) if a.slug == slug)
        self.removed.add(slug)
        self._republish(index, self.articles[index])

    def _republish(self, index: int, article: pages.Article) -> None:
        """Date the article now in the feed (a crawl fetches it again) and let faults hit it anew."""
        self.articles[index] = replace(article, published=datetime.now(UTC))
        with self._lock:
            for key in [k for k in self._attempts if k.endswith(f"/{article.slug}")]:
                del self._attempts[key]

    def expected(self) -> Expected:
        """The documents a converged archive must hold."""
        ok = {a.marker: a.title for a in self.articles if a.slug not in self.removed}
        ok.update({_miit_marker(a): a.title for a in self.miit_articles})
        statuses = {self._url(f"/s/deleted{i}"): "deleted" for i in range(2)}
        statuses.update({self._url(f"/s/{slug}"): "deleted" for slug in self.removed})
        statuses[self._url("/s/antibot0")] = "blocked"
        return Expected(ok, statuses)

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> MisbehavingSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- routing -----------------------------------------------------------------------
    def reply(self, path: str, query: str) -> _Reply | str:
        """The reply for one request: a fault, a quirk, or the clean page ("reset"/"timeout" as str)."""
        key = f"{path}?{query}" if query else path
        with self._lock:
            self._attempts[key] += 1
            attempt = self._attempts[key]
        if path == "/robots.txt":
            return _Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
        if path == "/feed.xml":
            return self._faulty(key, attempt, FEED_FAULTS) or self._feed()
        if path == miit.API_PATH:
            return self._faulty(key, attempt, API_FAULTS) or self._miit_list()
        if path == f"{MIIT_COLUMN}index.html":
            return _Reply(body=miit.column_shell(MIIT_PAGE_ID).encode())
        return self._page(path, key, attempt)

    def _page(self, path: str, key: str, attempt: int) -> _Reply | str:
        status_page = _status_page(path)
        if status_page is not None:
            return status_page
        if path.startswith("/go/"):
            return self._redirect(path)
        article = self._article_at(path)
        if article is None:
            miit_article = next((a for a in self.miit_articles if path == _miit_path(a)), None)
            if miit_article is None:
                return _Reply(404, b"not found", "text/plain")
            return self._faulty(key, attempt, ARTICLE_FAULTS) or _Reply(
                body=miit.article_html(miit_article, MIIT_COLUMN).encode())
        if article.slug in self.removed:
            return _Reply(body=pages.deleted_page())
        quirk = self.quirks[article.slug]
        if quirk == "redirect_chain" and path.startswith("/s/"):
            return self._redirect(f"/go/1/{article.slug}")
        return self._faulty(key, attempt, ARTICLE_FAULTS) or self._article(article, quirk)

    def _faulty(self, key: str, attempt: int, kinds: tuple[str, ...]) -> _Reply | str | None:
        """A transient fault for this request, or None (decided by seed, URL and attempt number)."""
        if attempt > self.faulty_attempts or self.rate <= 0:
            return None
        digest = hashlib.sha256(f"{self.seed}|{key}|{attempt}".encode()).digest()
        rng = random.Random(digest)
        if rng.random() >= self.rate:
            return None
        kind = rng.choice(kinds)
        with self._lock:
            self.faults[kind] += 1
        return _fault_reply(kind)

    def _article(self, article: pages.Article, quirk: str) -> _Reply:
        with self._lock:
            self.quirks_served[quirk] += 1
        link = self._url(_final_path(article, quirk))
        page = pages.wechat_article(article, link, malformed=quirk == "malformed_html",
                                    padding=LARGE_PAGE_BYTES if quirk == "large_page" else 0)
        if quirk == "gbk_lying_header":
            return _Reply(body=page.replace('charset="utf-8"', 'charset="gbk"').encode("gbk"))
        if quirk == "wrong_content_type":
            return _Reply(body=page.encode(), content_type="application/octet-stream")
        return _Reply(body=page.encode(), drip=quirk == "slow_drip")

    @staticmethod
    def _redirect(path: str) -> _Reply:
        """``/go/N/slug`` → ``/go/N+1/slug`` … → ``/p/slug``: a chain of three hops."""
        hop, slug = path.removeprefix("/go/").split("/", 1)
        target = f"/go/{int(hop) + 1}/{slug}" if int(hop) < 3 else f"/p/{slug}"
        return _Reply(302, b"", headers={"Location": target})

    def _article_at(self, path: str) -> pages.Article | None:
        slug = path.rsplit("/", 1)[-1]
        if path.startswith(("/s/", "/p/")):
            return next((a for a in self.articles if a.slug == slug), None)
        return None

    def _feed(self) -> _Reply:
        items = []
        for article in self.articles[: self.visible]:
            link = self._url(f"/s/{article.slug}")
            items.append((link, article.title, article.published))
            if self.quirks[article.slug] == "duplicate_guid":
                items.append((f"{link}?scene=21&chksm=ab12#rd", article.title, article.published))
        moment = self.articles[0].published
        items += [(self._url(f"/s/deleted{i}"), f"已删除的文章{i}", moment) for i in range(2)]
        items.append((self._url("/s/antibot0"), "被拦截的文章", moment))
        return _Reply(body=pages.rss_feed(items).encode(), content_type="application/rss+xml; charset=utf-8")

    def _miit_list(self) -> _Reply:
        data = {"success": True, "code": 200,
                "data": {"html": miit.list_fragment(self.miit_articles, MIIT_COLUMN)}}
        return _Reply(body=json.dumps(data, ensure_ascii=False).encode(),
                      content_type="application/json;charset=UTF-8")

    def _url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def _fault_reply(kind: str) -> _Reply | str:
    """The reply that injects ``kind`` (connection-level faults are returned as their name)."""
    if kind in ("reset", "timeout", "truncated_body"):
        return kind
    simple = {
        "http_429": _Reply(429, b"slow down", "text/plain", {"Retry-After": "0"}),
        "http_500": _Reply(500, b"internal error", "text/plain"),
        "http_502": _Reply(502, b"<html><body>Bad Gateway</body></html>"),
        "http_503": _Reply(503, b"unavailable", "text/plain", {"Retry-After": "0"}),
        "api_403": _Reply(403, b"<html><body>403 Forbidden</body></html>"),
        "api_500": _Reply(500, b'{"success":false,"code":500}', "application/json"),
        "garbage_json": _Reply(200, b'{"success":tru\x00e,"data":{"html":"<ul><li', "application/json"),
        "api_success_false": _Reply(200, b'{"success":false,"code":500,"message":"busy"}', "application/json"),
        "broken_xml": _Reply(200, b"<?xml version='1.0'?><rss><channel><title>x</title><item><title>",
                             "application/rss+xml"),
        "captcha_instead_of_feed": _Reply(200, pages.antibot_page().encode()),
        "cut_html": _Reply(200, b"<!DOCTYPE html><html><head><title>t</title></head><body><div id='js_content'><p>"),
        "oversized": _Reply(200, b"<html><body>" + b"x" * OVERSIZED_BYTES + b"</body></html>"),
    }
    return simple[kind]


def _status_page(path: str) -> _Reply | None:
    if path.startswith("/s/deleted"):
        return _Reply(body=pages.deleted_page())
    if path.startswith("/s/antibot"):
        return _Reply(body=pages.antibot_page().encode())
    return None


def _final_path(article: pages.Article, quirk: str) -> str:
    return f"/p/{article.slug}" if quirk == "redirect_chain" else f"/s/{article.slug}"


def _miit_articles(count: int, seed: int) -> list[miit.Article]:
    plan = pages.plan_paragraphs()
    found = []
    for index in range(count):
        slug = f"{hashlib.md5(f'{seed}-{index}'.encode()).hexdigest()}"
        paragraphs = [p.replace("50000", str(900000 + 1000 * index)) for p in plan]  # never a WeChat article's figure
        found.append(miit.Article(slug=slug, title=f"关于印发融合赋能行动方案的通知（{index}）",
                                  date=f"2026-01-{index + 10:02d}",
                                  paragraphs=[*paragraphs, f"本文编号M{index}。"]))
    return found


def _miit_marker(article: miit.Article) -> str:
    return article.paragraphs[-1]


def _miit_path(article: miit.Article) -> str:
    return f"{MIIT_COLUMN}art/{article.date[:4]}/art_{article.slug}.html"


def _handler_for(site: MisbehavingSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = urlsplit(self.path)
            reply = site.reply(parts.path, parts.query)
            self.close_connection = True
            if reply == "reset":
                self._reset()
            elif reply == "timeout":
                time.sleep(site.timeout_sleep)
                self._reset()
            elif reply == "truncated_body":
                self._send(_Reply(body=b"<html><body>" + "截断".encode() * 4000), cut=True)
            else:
                self._send(reply)

        def _send(self, reply: _Reply, *, cut: bool = False) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("Connection", "close")
            for name, value in (reply.headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            body = reply.body[: len(reply.body) // 3] if cut else reply.body
            try:
                if reply.drip:
                    for start in range(0, len(body), max(1, len(body) // 5)):
                        self.wfile.write(body[start:start + max(1, len(body) // 5)])
                        self.wfile.flush()
                        time.sleep(0.08)
                else:
                    self.wfile.write(body)
            except OSError:
                pass

        def _reset(self) -> None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
            return

    return Handler


__all__ = ["API_FAULTS", "ARTICLE_FAULTS", "FEED_FAULTS", "QUIRKS", "Expected", "MisbehavingSite"]
