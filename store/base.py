"""The connection under an Archive: opening, pragmas, short write transactions, row helpers.

One connection per Archive, in autocommit mode; every write goes through
:meth:`ArchiveBase.write`, a ``BEGIN IMMEDIATE`` transaction, so two processes
writing at once queue on the busy timeout instead of failing on a lock upgrade,
and a process killed mid-write leaves nothing half-done (WAL rolls it back).
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from store import schema
from store.errors import ArchiveError

#: Columns holding JSON text, decoded when rows are read.
JSON_COLUMNS = frozenset({
    "outline", "images", "attachments", "meta", "document", "changes", "figures", "data",
    "summary", "counts", "errors",
})


def now() -> str:
    """The current UTC time as ISO 8601 with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def row_id(value: str | int) -> int | None:
    """``value`` as a row id when it is one (decimal digits within SQLite's integer range), else None.

    ``str.isdigit`` accepts '²' and any length of digits; both must read as "not an id",
    never as an error from ``int()`` or SQLite.
    """
    if isinstance(value, int):
        number = value
    elif str(value).isdecimal():
        number = int(value)
    else:
        return None
    return number if 0 <= number < 2**63 else None


def dumps(value: Any) -> str:
    """JSON text that keeps Chinese readable in the file (Datasette, sqlite-utils)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def decode(row: dict[str, Any]) -> dict[str, Any]:
    """Decode the JSON columns of a row in place and return it."""
    for key in JSON_COLUMNS.intersection(row):
        if isinstance(row[key], str):
            try:
                row[key] = json.loads(row[key])
            except ValueError:
                pass
    return row


class ArchiveBase:
    """Opens the file (WAL, foreign keys, busy timeout), migrates, runs transactions."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise ArchiveError(f"{self.path} is a directory, not an archive file")
        try:
            conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open archive {self.path}: {exc}") from exc
        self._conn = conn
        self._lock = threading.RLock()
        try:
            self._configure(timeout)
            self.db = sqlite_utils.Database(conn)
            schema.migrate(self.db)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ArchiveError(f"{self.path} is not a usable policywatch archive: {exc}") from exc

    def _configure(self, timeout: float) -> None:
        """Pragmas: busy timeout, WAL, NORMAL sync (safe in WAL), foreign keys, a larger cache and mmap."""
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if not schema.is_archive(self._conn):
            raise sqlite3.DatabaseError("the file holds other tables (not a policywatch archive)")
        mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.DatabaseError(f"cannot switch to WAL (journal_mode={mode})")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA cache_size = -32000")
        self._conn.execute("PRAGMA mmap_size = 268435456")

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ArchiveBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` … ``COMMIT`` transaction; rolled back on any error.

        Re-entrant: a nested call joins the outer transaction.
        """
        with self._lock:
            conn = self._conn
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def rows(self, sql: str, params: tuple | list | dict = ()) -> list[dict[str, Any]]:
        """Run a query and return decoded dict rows."""
        with self._lock:
            cursor = self._conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [decode(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

    def row(self, sql: str, params: tuple | list | dict = ()) -> dict[str, Any] | None:
        """The first row of a query, or None."""
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: tuple | list | dict = ()) -> Any:
        """The first column of the first row, or None."""
        with self._lock:
            found = self._conn.execute(sql, params).fetchone()
        return found[0] if found else None
