"""A tiny real HTTP server on 127.0.0.1:<ephemeral> that serves a mutable dict of routes.

Used by every test that needs a website: crawls, feed polls, webhooks. Routes can be
changed between requests, and a route's body may be a callable so that one test can
make a page answer 429-then-200, change a feed between two crawls, drip slowly, etc.

    with serve_site({"/feed.xml": FEED}) as site:
        site.route("/a.html", "<html>…</html>", content_type="text/html; charset=utf-8")
        site.route("/flaky", lambda req: Response(503) if req.hits == 1 else "ok")
        crawl(site.url("/feed.xml"))
        assert site.hits("/a.html") == 1
        site.requests  # every Request seen, in order (method, path, query, headers, body)

A callable body receives a :class:`Request` and returns ``bytes``/``str`` (served with
the route's status/headers) or a :class:`Response` (overrides them). Paths are matched
without the query string first, then with it (``/api?page=2`` can be its own route).
Unknown paths give 404. ``robots.txt`` is served as "allow all" unless routed.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Request:
    """One request as the route saw it. ``hits`` counts requests to this path, this one included."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    hits: int


@dataclass
class Response:
    """What a callable body may return to control status, headers and timing.

    ``chunks`` streams the body in pieces with ``delay`` seconds between them (a slow
    drip); ``truncate_to`` sends only that many bytes of the body while announcing
    the full Content-Length (a truncated transfer).
    """

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0
    chunks: int = 1
    truncate_to: int | None = None


Body = bytes | str | Callable[[Request], bytes | str | Response]


@dataclass
class _Route:
    body: Body
    status: int
    headers: dict[str, str]
    content_type: str


class Site:
    """A threaded HTTP server bound to 127.0.0.1 port 0; see the module docstring."""

    def __init__(self, routes: Mapping[str, Body] | None = None) -> None:
        self._routes: dict[str, _Route] = {}
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        for path, body in (routes or {}).items():
            self.route(path, body)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.host, self.port = host, port
        self.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="test-site", daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        """Absolute URL of ``path`` on this site."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, body: Body, *, status: int = 200, headers: Mapping[str, str] | None = None,
              content_type: str | None = None) -> None:
        """Serve ``body`` at ``path`` (replacing any earlier route). The content type is guessed when omitted."""
        with self._lock:
            self._routes[path] = _Route(body, status, dict(headers or {}), content_type or _guess_type(path))

    def remove(self, path: str) -> None:
        """Stop serving ``path`` (it answers 404 from now on)."""
        with self._lock:
            self._routes.pop(path, None)

    def hits(self, path: str) -> int:
        """How many requests reached ``path`` (query string ignored, unless routed with one)."""
        with self._lock:
            return self._hits.get(path, 0)

    def reset_hits(self) -> None:
        """Forget the request counts and log (e.g. between two crawls)."""
        with self._lock:
            self._hits.clear()
            self.requests.clear()

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _resolve(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> tuple[_Route | None, Request]:
        parts = urlsplit(raw_path)
        with self._lock:
            key = raw_path if raw_path in self._routes else parts.path
            route = self._routes.get(key)
            if route is None and parts.path == "/robots.txt":
                route = _Route("User-agent: *\nAllow: /\n", 200, {}, "text/plain")
            self._hits[key] = self._hits.get(key, 0) + 1
            request = Request(method, parts.path, parts.query, headers, body, self._hits[key])
            self.requests.append(request)
        return route, request


def _guess_type(path: str) -> str:
    path = urlsplit(path).path.lower()
    for suffix, kind in ((".xml", "application/xml"), (".rss", "application/rss+xml"),
                         (".atom", "application/atom+xml"), (".json", "application/json"),
                         (".pdf", "application/pdf"), (".txt", "text/plain; charset=utf-8")):
        if path.endswith(suffix):
            return kind
    return "text/html; charset=utf-8"


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def _handler_for(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            self._serve(send_body=True)

        def do_POST(self) -> None:  # noqa: N802
            self._serve(send_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(send_body=False)

        def _serve(self, *, send_body: bool) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = self.rfile.read(length) if length else b""
            route, request = site._resolve(self.command, self.path, dict(self.headers.items()), payload)
            if route is None:
                self._send(Response(404, b"not found", content_type="text/plain"), send_body)
                return
            result = route.body(request) if callable(route.body) else route.body
            if not isinstance(result, Response):
                result = Response(route.status, result)
            merged = Response(result.status, result.body, {**route.headers, **result.headers},
                              result.content_type or route.content_type, result.delay, result.chunks,
                              result.truncate_to)
            self._send(merged, send_body)

        def _send(self, response: Response, send_body: bool) -> None:
            data = _as_bytes(response.body)
            try:
                self.send_response(response.status)
                if response.content_type:
                    self.send_header("Content-Type", response.content_type)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if send_body:
                    self._write_body(data, response)
                if response.truncate_to is not None:
                    self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _write_body(self, data: bytes, response: Response) -> None:
            if response.truncate_to is not None:
                data = data[: response.truncate_to]
            chunks = max(1, response.chunks)
            size = max(1, -(-len(data) // chunks))
            for start in range(0, max(len(data), 1), size):
                if response.delay:
                    time.sleep(response.delay)
                self.wfile.write(data[start:start + size])
                self.wfile.flush()

    return Handler


@contextmanager
def serve_site(routes: Mapping[str, Body] | None = None) -> Iterator[Site]:
    """Start a :class:`Site` on 127.0.0.1:0 for the ``with`` block, then close it."""
    site = Site(routes)
    try:
        yield site
    finally:
        site.close()
