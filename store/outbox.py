"""The alert outbox: alerts grouped by key, their documents, per-channel delivery state.

An alert is written in the same archive as the version that caused it, so a
crash can never lose one; delivery state lives per channel in
``alert_deliveries`` (pending | delivered | failed | skipped), so email can succeed while a
webhook retries. A second document with the same ``group_key`` joins the open
alert ("reposted by 12 accounts") until that alert has been delivered somewhere;
after that it opens a follow-up alert, so nobody misses the late reposts.
"""
from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from store.base import ArchiveBase, dumps, id_param, inserted_id, now
from store.errors import ArchiveError, SearchError
from store.filters import check_plan, check_priority, check_source
from store.kinds import AlertKind, alert_kind
from store.records import AlertRecord, AlertSummary

_STATES = {"unread": "a.reviewed_at IS NULL", "reviewed": "a.reviewed_at IS NOT NULL"}
_ALERT_COLUMNS = (
    "SELECT a.*, CASE WHEN a.reviewed_at IS NULL THEN 'unread' ELSE 'reviewed' END AS state,"
    " a.doc_count AS documents_count, p.name AS plan_name, d.source, d.url"
)
_ALERT_FROM = " FROM alerts a LEFT JOIN plans p ON p.id = a.plan_id LEFT JOIN documents d ON d.id = a.document_id"
_ALERT_SELECT = _ALERT_COLUMNS + _ALERT_FROM
_DUE = (
    "(ad.status IS NULL OR (ad.status IN ('pending', 'failed') AND ad.next_attempt_at IS NOT NULL"
    " AND ad.next_attempt_at <= ?))"
)


def timestamp(value: datetime | str | None) -> str:
    """A UTC ISO timestamp from a datetime, an ISO string, or None (now); text-sortable."""
    if value is None:
        return now()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ArchiveError(f"not an ISO 8601 time: {value!r}") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class OutboxMixin(ArchiveBase):
    """enqueue_alert, the inbox queries, and per-channel delivery bookkeeping."""

    def enqueue_alert(self, *, group_key: str, priority: str, plan_id: int | None, document_id: int | None,
                      version_id: int | None, comparison_id: int | None, relation: str | None, title: str,
                      summary: AlertSummary | dict[str, Any], kind: AlertKind | str = AlertKind.PLAN) -> tuple[int, bool]:
        """Record an alert of ``kind`` (store.kinds), or attach the document to the open alert of its group.

        Returns ``(alert_id, created)``; the same version twice attaches nothing.
        ``plan_id``, ``comparison_id`` and ``relation`` are None for alerts about no plan
        (a status change has no comparison); ``document_id`` and ``version_id`` are None
        for alerts about no document (a failing source): such an alert is created once
        per open group and lists no documents. ``summary`` is encoded here, once (a dict is
        read as an :class:`AlertSummary` first).
        """
        if not isinstance(summary, AlertSummary):
            summary = AlertSummary.from_dict(summary)
        try:
            kind = alert_kind(kind)
        except ValueError as exc:
            raise ArchiveError(str(exc)) from None
        with self.write() as conn:
            known = conn.execute(
                "SELECT a.id FROM alert_documents ad JOIN alerts a ON a.id = ad.alert_id"
                " WHERE a.group_key = ? AND ad.version_id = ? LIMIT 1", (group_key, version_id)).fetchone()
            if known:
                return known[0], False
            open_alert = conn.execute(
                "SELECT id FROM alerts a WHERE group_key = ? AND NOT EXISTS (SELECT 1 FROM alert_deliveries"
                " WHERE alert_id = a.id AND status = 'delivered') ORDER BY id DESC LIMIT 1",
                (group_key,)).fetchone()
            if open_alert:
                if version_id is not None:
                    self._attach(conn, open_alert[0], document_id, version_id, comparison_id)
                return open_alert[0], False
            stamp = now()
            alert_id = inserted_id(self._checked(conn, (
                "INSERT INTO alerts (group_key, kind, priority, plan_id, document_id, version_id, comparison_id,"
                " relation, title, summary, doc_count, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"),
                (group_key, kind.value, priority, plan_id, document_id, version_id, comparison_id, relation,
                 title, dumps(summary.to_dict()), stamp, stamp)))
            if version_id is not None:
                self._attach(conn, alert_id, document_id, version_id, comparison_id)
            return alert_id, True

    def _attach(self, conn: sqlite3.Connection, alert_id: int, document_id: int | None, version_id: int,
                comparison_id: int | None) -> None:
        """Add a document to an alert, recount its documents, and mark it unread again."""
        self._checked(conn, "INSERT INTO alert_documents (alert_id, document_id, version_id, comparison_id,"
                      " added_at) VALUES (?, ?, ?, ?, ?)", (alert_id, document_id, version_id, comparison_id, now()))
        conn.execute(
            "UPDATE alerts SET doc_count = (SELECT count(DISTINCT document_id) FROM alert_documents"
            " WHERE alert_id = ?1), updated_at = ?2, reviewed_at = NULL WHERE id = ?1", (alert_id, now()))

    @staticmethod
    def _checked(conn: sqlite3.Connection, sql: str, params: tuple) -> sqlite3.Cursor:
        """Execute, turning a broken reference (unknown id) into a clear ArchiveError."""
        try:
            return conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise ArchiveError(f"alert refers to something not in the archive ({exc})") from exc

    def alerts(self, *, state: str | None = None, priority: str | None = None, plan: str | int | None = None,
               source: str | None = None, kind: str | None = None, limit: int = 50,
               offset: int = 0) -> list[AlertRecord]:
        """Alerts newest first; ``state`` is unread | reviewed; ``plan`` a name or id; ``kind`` an AlertKind.

        An unknown priority, plan, source or kind is a SearchError (the same line in CLI, web and API).
        """
        with self._lock:
            check_priority(priority)
            check_plan(self._conn, plan)
            check_source(self._conn, source)
        where: list[str] = []
        params: list[object] = []
        if state is not None:
            if state not in _STATES:
                raise ArchiveError(f"unknown alert state {state!r} (expected unread or reviewed)")
            where.append(_STATES[state])
        if kind is not None:
            try:
                kind = alert_kind(kind).value
            except ValueError as exc:
                raise SearchError(str(exc)) from None
        for clause, value in (("a.priority = ?", priority), ("d.source = ?", source), ("a.kind = ?", kind)):
            if value is not None:
                where.append(clause)
                params.append(value)
        if plan is not None:
            where.append("(p.name = ? OR p.id = ?)")
            params += [str(plan), id_param(plan)]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.rows(f"{_ALERT_SELECT} {clause} ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?",
                         [*params, int(limit), int(offset)])
        return [AlertRecord.from_row(row) for row in rows]

    def alert(self, alert_id: int) -> AlertRecord | None:
        """One alert with ``documents`` (each grouped document) and ``deliveries`` (per channel)."""
        found = self.row(f"{_ALERT_SELECT} WHERE a.id = ?", (alert_id,))
        if found is None:
            return None
        found["documents"] = self.rows(
            "SELECT ad.document_id, ad.version_id, ad.comparison_id, ad.added_at, d.url, d.status, v.title,"
            " v.account, v.published_at, c.relation, c.similarity, c.coverage FROM alert_documents ad"
            " JOIN documents d ON d.id = ad.document_id JOIN versions v ON v.id = ad.version_id"
            " LEFT JOIN comparisons c ON c.id = ad.comparison_id WHERE ad.alert_id = ? ORDER BY ad.added_at",
            (alert_id,))
        found["deliveries"] = self.rows(
            "SELECT * FROM alert_deliveries WHERE alert_id = ? ORDER BY channel", (alert_id,))
        return AlertRecord.from_row(found)

    def set_reviewed(self, alert_id: int, reviewed: bool) -> None:
        """Mark an alert reviewed (or unread again)."""
        with self.write() as conn:
            changed = conn.execute("UPDATE alerts SET reviewed_at = ? WHERE id = ?",
                                   (now() if reviewed else None, alert_id)).rowcount
        if not changed:
            raise ArchiveError(f"no alert {alert_id} in the archive")

    def pending_deliveries(self, channel: str, *, now: datetime | str | None = None,
                           limit: int = 100) -> list[AlertRecord]:
        """Alerts not yet delivered on ``channel`` that are due (never tried, or retry time passed).

        A failure recorded with no ``next_attempt_at`` is final and never due again.
        """
        rows = self.rows(
            f"{_ALERT_COLUMNS}, coalesce(ad.attempts, 0) AS attempts, ad.last_error, ad.next_attempt_at"
            f"{_ALERT_FROM} LEFT JOIN alert_deliveries ad ON ad.alert_id = a.id AND ad.channel = ? WHERE {_DUE}"
            " ORDER BY a.id LIMIT ?", (channel, timestamp(now), int(limit)))
        return [AlertRecord.from_row(row) for row in rows]

    def claim_deliveries(self, channel: str, *, now: datetime | str | None = None, limit: int = 100,
                         lease_seconds: float = 300) -> list[AlertRecord]:
        """Like pending_deliveries, but atomically leases them (status pending) for ``lease_seconds``.

        Two deliverers never get the same alert; a deliverer that dies leaves the
        lease to expire, and the alert becomes due again.
        """
        with self.write() as conn:
            due = self.pending_deliveries(channel, now=now, limit=limit)
            until = timestamp(datetime.fromisoformat(timestamp(now)) + timedelta(seconds=lease_seconds))
            for alert in due:
                conn.execute(
                    "INSERT INTO alert_deliveries (alert_id, channel, status, attempts, next_attempt_at)"
                    " VALUES (?, ?, 'pending', 0, ?) ON CONFLICT (alert_id, channel) DO UPDATE SET"
                    " status = 'pending', next_attempt_at = excluded.next_attempt_at", (alert.id, channel, until))
            return due

    def mark_delivered(self, alert_id: int, channel: str, idempotency_key: str) -> None:
        """Record a successful delivery of an alert on a channel."""
        with self.write() as conn:
            self._checked(conn, (
                "INSERT INTO alert_deliveries (alert_id, channel, status, attempts, delivered_at, idempotency_key)"
                " VALUES (?, ?, 'delivered', 1, ?, ?) ON CONFLICT (alert_id, channel) DO UPDATE SET"
                " status = 'delivered', attempts = attempts + 1, delivered_at = excluded.delivered_at,"
                " idempotency_key = excluded.idempotency_key, next_attempt_at = NULL"),
                (alert_id, channel, now(), idempotency_key))

    def mark_failed(self, alert_id: int, channel: str, error: str,
                    next_attempt_at: datetime | str | None) -> None:
        """Record a failed attempt: attempts + 1, the (secret-free) error, when to retry (None: give up)."""
        retry = timestamp(next_attempt_at) if next_attempt_at is not None else None
        with self.write() as conn:
            self._checked(conn, (
                "INSERT INTO alert_deliveries (alert_id, channel, status, attempts, last_error, next_attempt_at)"
                " VALUES (?, ?, 'failed', 1, ?, ?) ON CONFLICT (alert_id, channel) DO UPDATE SET"
                " status = 'failed', attempts = attempts + 1, last_error = excluded.last_error,"
                " next_attempt_at = excluded.next_attempt_at WHERE alert_deliveries.status != 'delivered'"),
                (alert_id, channel, str(error)[:2000], retry))

    def mark_skipped(self, alert_id: int, channel: str) -> None:
        """Record that a channel's rules keep this alert from it: status skipped, never due there."""
        with self.write() as conn:
            self._checked(conn, (
                "INSERT INTO alert_deliveries (alert_id, channel, status, attempts, next_attempt_at)"
                " VALUES (?, ?, 'skipped', 0, NULL) ON CONFLICT (alert_id, channel) DO UPDATE SET"
                " status = 'skipped', next_attempt_at = NULL WHERE alert_deliveries.status != 'delivered'"),
                (alert_id, channel))
