"""Incremental crawling rules: which known URLs to fetch again, and HTTP validators.

A known article is fetched again only when a list or feed dates it after our last
check, when it is still a provisional (feed-only) document, or when its re-check
interval has passed. Feeds and list pages are asked with If-None-Match /
If-Modified-Since so an unchanged site answers 304 and costs almost nothing.

MIIT edits published pages without touching the list that links them, so a list
answering 304 must not mean "nothing changed": every run also re-checks a few known
documents whose interval has passed (oldest check first, :data:`RECHECK_PER_RUN` at
most, so a source's run stays polite and the re-checks spread over runs), each with
a conditional request of its own.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from store import clock

#: How long a known document is trusted, by document kind, when its source sets no ``recheck``:
#: official pages daily, WeChat articles weekly.
RECHECK_BY_KIND: dict[str, float] = {"miit": 86400.0, "govcn": 86400.0, "gov": 86400.0, "wechat": 7 * 86400.0}
#: …and for any other kind.
DEFAULT_RECHECK = 3 * 86400.0
#: Known documents re-checked per source and run at most (the rest wait for later runs).
RECHECK_PER_RUN = 20

#: Dates without a zone on Chinese government sites and WeChat mean Beijing time.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def now_utc() -> datetime:
    """The current time, timezone-aware (UTC), by the one clock (store.clock)."""
    return clock.now()


def iso_now() -> str:
    """The current time as an ISO 8601 string with offset, second precision."""
    return now_utc().replace(microsecond=0).isoformat()


def parse_time(value: Any, *, default_tz: timezone = SHANGHAI) -> datetime | None:
    """ISO date/datetime string, epoch seconds or milliseconds → aware datetime (None if unreadable).

    A bare date means the start of that day; a time without offset is Beijing time.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        number = float(value)
        moment = datetime.fromtimestamp(number / 1000 if number > 1e11 else number, UTC)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=default_tz)


def should_fetch(known: dict[str, Any] | None, *, listed_at: Any = None, recheck_seconds: float,
                 provisional: bool = False, now: datetime | None = None) -> bool:
    """Whether a listed article URL must be downloaded (again).

    ``known`` is ``Archive.known_document(url)``; ``listed_at`` is the date or time the
    list/feed gives the item (it said "changed" when that is after our last check).
    """
    if known is None or provisional:
        return True
    checked = parse_time(known.get("last_checked") or known.get("last_seen"), default_tz=UTC)
    if checked is None:
        return True
    listed = parse_time(listed_at)
    if listed is not None and listed > checked:
        return True
    return (now or now_utc()) - checked >= timedelta(seconds=recheck_seconds)


def recheck_interval(doc_kind: str | None, source_recheck: float | None = None,
                     by_kind: Mapping[str, float] | None = None) -> float:
    """Seconds a known document of ``doc_kind`` is trusted: the source's own ``recheck``, else the
    configured interval for the kind (``[watch] recheck``), else :data:`RECHECK_BY_KIND`."""
    if source_recheck is not None:
        return float(source_recheck)
    table = {**RECHECK_BY_KIND, **(by_kind or {})}
    return float(table.get(doc_kind or "", table.get("default", DEFAULT_RECHECK)))


def due_for_recheck(known: dict[str, Any], interval: float, *, now: datetime | None = None) -> bool:
    """Whether a known document's last check is older than ``interval`` seconds."""
    checked = parse_time(known.get("last_checked") or known.get("last_seen"), default_tz=UTC)
    return checked is None or (now or now_utc()) - checked >= timedelta(seconds=interval)


def conditional_headers(known: dict[str, Any] | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since headers from what the archive stored for this URL."""
    if not known:
        return {}
    headers = {}
    if known.get("etag"):
        headers["If-None-Match"] = str(known["etag"])
    if known.get("last_modified"):
        headers["If-Modified-Since"] = str(known["last_modified"])
    return headers
