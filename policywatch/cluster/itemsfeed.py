"""Reading a job's items feed (JSON lines) incrementally, each line exactly once.

A running job's feed grows while the coordinator polls it. :class:`FeedCursor` remembers
the byte offset just past the last complete line and the number of that line, so the next
fetch asks only for what follows (an HTTP Range request) and a half-written last line is
left for the next poll. So within a job each line is handed on exactly once, numbered;
pages that a rescheduled job fetches again are caught later, by content (see ingestion).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from crawler.items import Page


@dataclass
class FeedLine:
    """One line of a feed: its number (1-based), and the Page or why it could not be read."""

    number: int
    page: Page | None
    error: str | None = None


@dataclass
class FeedCursor:
    """Position in one job's items feed."""

    job: str
    offset: int = 0
    lines: int = 0

    def take(self, chunk: bytes, *, final: bool = False) -> list[FeedLine]:
        """Consume the complete lines of ``chunk`` (bytes from :attr:`offset` on).

        With ``final`` (the job has finished) a trailing line without a newline counts too.
        """
        end = len(chunk) if final else chunk.rfind(b"\n") + 1
        parsed: list[FeedLine] = []
        for raw in chunk[:end].split(b"\n"):
            if not raw.strip():
                continue
            self.lines += 1
            parsed.append(parse_line(self.lines, raw))
        self.offset += end
        return parsed


def parse_line(number: int, raw: bytes) -> FeedLine:
    """One JSON line → a FeedLine carrying the Page, or the error that kept it from being one."""
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return FeedLine(number, Page.from_json(data))
    except (ValueError, TypeError) as exc:
        return FeedLine(number, None, f"items line {number}: not a page ({type(exc).__name__}: {exc})"[:300])
