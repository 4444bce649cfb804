"""Plain-text progress and summary lines for a crawl's counts (CLI, demo, scheduler logs)."""
from __future__ import annotations

from typing import Any

_LABELS = (
    ("pages", "pages fetched"),
    ("new", "new documents"),
    ("changed", "changed documents (new versions)"),
    ("unchanged", "unchanged"),
    ("status_changed", "status changes (deleted/blocked)"),
    ("not_modified", "lists/feeds/documents not modified (304)"),
    ("rechecked", "known documents re-checked on their interval"),
    ("skipped", "known articles not re-fetched"),
    ("alerts", "alerts enqueued"),
    ("errors", "errors"),
)
MAX_ERROR_LINES = 10


def progress_line(counts: dict[str, Any]) -> str:
    """One short line: ``pages 42 · new 5 · changed 1 · alerts 2 · errors 0``."""
    keys = ("pages", "new", "changed", "alerts", "errors")
    return " · ".join(f"{key} {counts.get(key, 0)}" for key in keys)


def summary_lines(counts: dict[str, Any], *, seconds: float | None = None) -> list[str]:
    """The end-of-crawl summary: one line per counter, then the first error lines."""
    sources = counts.get("sources") or []
    took = f" in {seconds:.1f}s" if seconds is not None else ""
    lines = [f"Crawled {len(sources)} source(s){took}: {', '.join(sources)}"]
    width = max(len(label) for _, label in _LABELS)
    lines += [f"  {label:<{width}}  {counts.get(key, 0):>6}" for key, label in _LABELS]
    errors = counts.get("error_lines") or []
    for line in errors[:MAX_ERROR_LINES]:
        lines.append(f"  ! {line}")
    if len(errors) > MAX_ERROR_LINES:
        lines.append(f"  ! … and {len(errors) - MAX_ERROR_LINES} more (see crawl_runs in the archive)")
    return lines
