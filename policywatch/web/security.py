"""Access control and browser hardening for the review page.

* **Token**: when the app has a token, every request must carry it — as HTTP basic auth
  (any user name, the token as password: what browsers and feed readers prompt for) or as
  ``Authorization: Bearer <token>`` (scripts using the JSON API). Compared in constant time.
* **Trusted hosts** (DNS rebinding): a server without a token answers only requests whose
  ``Host`` names it — the bound address, ``localhost``/``127.0.0.1``/``[::1]`` with the bound
  port, or the host of ``base_url``. A page on ``evil.example`` whose name is re-pointed at
  127.0.0.1 sends ``Host: evil.example`` and gets 421, so it can neither read the archive
  nor mark alerts reviewed.
* **Same origin writes**: the writes (the reviewed state, "track as plan") are refused when a browser
  says the request comes from another site, so a page elsewhere cannot flip it; an
  ``Origin`` must name a trusted host, not merely repeat the request's ``Host``.
* **Bounded bodies**: a request body larger than :data:`MAX_BODY_BYTES` is answered 413
  from its ``Content-Length`` (or as soon as a chunked body passes the cap), never read whole.
* **Headers**: a strict Content-Security-Policy (no inline script, nothing from other
  origins), no framing, no MIME sniffing, no referrer sent to other sites; pages and API
  answers are ``private, no-cache`` (the reviewed state changes; shared caches never keep them).
"""
from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policywatch.web.errors import error_response

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Names of this machine that a browser can only use when it talks to this machine.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: Largest request body read (the review form is a few dozen bytes; the form check is 8 KB).
MAX_BODY_BYTES = 64 * 1024

Handler = Callable[[Request], Awaitable[Response]]


def presented_secret(authorization: str) -> str | None:
    """The secret in an ``Authorization`` header: a Bearer token or a basic-auth password."""
    scheme, _, value = authorization.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return value.strip() or None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def token_matches(request: Request, token: str) -> bool:
    """True when the request carries ``token`` in its Authorization header."""
    secret = presented_secret(request.headers.get("authorization", ""))
    return secret is not None and hmac.compare_digest(secret.encode(), token.encode())


def host_and_port(value: str, default_port: int = 80) -> tuple[str, int] | None:
    """``Host``-header text as (lower-case name without brackets or trailing dot, port); None if malformed."""
    if not value or any(ch in value for ch in "@/\\?# \t") or not value.isprintable():
        return None
    try:
        parts = urlsplit("//" + value)
        port = parts.port or default_port
    except ValueError:
        return None
    name = (parts.hostname or "").rstrip(".")
    return (name, port) if name else None


@dataclass(frozen=True)
class TrustedHosts:
    """The ``Host`` values a token-less server answers to: (name, port) pairs, plus names on any port."""

    addresses: frozenset[tuple[str, int]]
    any_port: frozenset[str] = frozenset()

    @classmethod
    def for_server(cls, host: str, port: int, base_url: str | None = None) -> TrustedHosts:
        """The bound address and the loopback names on the bound port; ``base_url``'s host on any port.

        Any port for ``base_url``: a reverse proxy may forward it with or without its own port,
        and a rebinding page cannot make a browser send a name its attacker does not own.
        """
        names = LOOPBACK_HOSTS | {host.strip("[]").lower().rstrip(".")}
        public = urlsplit(base_url).hostname if base_url else None
        return cls(frozenset((name, port) for name in names), frozenset({public.rstrip(".")} if public else ()))

    def admits(self, value: str) -> bool:
        """True when ``value`` (a Host header or an Origin's host[:port]) names this server."""
        parsed = host_and_port(value)
        return parsed is not None and (parsed[0] in self.any_port or parsed in self.addresses)


def is_cross_site(request: Request, trusted: TrustedHosts | None = None) -> bool:
    """True when a browser tells us a write comes from a page on another origin.

    Modern browsers say so in ``Sec-Fetch-Site``; otherwise the ``Origin`` header must
    name this host. With ``trusted`` hosts an ``Origin`` must name one of them, even when
    the browser calls it same-origin: after DNS rebinding the attacker's page *is*
    same-origin with a request to ``evil.example``. Clients that send neither header
    (curl, scripts) are not browsers and pass.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    origin_host = origin.split("://", 1)[-1]
    if trusted is not None:
        return not trusted.admits(origin_host)
    return fetch_site is None and origin_host != request.headers.get("host", "")


class BodyLimit:
    """ASGI middleware: a body over ``max_bytes`` is answered 413 without being read whole.

    A declared ``Content-Length`` over the cap is refused before one byte is read; a
    chunked body is buffered only up to the cap (then refused) and replayed to the app.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass requests within the cap on to the app; answer the others 413 (or 400)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        if declared is not None and not declared.strip().isdigit():
            await self._refuse(scope, receive, send, 400, "malformed Content-Length")
            return
        if declared is not None and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send, 413, "request body too large")
            return
        messages = await self._read(receive)
        if messages is None:
            await self._refuse(scope, receive, send, 413, "request body too large")
            return
        await self.app(scope, _replay(messages, receive), send)

    async def _read(self, receive: Receive) -> list[Message] | None:
        """The body's messages, or None as soon as they pass the cap."""
        messages: list[Message] = []
        total = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            total += len(message.get("body", b""))
            if total > self.max_bytes:
                return None
            if not message.get("more_body", False):
                return messages

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        response = error_response(Request(scope), status, message)
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that hands out the buffered messages, then defers to the real one."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def install_security(app: FastAPI, *, token: str | None, trusted: TrustedHosts | None = None) -> None:
    """Add the host check, the token check, the same-origin check for writes, the body cap
    and the security headers. ``trusted``: the hosts a token-less server answers to (None:
    no Host check, e.g. an app under test)."""
    app.add_middleware(BodyLimit)

    @app.middleware("http")
    async def _guard(request: Request, call_next: Handler) -> Response:
        if trusted is not None and not trusted.admits(request.headers.get("host", "")):
            response = error_response(request, 421, "misdirected request: this server does not answer to that "
                                                    "host name (use the address it printed, or set base_url)")
        elif token and not token_matches(request, token):
            response = error_response(request, 401, "authentication required: use the access token")
            response.headers["WWW-Authenticate"] = 'Basic realm="policywatch", charset="UTF-8"'
        elif request.method in _WRITE_METHODS and is_cross_site(request, trusted):
            response = error_response(request, 403, "cross-site request refused")
        else:
            response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "private, no-cache"
        return response
