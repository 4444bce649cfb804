"""Page: what every spider yields — one fetched response, before normalisation.

A plain dataclass (Scrapy accepts dataclass items via ItemAdapter) that also
round-trips through JSON, so scrapyd nodes can write pages to their items feed
and the coordinator can ingest them (issue 9).
"""
from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Page:
    """One fetched page.

    ``kind_hint`` says what the spider took the page for (``wechat``, ``miit``, ``feed``,
    ``gov``): the normaliser still picks its reader by content, except for ``gov`` — a page
    of a government column, read by the gov reader (the 信息公开 table) whatever it looks
    like (:func:`crawler.pagedoc.document_from_page`). ``meta`` carries what the
    list page or feed said about the item (title, date, summary, feed content for a
    provisional document when the article itself cannot be fetched).
    """

    url: str
    final_url: str
    status: int
    body: bytes
    fetched_at: str
    source: str
    headers: dict[str, str] = field(default_factory=dict)
    kind_hint: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON-safe dict: the body travels base64-encoded."""
        data = asdict(self)
        data["body"] = base64.b64encode(self.body).decode("ascii")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Page:
        """Inverse of :meth:`to_json`."""
        data = dict(data)
        data["body"] = base64.b64decode(data.get("body") or b"")
        return cls(**data)
