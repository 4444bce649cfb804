"""Serve a :class:`~policywatch.demo_site.Mirror` on 127.0.0.1 (ephemeral port), swappable between rounds."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from policywatch.demo_site import API_PATH, Mirror, list_api


class MirrorServer:
    """A threaded HTTP server for the demo mirror; ``mirror`` may be replaced while it runs."""

    def __init__(self) -> None:
        self.mirror = Mirror()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> MirrorServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, raw_path: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        """Status, body and headers for one GET."""
        parts = urlsplit(raw_path)
        mirror = self.mirror
        if parts.path == "/robots.txt":
            return 200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"}
        if parts.path == API_PATH:
            query = parse_qs(parts.query)
            if query.get("pageId", [""])[0] != mirror.page_id:
                return 404, b"{}", {"Content-Type": "application/json"}
            page_no = int(json.loads(query.get("paramJson", ['{"pageNo": 1}'])[0]).get("pageNo", 1))
            return 200, list_api(mirror, page_no), {"Content-Type": "application/json;charset=UTF-8"}
        found = mirror.files.get(parts.path)
        if found is None:
            return 404, b"not found", {"Content-Type": "text/plain"}
        body, content_type = found
        extra = {"Content-Type": content_type}
        if content_type.startswith("application/rss"):
            extra["ETag"] = mirror.feed_etag
            if headers.get("If-None-Match") == mirror.feed_etag:
                return 304, b"", extra
        return 200, body, extra


def _handler(server: MirrorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep the demo output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            status, body, headers = server.answer(self.path, dict(self.headers.items()))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
