"""``policywatch sources --check``: fetch each source's first page once and say what it is.

One polite GET per source (browser User-Agent, the source's own Referer where the site
wants one), nothing stored. For a ``column`` source the answer names the CMS family the
spider will use (:func:`crawler.families.recognise`, or the forced ``family``) and how
many article links page 1 lists; an anti-bot answer is reported as ``blocked`` with its
reason, a timeout as ``unreachable`` — never as "no documents".
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TypedDict
from urllib.parse import urlsplit

import httpx

from crawler import families
from crawler.antibot import challenge
from crawler.middlewares import is_private_host
from crawler.sources import Source
from crawler.spiders.base import BROWSER_UA
from crawler.spiders.miit import list_query

#: Seconds one first-page fetch may take.
CHECK_TIMEOUT = 20.0


@dataclass(frozen=True)
class CheckResult:
    """What one source's first page showed: ``state`` ok | blocked | unreachable | error."""

    name: str
    kind: str
    url: str
    state: str
    status: int | None = None
    family: str = ""
    items: int = 0
    reason: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON shape of ``policywatch sources --check --format json``."""
        return asdict(self)


class _Named(TypedDict):
    """The fields of a CheckResult that name the source."""

    name: str
    kind: str
    url: str


def check_source(source: Source, client: httpx.Client) -> CheckResult:
    """Fetch ``source``'s first page and read its family (never raises for network trouble)."""
    base = _Named(name=source.name, kind=source.kind, url=source.url)
    host = (urlsplit(source.url).hostname or "").lower()
    if not source.allow_private and is_private_host(host):
        return CheckResult(**base, state="error", reason=f"{host} is a private address (allow_private is off)")
    headers = {"User-Agent": BROWSER_UA, "Referer": _referer(source)}
    try:
        response = client.get(source.url, headers=headers)
    except httpx.TimeoutException:
        return CheckResult(**base, state="unreachable", reason="timed out")
    except httpx.HTTPError as exc:
        return CheckResult(**base, state="unreachable", reason=f"{type(exc).__name__}: {exc}"[:200])
    reason = challenge(response.status_code, response.content)
    if reason:
        return CheckResult(**base, state="blocked", status=response.status_code, reason=reason)
    if response.status_code >= 400:
        return CheckResult(**base, state="error", status=response.status_code, reason=f"HTTP {response.status_code}")
    family, items = read_first_page(source, response.text, str(response.url))
    return CheckResult(**base, state="ok", status=response.status_code, family=family, items=items)


def read_first_page(source: Source, text: str, url: str) -> tuple[str, int]:
    """The family a first page shows and how many article rows it lists (0 when the list is loaded later)."""
    if source.kind == "govcn":
        return ("govcn-library" if urlsplit(url).path.endswith("/search-gov/data") else "govcn-latest",
                _json_rows(text))
    if source.kind == "miit":
        return ("jpaas" if list_query(text) else "miit-search"), 0
    if source.kind in ("feed", "page"):
        return source.kind, 0
    family = source.family or families.recognise(text, url)
    listed = families.jcms_records(text) if family == "jcms" else text
    return family, len(families.list_rows(listed, url, source.links))


def _json_rows(text: str) -> int:
    try:
        data = json.loads(text)
    except ValueError:
        return 0
    if isinstance(data, list):
        return len(data)
    found = (data or {}).get("searchVO") or {}
    groups = [found] if "listVO" in found else list((found.get("catMap") or {}).values())
    return sum(len(g.get("listVO") or []) for g in groups)


def _referer(source: Source) -> str:
    if source.kind == "govcn" and urlsplit(source.url).path.endswith("/search-gov/data"):
        from crawler.spiders.govcn import library_referer

        return library_referer(source)
    return source.url


def check_sources(sources: list[Source], *, timeout: float = CHECK_TIMEOUT) -> list[CheckResult]:
    """Check every source in turn (one request each, one at a time)."""
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        return [check_source(source, client) for source in sources]
