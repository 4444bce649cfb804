"""Tracked plans (named, versioned documents) and comparisons of versions with them."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from store.base import ArchiveBase, dumps, inserted_id, now, row_id
from store.documents import content_hash
from store.errors import ArchiveError
from store.model import Document
from store.searchindex import mark

_PLAN_SELECT = (
    "SELECT p.id, p.name, pv.title, p.latest_version_id AS plan_version_id, pv.body, pv.document,"
    " pv.content_hash, p.created_at, pv.created_at AS updated_at, pv.seq AS version_count,"
    " p.home_document_id"
    " FROM plans p LEFT JOIN plan_versions pv ON pv.id = p.latest_version_id"
)
#: Plans still tracked (``untrack`` keeps a plan's history but stops comparing with it).
_TRACKED = " WHERE p.untracked_at IS NULL"


def plan_text(doc: Document) -> str:
    """What is tracked of ``doc``: its body (the plan itself). A repost's own lead is
    commentary about the plan, not part of it; a document with only a lead keeps that."""
    return doc.body or doc.lead


@dataclass(frozen=True)
class PlanResult:
    """What ``Archive.track_plan`` did."""

    plan_id: int
    plan_version_id: int
    created_version: bool


class PlansMixin(ArchiveBase):
    """track_plan / plans / plan and save_comparison / comparisons."""

    def track_plan(self, name: str, doc: Document, *, source_version_id: int | None = None) -> PlanResult:
        """Track ``doc`` under ``name``; a changed text becomes the plan's next version.

        ``source_version_id`` names the archived document version the text was taken
        from (the plan's home), kept with the plan version it creates.
        """
        name = (name or "").strip()
        if not name:
            raise ArchiveError("a tracked plan needs a non-empty name")
        if not plan_text(doc).strip():
            raise ArchiveError(f"plan {name!r}: the document has no text to track")
        digest = content_hash(doc)
        with self.write() as conn:
            found = conn.execute(
                "SELECT p.id, p.latest_version_id, pv.seq, pv.content_hash FROM plans p"
                " LEFT JOIN plan_versions pv ON pv.id = p.latest_version_id WHERE p.name = ?", (name,)).fetchone()
            if found is None:
                plan_id = inserted_id(conn.execute("INSERT INTO plans (name, created_at) VALUES (?, ?)",
                                       (name, now())))
                found = (plan_id, None, 0, None)
            plan_id, latest_id, seq, latest_hash = found
            conn.execute("UPDATE plans SET untracked_at = NULL WHERE id = ?", (plan_id,))
            if latest_hash == digest:
                return PlanResult(plan_id, latest_id, False)
            version_id = inserted_id(conn.execute(
                "INSERT INTO plan_versions (plan_id, seq, content_hash, created_at, title, body, document,"
                " source_version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (plan_id, (seq or 0) + 1, digest, now(), doc.title, plan_text(doc), dumps(doc.to_dict()),
                 source_version_id)))
            conn.execute("UPDATE plans SET latest_version_id = ? WHERE id = ?", (version_id, plan_id))
            return PlanResult(plan_id, version_id, True)

    def plans(self) -> list[dict[str, Any]]:
        """Every tracked plan with its latest version's title, body and Document dict."""
        return self.rows(f"{_PLAN_SELECT}{_TRACKED} ORDER BY p.id")

    def plan(self, name_or_id: str | int) -> dict[str, Any] | None:
        """One plan (by name, or by id) like :meth:`plans` gives, plus ``versions``."""
        found = self.row(f"{_PLAN_SELECT} WHERE p.name = ?", (str(name_or_id),))
        if found is None and row_id(name_or_id) is not None:
            found = self.row(f"{_PLAN_SELECT} WHERE p.id = ?", (row_id(name_or_id),))
        if found is not None:
            found["versions"] = self.rows(
                "SELECT id, seq, content_hash, title, created_at FROM plan_versions WHERE plan_id = ?"
                " ORDER BY seq", (found["id"],))
        return found

    def set_plan_home(self, plan_id: int, document_id: int | None) -> None:
        """Make ``document_id`` the plan's home: its new versions become the plan's versions."""
        with self.write() as conn:
            try:
                changed = conn.execute("UPDATE plans SET home_document_id = ? WHERE id = ?",
                                       (document_id, plan_id)).rowcount
            except sqlite3.IntegrityError:
                raise ArchiveError(f"no document {document_id} in the archive") from None
        if not changed:
            raise ArchiveError(f"no plan {plan_id} in the archive")

    def plan_summaries(self) -> list[dict[str, Any]]:
        """Every tracked plan: id, name, versions (count), home (document id or None), latest_version_at."""
        return self.rows(
            "SELECT p.id, p.name, count(pv.id) AS versions, p.home_document_id AS home,"
            " max(pv.created_at) AS latest_version_at FROM plans p"
            f" LEFT JOIN plan_versions pv ON pv.plan_id = p.id{_TRACKED} GROUP BY p.id ORDER BY p.id")

    def plans_homed_at(self, document_id: int) -> list[dict[str, Any]]:
        """The plans whose home is this document (like :meth:`plans` gives them)."""
        return self.rows(f"{_PLAN_SELECT} WHERE p.home_document_id = ? ORDER BY p.id", (document_id,))

    def plan_versions(self, plan_id: int) -> list[dict[str, Any]]:
        """Every version of a plan, oldest first, with its body and content hash."""
        return self.rows("SELECT id, plan_id, seq, content_hash, title, body, created_at, source_version_id"
                         " FROM plan_versions WHERE plan_id = ? ORDER BY seq", (plan_id,))

    def plan_version(self, plan_version_id: int) -> dict[str, Any] | None:
        """One plan version with its Document dict (``document``)."""
        return self.row("SELECT * FROM plan_versions WHERE id = ?", (plan_version_id,))

    def save_comparison(self, version_id: int, plan_version_id: int, comparison: dict[str, Any]) -> int:
        """Store (or replace) the comparison of a version with a plan version; returns its id."""
        values = (
            comparison.get("relation"), _number(comparison.get("similarity")),
            _number(comparison.get("coverage")), dumps(comparison.get("changes") or []),
            dumps(comparison.get("figures") or []), dumps(comparison), now(),
        )
        with self.write() as conn:
            owners = self._owners(conn, version_id, plan_version_id)
            conn.execute(
                "INSERT INTO comparisons (version_id, plan_version_id, document_id, plan_id, relation,"
                " similarity, coverage, changes, figures, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (version_id, plan_version_id) DO UPDATE SET relation = excluded.relation,"
                " similarity = excluded.similarity, coverage = excluded.coverage, changes = excluded.changes,"
                " figures = excluded.figures, data = excluded.data, created_at = excluded.created_at",
                (version_id, plan_version_id, *owners, *values))
            if conn.execute("SELECT 1 FROM documents WHERE id = ? AND latest_version_id = ?",
                            (owners[0], version_id)).fetchone():
                mark(conn, owners[0])  # relation and plan are search filters
            return conn.execute("SELECT id FROM comparisons WHERE version_id = ? AND plan_version_id = ?",
                                (version_id, plan_version_id)).fetchone()[0]

    @staticmethod
    def _owners(conn: sqlite3.Connection, version_id: int, plan_version_id: int) -> tuple[int, int]:
        """(document_id, plan_id) of a version and a plan version, or a clear error."""
        document = conn.execute("SELECT document_id FROM versions WHERE id = ?", (version_id,)).fetchone()
        plan = conn.execute("SELECT plan_id FROM plan_versions WHERE id = ?", (plan_version_id,)).fetchone()
        if document is None:
            raise ArchiveError(f"no version {version_id} in the archive")
        if plan is None:
            raise ArchiveError(f"no plan version {plan_version_id} in the archive")
        return document[0], plan[0]

    def comparisons(self, *, version_id: int | None = None, document_id: int | None = None,
                    plan_id: int | None = None) -> list[dict[str, Any]]:
        """Stored comparisons, newest first, with the plan's name; filters combine with AND."""
        where, params = [], []
        for column, value in (("c.version_id", version_id), ("c.document_id", document_id),
                              ("c.plan_id", plan_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self.rows(
            "SELECT c.*, p.name AS plan_name, pv.seq AS plan_version_seq FROM comparisons c"
            " JOIN plans p ON p.id = c.plan_id JOIN plan_versions pv ON pv.id = c.plan_version_id"
            f" {clause} ORDER BY c.id DESC", params)

    def comparison(self, comparison_id: int) -> dict[str, Any] | None:
        """One comparison by id (with plan name), or None."""
        found = self.rows(
            "SELECT c.*, p.name AS plan_name FROM comparisons c JOIN plans p ON p.id = c.plan_id"
            " WHERE c.id = ?", (comparison_id,))
        return found[0] if found else None

    def versions_without_comparison(self, plan_version_id: int) -> list[int]:
        """Latest versions of documents not yet compared with this plan version (oldest first)."""
        return [row["id"] for row in self.rows(
            "SELECT d.latest_version_id AS id FROM documents d WHERE d.latest_version_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM comparisons c WHERE c.version_id = d.latest_version_id"
            " AND c.plan_version_id = ?) ORDER BY d.latest_version_id", (plan_version_id,))]


def _number(value: Any) -> float | None:
    """A score as float, or None when absent or not a number."""
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None
