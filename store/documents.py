"""Documents and their versions: save (versioning by content hash), get, history.

A *document* is one logical page, keyed by its canonical URL (or URL). A *version*
is one distinct text of it; re-fetching the same text only moves ``last_seen``. A
page that disappears (deleted / blocked / unavailable) changes the document's
status and keeps its last text. Each version and its full-text row are written in
the same transaction, so no crash can leave one without the other.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from store.base import ArchiveBase, dumps, inserted_id, now, row_id
from store.errors import ArchiveError
from store.kinds import STATUSES, DocumentStatus, SaveOutcome
from store.model import Document
from store.records import DocumentRecord, VersionRecord
from store.searchindex import facets, index_row, mark, reindex

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_VERSION_COLUMNS = (
    "document_id", "seq", "content_hash", "created_at", "kind", "status", "url", "canonical_url",
    "source", "title", "account", "author", "doc_number", "published_at", "published_date",
    "fetched_at", "origin", "origin_url", "repost_from", "original", "lead", "body", "outline",
    "images", "attachments", "meta",
)
_INSERT_VERSION = (f"INSERT INTO versions ({', '.join(_VERSION_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(_VERSION_COLUMNS))})")


@dataclass(frozen=True)
class SaveResult:
    """What ``Archive.save`` did: its :class:`store.kinds.SaveOutcome`.

    ``previous_status`` is the document's status before this save (None for a new one),
    ``previous_version_id`` its latest version before a ``new_version``.
    ``unreachable_checks`` counts the consecutive checks that found the page unreachable
    (an anti-bot interstitial) — including this one; when the page is back it is the
    count the unreachable spell reached.
    """

    outcome: SaveOutcome
    document_id: int
    version_id: int | None
    previous_status: str | None = None
    previous_version_id: int | None = None
    unreachable_checks: int = 0


def content_hash(doc: Document) -> str:
    """The hash ``doc`` carries; the archive never computes one.

    It is defined once, by the normaliser (``crawler.normalise.finish``: the sha256 of the
    comparison key, so a formatting-only change is no new version); the store imports
    nothing of ours, so it receives the hash and refuses a text that comes without one.
    """
    if not doc.content_hash:
        raise ArchiveError(f"{doc.canonical_url or doc.url or doc.title!r}: a document's text must come with its"
                           " content hash (crawler.normalise.finish computes it)")
    return doc.content_hash


def version_text(version: dict[str, Any]) -> str:
    """Lead and body of a stored version, joined as ``Document.text`` joins them."""
    return "\n\n".join(part for part in (version.get("lead"), version.get("body")) if part)


def _version_values(doc: Document, document_id: int, seq: int, source: str | None) -> tuple:
    """The versions row for ``doc`` in ``_VERSION_COLUMNS`` order."""
    published = doc.published_at or None
    return (
        document_id, seq, content_hash(doc), now(), doc.kind, doc.status, doc.url, doc.canonical_url,
        source, doc.title, doc.account, doc.author, doc.doc_number, published,
        published[:10] if published and _DATE.match(published) else None,
        doc.fetched_at, doc.origin, doc.origin_url, doc.repost_from, int(bool(doc.original)),
        doc.lead, doc.body, dumps(doc.outline), dumps(doc.images), dumps(doc.attachments),
        dumps(doc.meta),
    )


def _key(doc: Document) -> str:
    """The document key (canonical URL, else URL), or a clear error."""
    key = doc.canonical_url or doc.url
    if not key:
        raise ArchiveError("cannot save a document without url or canonical_url")
    if doc.status not in STATUSES:
        raise ArchiveError(f"unknown document status {doc.status!r} (expected one of {', '.join(STATUSES)})")
    return key


_STORED = ("SELECT d.id, d.status, d.latest_version_id, d.version_count, v.content_hash, d.unreachable_checks"
           " FROM documents d LEFT JOIN versions v ON v.id = d.latest_version_id WHERE ")


def _stored(conn: sqlite3.Connection, key: str, url: str | None) -> tuple | None:
    """The stored document a save belongs to: the one under ``key``, else the one last fetched from ``url``.

    A document keeps the key it was first stored under: a deleted WeChat page names no
    canonical link of its own (its key is the short link it was fetched from), and the
    real article behind a provisional feed copy names a longer canonical link than the
    feed's; both land on the document already known for the URL that was fetched.
    """
    found = conn.execute(_STORED + "d.key = ?", (key,)).fetchone()
    if found is None and url and url != key:
        found = conn.execute(_STORED + "d.url = ? ORDER BY d.id LIMIT 1", (url,)).fetchone()
    return found


class DocumentsMixin(ArchiveBase):
    """save / get / history and the crawler's incremental look-ups."""

    def save(self, doc: Document, *, source: str | None = None) -> SaveResult:
        """Store ``doc`` atomically; see :class:`SaveResult` for the outcomes."""
        key = _key(doc)
        with self.write() as conn:
            return self._save(conn, key, doc, source or doc.source)

    def save_many(self, docs: list[Document], *, source: str | None = None) -> list[SaveResult]:
        """Save several documents in one transaction (bulk import; same rules as save)."""
        keyed = [(_key(doc), doc) for doc in docs]
        with self.write() as conn:
            return [self._save(conn, key, doc, source or doc.source) for key, doc in keyed]

    def _save(self, conn: sqlite3.Connection, key: str, doc: Document, source: str | None) -> SaveResult:
        """The body of save, inside the caller's transaction."""
        seen = doc.fetched_at or now()
        found = _stored(conn, key, doc.url)
        if found is None:
            document_id = inserted_id(conn.execute(
                "INSERT INTO documents (key, url, canonical_url, source, kind, status, first_seen, last_seen,"
                " last_checked, version_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (key, doc.url, doc.canonical_url, source, doc.kind, doc.status, seen, seen, seen)))
            if doc.status != DocumentStatus.OK:
                self._status_event(conn, document_id, None, doc.status, None)
                return SaveResult(SaveOutcome.STATUS_CHANGED, document_id, None)
            version_id = self._add_version(conn, document_id, 1, doc, source, seen, fresh=True)
            return SaveResult(SaveOutcome.NEW, document_id, version_id)
        document_id, old_status, latest_id, count, latest_hash, checks = found
        checks = self._count_unreachable(conn, document_id, doc.status, checks or 0)
        if doc.status != DocumentStatus.OK or latest_hash == content_hash(doc):
            if doc.url:
                conn.execute("UPDATE documents SET url = ? WHERE id = ?", (doc.url, document_id))
            result = self._same_text(conn, document_id, old_status, doc.status, latest_id, seen)
            return replace(result, previous_status=old_status, unreachable_checks=checks)
        version_id = self._add_version(conn, document_id, count + 1, doc, source, seen)
        if old_status != DocumentStatus.OK:
            self._status_event(conn, document_id, old_status, DocumentStatus.OK, version_id)
        return SaveResult(SaveOutcome.NEW_VERSION if count else SaveOutcome.NEW, document_id, version_id, old_status,
                          latest_id if count else None, checks)

    @staticmethod
    def _count_unreachable(conn: sqlite3.Connection, document_id: int, status: str, checks: int) -> int:
        """One more consecutive unreachable check, or back to 0; returns the count to report."""
        if status == DocumentStatus.UNREACHABLE:
            checks += 1
            conn.execute("UPDATE documents SET unreachable_checks = ? WHERE id = ?", (checks, document_id))
            return checks
        if checks:
            conn.execute("UPDATE documents SET unreachable_checks = 0 WHERE id = ?", (document_id,))
        return checks

    def _same_text(self, conn: sqlite3.Connection, document_id: int, old: str, new: str,
                   latest_id: int | None, seen: str) -> SaveResult:
        """A re-fetch with no new text: touch, or record a status change keeping the text."""
        if old == new:
            conn.execute("UPDATE documents SET last_seen = ?, last_checked = ? WHERE id = ?",
                         (seen, now(), document_id))
            return SaveResult(SaveOutcome.UNCHANGED, document_id, latest_id)
        self._status_event(conn, document_id, old, new, latest_id)
        conn.execute("UPDATE documents SET status = ?, status_changed_at = ?, last_seen = ?, last_checked = ?"
                     " WHERE id = ?", (new, now(), seen, now(), document_id))
        mark(conn, document_id)
        return SaveResult(SaveOutcome.STATUS_CHANGED, document_id, latest_id)

    def _add_version(self, conn: sqlite3.Connection, document_id: int, seq: int, doc: Document,
                     source: str | None, seen: str, *, fresh: bool = False) -> int:
        """Insert a version, point the document at it, and index it in place of the previous one."""
        values = _version_values(doc, document_id, seq, source)
        version_id = inserted_id(conn.execute(_INSERT_VERSION, values))
        indexed: tuple = ()
        if fresh:  # a document created by this save: nothing to replace, no comparisons yet
            facet_text = facets(source=source, account=doc.account,
                                published_date=values[_VERSION_COLUMNS.index("published_date")])
            index_row(conn, document_id, doc.title, doc.text, facet_text)
            indexed = (version_id, facet_text)
        conn.execute(
            "UPDATE documents SET latest_version_id = ?, version_count = ?, status = 'ok', url = ?,"
            " source = coalesce(?, source), kind = ?, last_seen = ?, last_checked = ?"
            f"{', indexed_version_id = ?, search_facets = ?' if indexed else ''} WHERE id = ?",
            (version_id, seq, doc.url or doc.canonical_url, source, doc.kind, seen, now(), *indexed, document_id))
        if not fresh:
            reindex(conn, document_id)
        return version_id

    @staticmethod
    def _status_event(conn: sqlite3.Connection, document_id: int, old: str | None, new: str,
                      version_id: int | None) -> None:
        """Record that a document's status changed (kept in document_events)."""
        conn.execute("INSERT INTO document_events (document_id, at, old_status, new_status, version_id)"
                     " VALUES (?, ?, ?, ?, ?)", (document_id, now(), old, new, version_id))

    def get(self, document_id: int) -> DocumentRecord | None:
        """The document with its latest ``version`` (None when it has none)."""
        document = self.row("SELECT * FROM documents WHERE id = ?", (document_id,))
        if document is None:
            return None
        latest = document["latest_version_id"]
        return DocumentRecord.from_row(document, self.get_version(latest) if latest else None)

    def get_version(self, version_id: int) -> VersionRecord | None:
        """One stored version: the Document as saved, plus its ids and number."""
        version = self.row("SELECT * FROM versions WHERE id = ?", (version_id,))
        return VersionRecord.from_row(version) if version is not None else None

    def find_document(self, url: str) -> dict[str, Any] | None:
        """The document whose key, URL or canonical URL is ``url``."""
        return self.row(
            "SELECT * FROM documents WHERE key = ?1 OR url = ?1 OR canonical_url = ?1 "
            "ORDER BY key = ?1 DESC, id LIMIT 1", (url,))

    def resolve_document(self, url_or_id: str | int) -> dict[str, Any] | None:
        """A document by id (int or digits) or by URL."""
        document_id = row_id(url_or_id)
        if document_id is not None:
            return self.row("SELECT * FROM documents WHERE id = ?", (document_id,))
        return self.find_document(str(url_or_id))

    def history(self, url_or_id: str | int) -> list[VersionRecord]:
        """Every version of a document, oldest first (empty when unknown)."""
        document = self.resolve_document(url_or_id)
        if document is None:
            return []
        return [VersionRecord.from_row(row)
                for row in self.rows("SELECT * FROM versions WHERE document_id = ? ORDER BY seq", (document["id"],))]

    def events(self, document_id: int) -> list[dict[str, Any]]:
        """The document's status changes (deleted, blocked, back online), oldest first."""
        return self.rows("SELECT * FROM document_events WHERE document_id = ? ORDER BY id", (document_id,))

    def known_document(self, url: str) -> dict[str, Any] | None:
        """Cheap look-up for incremental crawls: id, status, times, validators, latest hash."""
        return self.row(
            "SELECT d.id, d.key, d.url, d.kind, d.status, d.first_seen, d.last_seen, d.last_checked, d.etag,"
            " d.last_modified, d.latest_version_id, v.content_hash FROM documents d"
            " LEFT JOIN versions v ON v.id = d.latest_version_id"
            " WHERE d.key = ?1 OR d.url = ?1 OR d.canonical_url = ?1 ORDER BY d.key = ?1 DESC LIMIT 1", (url,))

    def recheck_candidates(self, source: str, *, limit: int = 200) -> list[dict[str, Any]]:
        """A source's known documents, least recently checked first (the crawler re-checks the due ones).

        Provisional feed copies are left out: the feed path fetches them every run until read.
        """
        return self.rows(
            "SELECT d.id, d.key, d.url, d.kind, d.status, d.last_checked, d.last_seen, d.etag, d.last_modified"
            " FROM documents d LEFT JOIN versions v ON v.id = d.latest_version_id WHERE d.source = ?"
            " AND coalesce(json_extract(v.meta, '$.provisional'), 0) = 0"
            " ORDER BY coalesce(d.last_checked, d.last_seen, '') LIMIT ?", (source, int(limit)))

    def touch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> None:
        """Mark a document re-checked (e.g. HTTP 304) and keep its validators; unknown URL: no-op."""
        found = self.known_document(url)
        if found is None:
            return
        with self.write() as conn:
            conn.execute(
                "UPDATE documents SET last_checked = ?, etag = coalesce(?, etag),"
                " last_modified = coalesce(?, last_modified) WHERE id = ?",
                (now(), etag, last_modified, found["id"]))
