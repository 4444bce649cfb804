"""Read what ``load`` was given: a local file (gzip allowed) or an http(s) URL.

A URL (``normalise URL``, ``add URL``, ``track URL``, ``diff URL``) is fetched within the
crawler's limits: the body is streamed and refused once it passes
:data:`FETCH_MAX_BYTES` before *or* after decompression (a gzip bomb never unpacks
whole), the whole fetch — redirects and a page dripping one byte a second included — has
one deadline, and redirects pass the crawler's private-address guard: the named URL may
be on a private host (the user asked for it), but a redirect reaches a private address
only on that same host *and* port.
"""
from __future__ import annotations

import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from crawler import settings
from crawler.normalise.errors import NormaliseError
from crawler.urls import host_of, is_private_host, port_of

if TYPE_CHECKING:
    import httpx

USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0 Safari/537.36")
MAX_BYTES = 50 * 1024 * 1024
#: Largest body fetched from a URL, compressed or not: the crawler's DOWNLOAD_MAXSIZE.
FETCH_MAX_BYTES = settings.DOWNLOAD_MAXSIZE
#: Redirects followed before giving up: the crawler's REDIRECT_MAX_TIMES.
MAX_REDIRECTS = settings.REDIRECT_MAX_TIMES
#: Decompressed bytes produced per step, so one compressed chunk never unpacks into a huge buffer.
_INFLATE_STEP = 256 * 1024


@dataclass
class Fetched:
    """Raw bytes plus what is known about where they came from."""

    data: bytes
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: str | None = None


def read_target(target: str, *, timeout: float = 20.0) -> Fetched:
    """Bytes of a path, ``-`` (standard input) or URL; NormaliseError (one line) when unreadable."""
    if target.startswith(("http://", "https://")):
        return _fetch(target, timeout)
    if target == "-":
        return Fetched(data=sys.stdin.buffer.read(MAX_BYTES + 1))
    return _read(Path(target))


def _read(path: Path) -> Fetched:
    if not path.exists():
        raise NormaliseError(f"no such file: {path}")
    if path.is_dir():
        raise NormaliseError(f"is a directory, not a page: {path}")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise NormaliseError(f"file too large (over {MAX_BYTES // 2**20} MB): {path}")
        return Fetched(data=path.read_bytes())
    except OSError as exc:
        raise NormaliseError(f"cannot read {path}: {exc.strerror or exc}") from None


def _fetch(url: str, timeout: float) -> Fetched:
    """GET with a browser User-Agent, following redirects; the final URL is the page URL.

    ``timeout`` is a deadline for the whole fetch, not per read.
    """
    import httpx

    deadline = time.monotonic() + timeout
    try:
        with httpx.Client(headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
                          follow_redirects=False) as client:
            return _follow(client, url, deadline)
    except (httpx.HTTPError, httpx.InvalidURL, UnicodeError, ValueError) as exc:
        if isinstance(exc, httpx.TimeoutException):
            raise NormaliseError(f"cannot fetch {url}: no complete answer within {timeout:g} s") from None
        raise NormaliseError(f"cannot fetch {url}: {type(exc).__name__}: {exc}".splitlines()[0]) from None


def _follow(client: httpx.Client, url: str, deadline: float) -> Fetched:
    """Fetch ``url``, following up to :data:`MAX_REDIRECTS` guarded redirects before ``deadline``."""
    named = url
    for _ in range(MAX_REDIRECTS + 1):
        _guard(url, named)
        with client.stream("GET", url, timeout=_remaining(deadline, named)) as response:
            if response.is_redirect and "location" in response.headers:
                url = urljoin(str(response.url), response.headers["location"])
                continue
            if response.status_code >= 400:
                raise NormaliseError(f"cannot fetch {named}: HTTP {response.status_code}")
            data = b"".join(_bounded_body(response, named, deadline))
            return Fetched(data=data, url=str(response.url), headers=dict(response.headers),
                           fetched_at=datetime.now(UTC).isoformat(timespec="seconds"))
    raise NormaliseError(f"cannot fetch {named}: more than {MAX_REDIRECTS} redirects")


def _guard(url: str, named: str) -> None:
    """Refuse a non-http(s) redirect, and a private host:port other than the named URL's own."""
    if not url.startswith(("http://", "https://")):
        raise NormaliseError(f"cannot fetch {named}: redirected to a non-web address")
    if url == named:
        return
    host = host_of(url)
    if is_private_host(host) and (host, port_of(url)) != (host_of(named), port_of(named)):
        raise NormaliseError(f"cannot fetch {named}: redirected to the private address {host}:{port_of(url)}")


def _remaining(deadline: float, named: str) -> float:
    """Seconds left before ``deadline``; NormaliseError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise NormaliseError(f"cannot fetch {named}: the page did not arrive before the deadline")
    return left


def _bounded_body(response: httpx.Response, named: str, deadline: float) -> Iterator[bytes]:
    """The decoded body in pieces, refused once raw or decoded bytes pass :data:`FETCH_MAX_BYTES`."""
    too_large = NormaliseError(f"page too large (over {FETCH_MAX_BYTES // 2**20} MB): {named}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > FETCH_MAX_BYTES:
        raise too_large
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise NormaliseError(f"cannot fetch {named}: unsupported Content-Encoding {encoding}")
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32) if encoding not in ("identity", "") else None
    raw = produced = 0
    for chunk in response.iter_raw():
        raw += len(chunk)
        _remaining(deadline, named)
        if raw > FETCH_MAX_BYTES:
            raise too_large
        for piece in _inflate(inflater, chunk, named) if inflater else (chunk,):
            produced += len(piece)
            if produced > FETCH_MAX_BYTES:
                raise too_large
            yield piece


def _inflate(inflater: zlib._Decompress, chunk: bytes, named: str) -> Iterator[bytes]:
    """Decompress ``chunk`` in steps of at most :data:`_INFLATE_STEP` bytes (deflate with or without zlib header)."""
    try:
        while chunk:
            yield inflater.decompress(chunk, _INFLATE_STEP)
            chunk = inflater.unconsumed_tail
    except zlib.error as exc:
        raise NormaliseError(f"cannot fetch {named}: broken compressed body ({exc})") from None
