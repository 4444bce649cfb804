"""Crawl health as people read it: the archive's per-source report plus each source's next due time.

The archive knows the runs (:mod:`store.health`); when a source is next due comes
from its schedule (``every`` or ``cron`` as recorded from sources.toml) and its last
start, the same rule ``policywatch run`` follows.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from policywatch.clock import moment
from store import clock


class HealthSource(Protocol):
    """The archive method the report needs."""

    def source_health(self) -> list[dict[str, Any]]: ...


def report(archive: HealthSource, now: datetime | None = None, timezone: str | None = None) -> list[dict[str, Any]]:
    """Every source's health with ``next_due`` (UTC ISO; None when unknown)."""
    current = now or clock.now()
    rows = archive.source_health()
    for row in rows:
        due = next_due(row, current, timezone)
        row["next_due"] = due.isoformat(timespec="seconds") if due else None
    return rows


def next_due(row: dict[str, Any], now: datetime, timezone: str | None = None) -> datetime | None:
    """When the source runs next: now if it never finished a run or is overdue, else last start + schedule."""
    started = moment(row.get("last_started"))
    if started is None or not row.get("last_finished"):
        return now if row.get("every") or row.get("cron") else None
    if row.get("cron"):
        from apscheduler.triggers.cron import CronTrigger

        due = CronTrigger.from_crontab(row["cron"], timezone=timezone or "UTC").get_next_fire_time(None, started)
    elif row.get("every"):
        from policywatch.config import ConfigError, parse_duration

        try:
            due = started + timedelta(seconds=parse_duration(row["every"], "every"))
        except ConfigError:
            return None
    else:
        return None
    return max(due, now) if due else None
