"""Read what ``load`` was given: a local file (gzip allowed) or an http(s) URL."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawler.normalise.errors import NormaliseError

USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0 Safari/537.36")
MAX_BYTES = 50 * 1024 * 1024


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
    """GET with a browser User-Agent, following redirects; the final URL is the page URL."""
    import httpx

    try:
        response = httpx.get(url, headers={"User-Agent": USER_AGENT}, timeout=timeout, follow_redirects=True)
    except (httpx.HTTPError, httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise NormaliseError(f"cannot fetch {url}: {type(exc).__name__}: {exc}".splitlines()[0]) from None
    if response.status_code >= 400:
        raise NormaliseError(f"cannot fetch {url}: HTTP {response.status_code}")
    if len(response.content) > MAX_BYTES:
        raise NormaliseError(f"page too large (over {MAX_BYTES // 2**20} MB): {url}")
    return Fetched(data=response.content, url=str(response.url), headers=dict(response.headers),
                   fetched_at=datetime.now(UTC).isoformat(timespec="seconds"))
