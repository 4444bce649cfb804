"""Access control and browser hardening for the review page.

* **Token**: when the app has a token, every request must carry it — as HTTP basic auth
  (any user name, the token as password: what browsers and feed readers prompt for) or as
  ``Authorization: Bearer <token>`` (scripts using the JSON API). Compared in constant time.
* **Same origin writes**: the only write (the reviewed state) is refused when a browser
  says the request comes from another site, so a page elsewhere cannot flip it.
* **Headers**: a strict Content-Security-Policy (no inline script, nothing from other
  origins), no framing, no MIME sniffing, no referrer sent to other sites; pages and API
  answers are ``private, no-cache`` (the reviewed state changes; shared caches never keep them).
"""
from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response

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


def is_cross_site(request: Request) -> bool:
    """True when a browser tells us a write comes from a page on another origin.

    Modern browsers say so in ``Sec-Fetch-Site``; otherwise the ``Origin`` header must
    name this host. Clients that send neither (curl, scripts) are not browsers and pass.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return False
    return origin == "null" or origin.split("://", 1)[-1] != request.headers.get("host", "")


def install_security(app: FastAPI, *, token: str | None) -> None:
    """Add the token check, the same-origin check for writes and the security headers."""

    @app.middleware("http")
    async def _guard(request: Request, call_next: Handler) -> Response:
        if token and not token_matches(request, token):
            response = error_response(request, 401, "authentication required: use the access token")
            response.headers["WWW-Authenticate"] = 'Basic realm="policywatch", charset="UTF-8"'
        elif request.method in _WRITE_METHODS and is_cross_site(request):
            response = error_response(request, 403, "cross-site request refused")
        else:
            response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "private, no-cache"
        return response
