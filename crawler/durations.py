"""Durations as people write them in sources.toml and policywatch.toml: the one parser.

``90``, ``"90s"``, ``"5m"``, ``"1.5h"``, ``"1d"`` and ``"250ms"`` are all durations; a
bare number is seconds. Imports nothing else of ours, so both the crawler (source
intervals) and the shell (config timings) read them the same way.
"""
from __future__ import annotations

import math
import re

#: The longest duration accepted (a year and a day): anything longer is a typo.
MAX_SECONDS = 366 * 86400.0

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def duration_seconds(value: object) -> float:
    """Seconds in ``value`` (0 allowed: "recheck every time"); ValueError (one line) for anything else,
    a negative value or one past :data:`MAX_SECONDS`."""
    if isinstance(value, bool):
        raise ValueError(f"bad duration {value!r} (use e.g. 30s, 5m, 2h, 1d)")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"bad duration {value!r} (use e.g. 30s, 5m, 2h, 1d)")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if not math.isfinite(seconds) or seconds < 0 or seconds > MAX_SECONDS:
        raise ValueError(f"bad duration {value!r} (from 0 to 366d)")
    return seconds
