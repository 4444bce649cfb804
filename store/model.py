"""The Document record every normaliser produces and the archive stores.

Plain dataclasses with no behaviour beyond (de)serialisation, so that every layer
can share them without importing anything else of ours.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from store.kinds import DocumentStatus

#: Keys of ``policywatch normalise --format json`` (issue 2 contract), in order.
JSON_KEYS = (
    "kind", "status", "url", "canonical_url", "title", "account", "author",
    "published_at", "origin", "source", "lead", "body", "outline", "images",
    "content_hash",
)


@dataclass
class Document:
    """One normalised page: a WeChat article, an MIIT article, an export, a generic page.

    Times are ISO 8601 strings with offset (``2026-01-07T10:00:00+08:00``) or a bare
    date (``2026-01-07``) when the page gives only a date. ``lead`` is a repost's own
    commentary before the reposted text; ``body`` is the clean text with paragraphs
    separated by blank lines. ``content_hash`` is the sha256 of the comparison key
    (folded title + lead + body), so formatting-only changes do not make a new version.
    """

    kind: str
    url: str | None = None
    canonical_url: str | None = None
    status: str = DocumentStatus.OK
    source: str | None = None
    title: str = ""
    account: str | None = None
    author: str | None = None
    doc_number: str | None = None
    published_at: str | None = None
    fetched_at: str | None = None
    origin: str | None = None
    origin_url: str | None = None
    repost_from: str | None = None
    original: bool = False
    lead: str = ""
    body: str = ""
    outline: list[dict[str, Any]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        """All fields as a JSON-ready dict."""
        return asdict(self)

    def to_json_contract(self) -> dict[str, Any]:
        """The issue-2 JSON contract keys first, then the remaining fields."""
        data = self.to_dict()
        ordered = {key: data[key] for key in JSON_KEYS}
        ordered.update({k: v for k, v in data.items() if k not in ordered})
        return ordered

    @property
    def text(self) -> str:
        """Lead and body together: what is compared with tracked plans."""
        return "\n\n".join(part for part in (self.lead, self.body) if part)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Build from a dict, ignoring unknown keys (older/newer archives)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
