"""What must hold in an archive after any number of faults and kills, read straight from SQLite.

:func:`check` opens the file read-only (no policywatch code involved, so a bug in the
archive layer cannot hide itself) and returns a :class:`Report`: figures for the
reliability table and the list of violated promises, each one line.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from tests.chaos.misbehaving_site import Expected
from tests.chaos.receiver import Receiver


@dataclass
class Report:
    """Figures of one archive and every promise it breaks (empty ``violations`` = all kept)."""

    integrity: str = ""
    documents_expected: int = 0
    documents_stored: int = 0
    documents_lost: int = 0
    documents_duplicated: int = 0
    versions_duplicated: int = 0
    versions_uncompared: int = 0
    alerts_expected: int = 0
    alerts_stored: int = 0
    alerts_duplicated: int = 0
    alerts_missing: int = 0
    alerts_delivered: int = 0
    deliveries_duplicated: int = 0
    violations: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, int | str]:
        """The figures without the violations (for the results file)."""
        return {k: v for k, v in self.__dict__.items() if k != "violations"}


def connect(db: Path) -> sqlite3.Connection:
    """A read-only connection to the archive file."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def alert_group_keys(db: Path) -> list[str]:
    """Every alert's group key (one per alert)."""
    with connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT group_key FROM alerts ORDER BY id")]


def check(db: Path, expected: Expected, expected_alerts: set[str], receiver: Receiver | None = None) -> Report:
    """Check integrity, documents, versions, comparisons, alerts and (with ``receiver``) deliveries."""
    report = Report()
    conn = connect(db)
    try:
        report.integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if report.integrity != "ok":
            report.violations.append(f"integrity_check: {report.integrity}")
        _documents(conn, expected, report)
        _versions(conn, report)
        _alerts(conn, expected_alerts, report)
        if receiver is not None:
            _deliveries(conn, receiver, report)
    finally:
        conn.close()
    return report


def _documents(conn: sqlite3.Connection, expected: Expected, report: Report) -> None:
    report.documents_expected = len(expected.ok) + len(expected.statuses)
    report.documents_stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    for marker, title in expected.ok.items():
        holders = conn.execute(
            "SELECT DISTINCT v.document_id FROM versions v WHERE instr(v.body, ?) > 0", (marker,)).fetchall()
        current = conn.execute(
            "SELECT count(*) FROM documents d JOIN versions v ON v.id = d.latest_version_id"
            " WHERE instr(v.body, ?) > 0 AND v.title = ? AND d.status = 'ok'", (marker, title)).fetchone()[0]
        if len(holders) > 1:
            report.documents_duplicated += 1
            report.violations.append(f"{marker} stored as {len(holders)} documents")
        if current != 1:
            report.documents_lost += 1
            report.violations.append(f"{marker} ({title}) is not the current text of exactly one document")
    for url, status in expected.statuses.items():
        row = conn.execute("SELECT d.status, v.meta FROM documents d LEFT JOIN versions v"
                           " ON v.id = d.latest_version_id WHERE d.url = ? OR d.key = ?", (url, url)).fetchone()
        if row is None:
            report.documents_lost += 1
            report.violations.append(f"{url}: not in the archive (expected status {status})")
        elif not (row[0] == status or (status == "blocked" and '"provisional": true' in (row[1] or ""))):
            report.violations.append(f"{url}: status {row[0]}, expected {status}")


def _versions(conn: sqlite3.Connection, report: Report) -> None:
    report.versions_duplicated = conn.execute(
        "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM versions"
        " GROUP BY document_id, content_hash HAVING n > 1)").fetchone()[0]
    if report.versions_duplicated:
        report.violations.append(f"{report.versions_duplicated} document version(s) stored twice")
    report.versions_uncompared = conn.execute(
        "SELECT count(*) FROM versions v, plans p WHERE v.status = 'ok' AND NOT EXISTS (SELECT 1 FROM comparisons c"
        " WHERE c.version_id = v.id AND c.plan_version_id = p.latest_version_id)").fetchone()[0]
    if report.versions_uncompared:
        report.violations.append(f"{report.versions_uncompared} version(s) never compared with the tracked plan")


def _alerts(conn: sqlite3.Connection, expected_alerts: set[str], report: Report) -> None:
    """Each expected group key once. (The site gives every article its own fingerprint; two
    articles sharing one would legitimately open a follow-up alert once the first is sent.)"""
    keys = [row[0] for row in conn.execute("SELECT group_key FROM alerts")]
    report.alerts_expected = len(expected_alerts)
    report.alerts_stored = len(keys)
    report.alerts_duplicated = len(keys) - len(set(keys))
    missing = expected_alerts - set(keys)
    report.alerts_missing = len(missing)
    if report.alerts_duplicated:
        report.violations.append(f"{report.alerts_duplicated} alert(s) raised twice (same group key)")
    if missing:
        report.violations.append(f"{len(missing)} expected alert(s) missing")
    unexpected = set(keys) - expected_alerts
    if unexpected and expected_alerts:
        report.violations.append(f"{len(unexpected)} alert(s) a fault-free crawl does not raise")
    twice = conn.execute("SELECT count(*) FROM (SELECT a.version_id FROM alert_documents a JOIN alerts b"
                         " ON b.id = a.alert_id GROUP BY b.group_key, a.version_id HAVING count(*) > 1)").fetchone()[0]
    if twice:
        report.violations.append(f"{twice} version(s) attached to the same alert group twice")


def _deliveries(conn: sqlite3.Connection, receiver: Receiver, report: Report) -> None:
    alert_ids = {row[0] for row in conn.execute("SELECT id FROM alerts")}
    by_alert = receiver.keys_by_alert()
    report.alerts_delivered = len(set(by_alert) & alert_ids)
    report.deliveries_duplicated = receiver.duplicates()
    undelivered = alert_ids - set(by_alert)
    if undelivered:
        report.violations.append(f"{len(undelivered)} alert(s) never reached the webhook: {sorted(undelivered)[:5]}")
    rekeyed = [alert for alert, keys in by_alert.items() if len(keys) > 1]
    if rekeyed:
        report.violations.append(f"alert(s) {rekeyed[:5]} delivered under different idempotency keys")
    unknown = set(by_alert) - alert_ids
    if unknown:
        report.violations.append(f"webhook got alert(s) the archive does not hold: {sorted(unknown)[:5]}")
    unmarked = conn.execute("SELECT count(*) FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM alert_deliveries d"
                            " WHERE d.alert_id = a.id AND d.status = 'delivered')").fetchone()[0]
    if unmarked:
        report.violations.append(f"{unmarked} alert(s) not marked delivered in the outbox")
