"""Read and validate the sources file (``seeds/sources.toml``): what to crawl, how often.

One ``[[source]]`` table per watched column, feed or page. Validation is strict and
every problem becomes a one-line :class:`SourcesError` naming the file and the source,
because a typo in this file otherwise shows up days later as a silently missed policy.
"""
from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.durations import duration_seconds
from crawler.errors import CrawlerError

#: The sources shipped with policywatch (real MIIT columns and WeChat feeds).
DEFAULT_SOURCES_PATH = Path(__file__).resolve().parent.parent / "seeds" / "sources.toml"



class SourceKind(StrEnum):
    """What a source is, and so which spider crawls it (``crawler.runner.SPIDERS``)."""

    MIIT = "miit"
    FEED = "feed"
    PAGE = "page"
    COLUMN = "column"
    GOVCN = "govcn"


#: Every source kind's value (for validation and help texts).
KINDS: tuple[str, ...] = tuple(kind.value for kind in SourceKind)
#: CMS families a ``column`` source may force with ``family`` (crawler/families.py recognises them).
FAMILIES = ("trs", "jcms", "jpaas", "paged", "generic")
#: Selectors a ``column`` source may give (css, or xpath when starting with ``/`` or ``(``).
SELECTOR_KEYS = ("links", "next", "title", "date", "body")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")
_KEYS = {"name", "kind", "url", "every", "cron", "follow", "allow_private", "recheck", "max_pages",
         "enabled", "label", "family", *SELECTOR_KEYS}


class SourcesError(CrawlerError, ValueError):
    """The sources file is missing, not TOML, or describes a source wrongly (one-line message)."""


@dataclass(frozen=True)
class Source:
    """One crawl source.

    ``every`` is how often the scheduler runs it (``30m``, ``2h``, ``1d``) unless ``cron``
    (a five-field crontab expression) is given. ``follow`` lists the hosts whose articles
    a feed links to and which may be fetched. ``allow_private`` lets the source reach
    loopback/private addresses (tests, the demo, an intranet mirror). ``recheck`` is how
    long a known article is trusted before it is fetched again even though no list or
    feed said it changed (default: by the article's kind — official pages daily,
    WeChat articles weekly). ``max_pages`` bounds list pagination on the first crawl.
    """

    name: str
    kind: str
    url: str
    every: str = "1h"
    cron: str | None = None
    follow: tuple[str, ...] = ()
    allow_private: bool = False
    recheck: str | None = None
    max_pages: int = 5
    enabled: bool = True
    label: str = ""
    family: str = ""
    links: str = ""
    next: str = ""
    title: str = ""
    date: str = ""
    body: str = ""

    @property
    def selectors(self) -> dict[str, str]:
        """The selectors a ``column`` source gives (``links``, ``next``, ``title``, ``date``, ``body``)."""
        return {key: getattr(self, key) for key in SELECTOR_KEYS if getattr(self, key)}

    @property
    def host(self) -> str:
        """The host of the source URL (lower case, no port)."""
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def hosts(self) -> frozenset[str]:
        """Every host this source may fetch from: its own and the ``follow`` hosts."""
        return frozenset({self.host, *(h.lower() for h in self.follow)})

    @property
    def every_seconds(self) -> int:
        """``every`` in seconds (for interval schedules)."""
        return parse_duration(self.every)

    @property
    def recheck_seconds(self) -> int | None:
        """``recheck`` in seconds; None when the source leaves it to the defaults per document kind
        (:data:`crawler.freshness.RECHECK_BY_KIND`)."""
        return parse_duration(self.recheck) if self.recheck else None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (``follow`` as a list), e.g. for ``Archive.upsert_source`` or spider arguments."""
        data = asdict(self)
        data["follow"] = list(self.follow)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        """Inverse of :meth:`to_dict` (already validated data)."""
        data = dict(data)
        data["follow"] = tuple(data.get("follow") or ())
        return cls(**data)


def parse_duration(text: str) -> int:
    """``"30m"`` → 1800: whole seconds of a duration (crawler.durations); ValueError if it is none."""
    return round(duration_seconds(text))


def load_sources(path: str | Path | None = None, *, names: list[str] | tuple[str, ...] = ()) -> list[Source]:
    """Read, validate and return the sources in ``path`` (default: the shipped file).

    ``names`` keeps only those sources, in file order; an unknown name is an error.
    Disabled sources are dropped unless named explicitly.
    """
    path = Path(path) if path else DEFAULT_SOURCES_PATH
    sources = parse_sources(_read(path), origin=str(path))
    if names:
        known = {s.name for s in sources}
        missing = [n for n in names if n not in known]
        if missing:
            raise SourcesError(f"{path}: no source named {', '.join(missing)} (known: {', '.join(sorted(known))})")
        return [s for s in sources if s.name in names]
    return [s for s in sources if s.enabled]


def parse_sources(data: dict[str, Any], *, origin: str = "sources") -> list[Source]:
    """Validate already-parsed TOML data (``{"source": [...]}``) into sources."""
    tables = data.get("source")
    if not isinstance(tables, list) or not tables:
        raise SourcesError(f"{origin}: no [[source]] tables found")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, table in enumerate(tables, start=1):
        source = _validate(table, f"{origin}: source #{index}")
        if source.name in seen:
            raise SourcesError(f"{origin}: source #{index}: duplicate name {source.name!r}")
        seen.add(source.name)
        sources.append(source)
    return sources


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"sources file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"cannot read sources file {path}: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: invalid TOML: {exc}") from None


def _validate(table: Any, where: str) -> Source:
    if not isinstance(table, dict):
        raise SourcesError(f"{where}: must be a table")
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SourcesError(f"{where}: 'name' must be letters, digits, '.', '_' or '-', got {name!r}")
    where = f"{where} ({name})"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise SourcesError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_KEYS))})")
    kind = table.get("kind")
    if kind not in KINDS:
        raise SourcesError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    values = {"name": name, "kind": kind, "url": _url(table.get("url"), where)}
    values.update(_schedule(table, where))
    values["follow"] = _follow(table.get("follow", []), where)
    for key in ("allow_private", "enabled"):
        if key in table:
            if not isinstance(table[key], bool):
                raise SourcesError(f"{where}: '{key}' must be true or false, got {table[key]!r}")
            values[key] = table[key]
    if "max_pages" in table:
        pages = table["max_pages"]
        if isinstance(pages, bool) or not isinstance(pages, int) or not 1 <= pages <= 10_000:
            raise SourcesError(f"{where}: 'max_pages' must be an integer from 1 to 10000, got {pages!r}")
        values["max_pages"] = pages
    if "label" in table:
        values["label"] = str(table["label"])
    values.update(_column_options(table, kind, where))
    _check_private(values, where)
    return Source(**values)


def _column_options(table: dict[str, Any], kind: str, where: str) -> dict[str, str]:
    """``family`` and the selectors: only for ``column`` sources, each checked to compile."""
    given = {key: table[key] for key in ("family", *SELECTOR_KEYS) if key in table}
    if given and kind != "column":
        raise SourcesError(f"{where}: {', '.join(sorted(given))} only apply to kind = \"column\"")
    family = given.get("family")
    if family is not None and family not in FAMILIES:
        raise SourcesError(f"{where}: 'family' must be one of {', '.join(FAMILIES)}, got {family!r}")
    for key in SELECTOR_KEYS:
        if key in given:
            given[key] = _selector(given[key], f"{where}: '{key}'")
    return given


def _selector(value: Any, where: str) -> str:
    """A css or xpath selector that parsel compiles."""
    from parsel import Selector

    if not isinstance(value, str) or not value.strip():
        raise SourcesError(f"{where} must be a css or xpath selector string")
    value = value.strip()
    probe = Selector(text="<html><body></body></html>")
    try:
        probe.xpath(value) if is_xpath(value) else probe.css(value)
    except (ValueError, SyntaxError) as exc:
        raise SourcesError(f"{where}: bad selector {value!r}: {' '.join(str(exc).split())[:120]}") from None
    return value


def is_xpath(selector: str) -> bool:
    """Selectors starting with ``/`` or ``(`` are xpath; the rest css."""
    return selector.startswith(("/", "("))


def _url(url: Any, where: str) -> str:
    if not isinstance(url, str):
        raise SourcesError(f"{where}: 'url' is required")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourcesError(f"{where}: 'url' must be an http(s) URL with a host, got {url!r}")
    return url.strip()


def _schedule(table: dict[str, Any], where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ("every", "recheck"):
        if key in table:
            try:
                parse_duration(table[key])
            except ValueError as exc:
                raise SourcesError(f"{where}: '{key}': {exc}") from None
            values[key] = str(table[key]).strip()
    if "cron" in table:
        cron = table["cron"]
        if not isinstance(cron, str) or len(cron.split()) != 5:
            raise SourcesError(f"{where}: 'cron' must be a five-field crontab expression, got {cron!r}")
        values["cron"] = cron.strip()
    return values


def _follow(follow: Any, where: str) -> tuple[str, ...]:
    if isinstance(follow, str):
        follow = [follow]
    if not isinstance(follow, list) or not all(isinstance(h, str) and _HOST.match(h.strip()) for h in follow):
        raise SourcesError(f"{where}: 'follow' must be a list of host names like \"mp.weixin.qq.com\"")
    return tuple(h.strip().lower() for h in follow)


def _check_private(values: dict[str, Any], where: str) -> None:
    """Refuse a literal private/loopback address up front unless the source allows it."""
    host = urlsplit(values["url"]).hostname or ""
    if values.get("allow_private"):
        return
    if host == "localhost" or _is_private_literal(host):
        raise SourcesError(f"{where}: {host} is a private/loopback address; set allow_private = true to crawl it")


def _is_private_literal(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


__all__ = ["DEFAULT_SOURCES_PATH", "FAMILIES", "KINDS", "SELECTOR_KEYS", "is_xpath", "Source", "SourcesError", "load_sources",
           "parse_duration", "parse_sources"]
