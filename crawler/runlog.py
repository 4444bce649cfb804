"""RunLog: what one crawl did, per source — counts, error lines, and a progress listener.

Every spider owns one. Spider callbacks record pages and errors, the ingest pipeline
records outcomes; the pipeline writes each source's totals to ``crawl_runs`` when the
spider closes, and the runner adds the logs of all spiders into one summary.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

#: Counters every summary has, in display order.
COUNT_KEYS = ("pages", "new", "changed", "unchanged", "status_changed", "not_modified", "rechecked", "skipped", "alerts",
              "errors")
#: How many error lines are kept per source (the count keeps going).
MAX_ERRORS = 50


class RunLog:
    """Per-source counters and error messages; ``listener`` gets the totals after every change."""

    def __init__(self, listener: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.listener = listener
        self._counts: dict[str, Counter[str]] = {}
        self._errors: dict[str, list[str]] = {}

    def add(self, source: str, key: str, amount: int = 1) -> None:
        """Count ``amount`` more ``key`` (pages, new, changed, …) for ``source``."""
        self._counts.setdefault(source, Counter())[key] += amount
        self._notify()

    def error(self, source: str, message: str) -> None:
        """Record one failure for ``source``: counted, and its first line kept."""
        line = " ".join(str(message).split())[:300]
        kept = self._errors.setdefault(source, [])
        if len(kept) < MAX_ERRORS:
            kept.append(line)
        self.add(source, "errors")

    def counts(self, source: str | None = None) -> dict[str, int]:
        """Counters for one source, or summed over all sources."""
        chosen = [self._counts.get(source, Counter())] if source else list(self._counts.values())
        total: Counter[str] = Counter()
        for counter in chosen:
            total.update(counter)
        return {key: total.get(key, 0) for key in COUNT_KEYS}

    def errors(self, source: str | None = None) -> list[str]:
        """Error lines for one source, or for all (prefixed with the source name)."""
        if source:
            return list(self._errors.get(source, []))
        return [f"{name}: {line}" for name, lines in self._errors.items() for line in lines]

    def sources(self) -> list[str]:
        """Sources that recorded anything."""
        return sorted(set(self._counts) | set(self._errors))

    def _notify(self) -> None:
        if self.listener is not None:
            self.listener(self.counts())


def merge_counts(counts: list[dict[str, int]]) -> dict[str, int]:
    """Sum several ``RunLog.counts()`` results key by key."""
    return {key: sum(c.get(key, 0) for c in counts) for key in COUNT_KEYS}
