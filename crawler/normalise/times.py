"""Publish times as ISO 8601 with the China offset (+08:00), never relative words."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")
_DATE = re.compile(
    r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
    r"(?:[\sT-]*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?"
)


def from_epoch(value: str | int | float | None) -> str | None:
    """Epoch seconds (or milliseconds) to ``YYYY-MM-DDTHH:MM:SS+08:00``."""
    try:
        seconds = float(value or 0)
    except (TypeError, ValueError):
        return None
    if seconds <= 0:
        return None
    if seconds > 1e11:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(int(seconds), tz=CHINA).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def from_text(text: str | None) -> str | None:
    """A date or date-time written on a page, as ISO (+08:00 when there is a time).

    "2026-01-07" stays a bare date; "2022-07-13 15:01" becomes
    "2022-07-13T15:01:00+08:00"; "2007-08-20-23:59:59" (gov.cn meta) is understood.
    Text without a full date ("昨天", "前天") gives None.
    """
    if not text:
        return None
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    try:
        if hour is None:
            return datetime(int(year), int(month), int(day)).date().isoformat()
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                          tzinfo=CHINA)
    except ValueError:
        return None
    return moment.isoformat()
