"""``load``: paths (plain and gzipped) and http(s) URLs served by a real local HTTP server."""
from __future__ import annotations

import gzip
import http.server
import threading

import pytest

from crawler.normalise import NormaliseError, load
from tests.support.normalise import MIIT, fixture_bytes, wechat_page


class _Handler(http.server.BaseHTTPRequestHandler):
    pages: dict[str, tuple[int, str, bytes]] = {}
    seen_agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.seen_agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/s/KDWh_qGpFN5Vu1TR9t30Mw")
            self.end_headers()
            return
        status, content_type, body = self.pages.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    _Handler.pages = {
        "/s/KDWh_qGpFN5Vu1TR9t30Mw": (200, "text/html; charset=utf-8",
                                      fixture_bytes(wechat_page("wae_normal01_xuanyuan.html"))),
        "/gbk": (200, "text/html; charset=utf-8", fixture_bytes(MIIT / "gbk_news_2022.html")),
        "/deleted": (200, "text/html", fixture_bytes(wechat_page("wae_deleted01.html"))),
        "/gone": (410, "text/html", b"<html><body>gone</body></html>"),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_is_fetched_with_a_browser_agent_and_redirects_followed(server):
    doc = load(f"{server}/moved")
    assert doc.title == "AI编程害死我了，给我的抓包软件埋了一个大雷！"
    assert doc.url == f"{server}/s/KDWh_qGpFN5Vu1TR9t30Mw"
    assert doc.fetched_at and doc.fetched_at.endswith("+00:00")
    assert "Mozilla/5.0" in _Handler.seen_agents[-1]


def test_lying_charset_header_over_http(server):
    doc = load(f"{server}/gbk")
    assert doc.title == "工业和信息化部召开离退休干部情况通报会"


def test_status_page_over_http(server):
    assert load(f"{server}/deleted").status == "deleted"


def test_http_errors_and_unreachable_hosts_are_one_line(server):
    with pytest.raises(NormaliseError, match="HTTP 410"):
        load(f"{server}/gone")
    for bad in ("http://127.0.0.1:9/nothing", "https://[::1", "https://xn--/"):
        with pytest.raises(NormaliseError, match="cannot fetch") as caught:
            load(bad, timeout=2)
        assert "\n" not in str(caught.value)


def test_gzipped_file_is_read(tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(fixture_bytes(wechat_page("goscraper_jiagoushi_2018.html"))))
    assert load(str(path)).title == "一分钟了解互联网动静分离架构"


def test_a_saved_file_takes_the_address_it_was_saved_from(tmp_path):
    """``add FILE --url URL`` / ``load(FILE, url=URL)``: the document is the page at URL."""
    path = tmp_path / "saved.html"
    path.write_bytes(fixture_bytes(wechat_page("wae_normal01_xuanyuan.html")))
    doc = load(str(path), url="https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw")
    assert doc.url == "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"
    assert doc.canonical_url == "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"
