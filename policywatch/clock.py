"""One clock on screen: every time shown to a person is in one labelled time zone.

The archive stores UTC (ISO 8601 with offset). What the CLI, the review page, the
messages and the Atom feed show is converted here to the display zone —
``[display] timezone`` in policywatch.toml, Beijing time (Asia/Shanghai) by default,
the time the sources publish in — and labelled with its UTC offset, so
``2026-03-02T11:26:00+00:00`` is shown as ``2026-03-02 19:26 +08:00`` everywhere.
Bare dates (a page that gives only a day) stay dates; a time without an offset is
taken as UTC, as the archive writes it.
"""
from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"


class UnknownZone(ValueError):
    """A time zone name the system's zone database does not know."""


@lru_cache(maxsize=16)
def zone(name: str | None = None) -> tzinfo:
    """The display zone called ``name`` (default Asia/Shanghai), or UnknownZone."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZone(f"unknown time zone {name!r} (e.g. \"Asia/Shanghai\", \"UTC\", \"Europe/Berlin\")") from None


def moment(value: str | datetime | None) -> datetime | None:
    """An aware datetime for a stored time (naive means UTC); None for empty or unreadable values."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        found = value
    else:
        try:
            found = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def is_bare_date(value: str | datetime | None) -> bool:
    """True for a day without a time (``2026-01-07``)."""
    return isinstance(value, str) and len(value.strip()) == 10 and value.strip()[4:5] == "-"


def shown(value: str | datetime | None, name: str | None = None, *, empty: str = "–") -> str:
    """``value`` in the display zone as ``YYYY-MM-DD HH:MM +08:00`` (a bare date stays a date)."""
    if is_bare_date(value):
        return str(value).strip()
    found = moment(value)
    if found is None:
        return empty if not value else str(value)
    local = found.astimezone(zone(name))
    return local.strftime("%Y-%m-%d %H:%M ") + offset_label(local)


def local_iso(value: str | datetime | None, name: str | None = None) -> str | None:
    """``value`` as ISO 8601 seconds in the display zone (for feeds and machine-readable labels)."""
    found = moment(value)
    return None if found is None else found.astimezone(zone(name)).isoformat(timespec="seconds")


def offset_label(local: datetime) -> str:
    """``+08:00`` for a time in UTC+8."""
    text = local.strftime("%z")
    return f"{text[:3]}:{text[3:]}" if text else "+00:00"


def zone_label(name: str | None = None) -> str:
    """``Asia/Shanghai (UTC+08:00)``: the zone as a page footer names it."""
    now = datetime.now(UTC).astimezone(zone(name))
    return f"{name or DEFAULT_ZONE} (UTC{offset_label(now)})"
