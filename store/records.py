"""Typed records that cross the Archive boundary: alerts and their summaries, documents and versions.

The alert ``summary`` is built by the crawler (``crawler/ingest.py``, ``crawler/changes.py``,
``crawler/lifecycle.py``) and by ``store/health.py``, encoded into the outbox's JSON
column by :meth:`OutboxMixin.enqueue_alert` and decoded once, here, when a row is read:
every reader (messages, channels, web, CLI) gets an :class:`AlertRecord` whose
``summary`` is an :class:`AlertSummary`, never JSON text.

``to_dict`` gives back exactly the dict that was stored (keys in their order, kind-specific
keys kept in ``extra``), so the summary's JSON in the archive, the webhook payload and
``policywatch alerts list --format json`` stay what they were.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, get_type_hints

from store.kinds import AlertKind, DocumentStatus
from store.model import Document

_NUMBER = (int, float)


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list (anything else: none)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    """A text value, or None for anything that is not text."""
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    """An integer value (not a bool), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> float | None:
    """A number (not a bool), or None."""
    return value if isinstance(value, _NUMBER) and not isinstance(value, bool) else None


@dataclass
class AlertSummary:
    """What an alert says: who published what, the change, and the facts of its kind.

    Every key is optional (each alert kind writes its own set). The keys the readers
    use by name are typed fields; the others (``draft_id``, ``deadline``, ``reason``,
    ``failing_runs``…) stay in ``extra``. ``keys`` remembers which keys were given and
    in what order, so :meth:`to_dict` returns exactly what :meth:`from_dict` read.
    Figures and changes have a plan side (``plan``/``doc``, ``plan_text``/``doc_text``)
    or, for a document's own change, ``old``/``new``.
    """

    kind: str | None = None
    title: str | None = None
    url: str | None = None
    account: str | None = None
    source: str | None = None
    published_at: str | None = None
    plan: str | None = None
    relation: str | None = None
    priority: str | None = None
    similarity: float | None = None
    coverage: float | None = None
    headline: str | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    title_change: dict[str, Any] | None = None
    provisional: bool = False
    copies_plan_version: int | None = None
    plan_version: int | None = None
    from_version: int | None = None
    to_version: int | None = None
    previous_version_id: int | None = None
    from_plan_version: int | None = None
    to_plan_version: int | None = None
    status_from: str | None = None
    status_to: str | None = None
    event: str | None = None
    message: str | None = None
    last_text: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    keys: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Any) -> AlertSummary:
        """Read a summary: a dict, its JSON text, or anything damaged (→ an empty summary).

        A value of the wrong type reads as absent (a damaged summary still makes a
        message from the alert's own columns); unknown keys are kept in ``extra``.
        """
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                data = {}
        if not isinstance(data, dict):
            return cls()
        typed = {name: reader(data[name]) for name, reader in _READERS.items() if name in data}
        extra = {key: value for key, value in data.items() if key not in _READERS}
        return cls(**{k: v for k, v in typed.items() if v is not None}, extra=extra, keys=tuple(data))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict: the keys given, in their order (declared fields that are set, when built in code)."""
        keys = self.keys or tuple(name for name in _READERS if self._set(name))
        return {key: self.get(key) for key in (*keys, *(k for k in self.extra if k not in keys))}

    def get(self, key: str, default: Any = None) -> Any:
        """A key's value, typed field or ``extra``, as stored (``default`` when absent)."""
        if key in _READERS:
            value = getattr(self, key)
            return value if key in self.keys or self._set(key) else default
        return self.extra.get(key, default)

    def _set(self, name: str) -> bool:
        """Whether a typed field holds a value other than its empty default."""
        value = getattr(self, name)
        return value not in (None, False, [], {}) or name in self.keys


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    """A dict value, or None."""
    return value if isinstance(value, dict) else None


def _dict(value: Any) -> dict[str, Any]:
    """A dict value, or an empty dict."""
    return value if isinstance(value, dict) else {}


#: How a stored value of each field type is read (a value of the wrong type reads as absent).
_READ_AS: dict[Any, Callable[[Any], Any]] = {
    str | None: _text, int | None: _int, float | None: _number, bool: bool,
    list[dict[str, Any]]: _dicts, dict[str, Any]: _dict, dict[str, Any] | None: _dict_or_none,
}


def _readers() -> dict[str, Callable[[Any], Any]]:
    """Typed field name → the function reading its stored value."""
    hints = get_type_hints(AlertSummary)
    return {item.name: _READ_AS[hints[item.name]] for item in fields(AlertSummary) if item.name not in ("extra", "keys")}


_READERS = _readers()


@dataclass
class AlertRecord:
    """One alert of the outbox as the archive reads it (``Archive.alerts``, ``alert``, deliveries).

    ``state`` is unread | reviewed; ``plan_name``, ``source`` and ``url`` come from the
    alert's plan and document. Rows of ``pending_deliveries``/``claim_deliveries`` also
    carry the channel's ``attempts``, ``last_error`` and ``next_attempt_at``; ``Archive.alert``
    adds ``documents`` (each grouped document) and ``deliveries`` (per channel).
    """

    id: int
    kind: str = AlertKind.PLAN
    priority: str = "normal"
    title: str = ""
    summary: AlertSummary = field(default_factory=AlertSummary)
    group_key: str = ""
    plan_id: int | None = None
    document_id: int | None = None
    version_id: int | None = None
    comparison_id: int | None = None
    relation: str | None = None
    doc_count: int = 1
    created_at: str | None = None
    updated_at: str | None = None
    reviewed_at: str | None = None
    state: str = "unread"
    plan_name: str | None = None
    source: str | None = None
    url: str | None = None
    attempts: int | None = None
    last_error: str | None = None
    next_attempt_at: str | None = None
    documents: list[dict[str, Any]] | None = None
    deliveries: list[dict[str, Any]] | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AlertRecord:
        """Build from an outbox row (summary as JSON text or decoded); unknown columns are ignored."""
        values = {k: v for k, v in row.items() if k in _ALERT_COLUMNS and v is not None}
        return cls(**values, summary=AlertSummary.from_dict(row.get("summary")))

    def to_dict(self) -> dict[str, Any]:
        """The row as ``policywatch alerts list --format json`` prints it (summary decoded)."""
        data: dict[str, Any] = {
            "id": self.id, "group_key": self.group_key, "priority": self.priority, "plan_id": self.plan_id,
            "document_id": self.document_id, "version_id": self.version_id, "comparison_id": self.comparison_id,
            "relation": self.relation, "title": self.title, "summary": self.summary.to_dict(),
            "doc_count": self.doc_count, "created_at": self.created_at, "updated_at": self.updated_at,
            "reviewed_at": self.reviewed_at, "kind": self.kind, "state": self.state,
            "documents_count": self.doc_count, "plan_name": self.plan_name, "source": self.source, "url": self.url,
        }
        if self.attempts is not None:
            data.update(attempts=self.attempts, last_error=self.last_error, next_attempt_at=self.next_attempt_at)
        if self.documents is not None:
            data["documents"] = self.documents
        if self.deliveries is not None:
            data["deliveries"] = self.deliveries
        return data


#: The outbox columns an AlertRecord reads from a row (everything but the decoded summary).
_ALERT_COLUMNS = frozenset(f.name for f in fields(AlertRecord)) - {"summary"}

#: The columns of the versions table, in its order (``to_dict`` keeps it).
_VERSION_ROW = (
    "id", "document_id", "seq", "content_hash", "created_at", "kind", "status", "url", "canonical_url", "source",
    "title", "account", "author", "doc_number", "published_at", "published_date", "fetched_at", "origin",
    "origin_url", "repost_from", "original", "lead", "body", "outline", "images", "attachments", "meta",
)


@dataclass
class VersionRecord(Document):
    """One stored version of a document: the Document as it was saved, plus where it sits.

    ``seq`` is its number (1 = first); ``published_date`` the date part of ``published_at``
    (what date filters use); ``created_at`` when the archive stored it.
    """

    id: int = 0
    document_id: int = 0
    seq: int = 0
    created_at: str | None = None
    published_date: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> VersionRecord:
        """Build from a versions row (its JSON columns already decoded by ``ArchiveBase.rows``)."""
        values = {k: v for k, v in row.items() if k in _VERSION_FIELDS}
        values["original"] = bool(values.get("original"))
        for name in ("outline", "images", "attachments"):
            values[name] = values.get(name) if isinstance(values.get(name), list) else []
        values["meta"] = values.get("meta") if isinstance(values.get("meta"), dict) else {}
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The row as the archive holds it (column order), JSON columns decoded."""
        data = asdict(self)
        return {key: data[key] for key in _VERSION_ROW}

    def document(self) -> Document:
        """The Document as it was saved, without the archive's ids (to save or track it again)."""
        return Document(**{k: v for k, v in asdict(self).items() if k in _DOCUMENT_FIELDS})


_VERSION_FIELDS = frozenset(f.name for f in fields(VersionRecord))
_DOCUMENT_FIELDS = frozenset(f.name for f in fields(Document))


@dataclass
class DocumentRecord:
    """One watched document (``Archive.get``): where it lives, its status, its latest ``version``.

    ``key`` is the canonical URL (else the URL) it is known by; ``status`` a
    :class:`store.kinds.DocumentStatus`; ``version`` None for a document never seen ``ok``.
    """

    id: int
    key: str
    url: str | None = None
    canonical_url: str | None = None
    source: str | None = None
    kind: str | None = None
    status: str = DocumentStatus.OK
    first_seen: str | None = None
    last_seen: str | None = None
    last_checked: str | None = None
    status_changed_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    latest_version_id: int | None = None
    version_count: int = 0
    indexed_version_id: int | None = None
    search_facets: str | None = None
    unreachable_checks: int = 0
    version: VersionRecord | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any], version: VersionRecord | None) -> DocumentRecord:
        """Build from a documents row and its latest version; unknown columns are ignored."""
        return cls(**{k: v for k, v in row.items() if k in _DOCUMENT_COLUMNS}, version=version)

    def to_dict(self) -> dict[str, Any]:
        """The row as the archive holds it, with ``version`` as a dict (or None)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "version"}
        data["version"] = self.version.to_dict() if self.version else None
        return data


#: The documents columns a DocumentRecord reads from a row.
_DOCUMENT_COLUMNS = frozenset(f.name for f in fields(DocumentRecord)) - {"version"}
