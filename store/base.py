"""The connection under an Archive: opening, pragmas, short write transactions, row helpers.

One connection per Archive, in autocommit mode; every write goes through
:meth:`ArchiveBase.write`, a ``BEGIN IMMEDIATE`` transaction, so two processes
writing at once queue on the busy timeout instead of failing on a lock upgrade,
and a process killed mid-write leaves nothing half-done (WAL rolls it back).
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from store import clock, schema
from store.errors import ArchiveError

#: Columns holding JSON text, decoded when rows are read.
JSON_COLUMNS = frozenset({
    "outline", "images", "attachments", "meta", "document", "changes", "figures", "data",
    "summary", "counts", "errors",
})


def now() -> str:
    """The current UTC time (by :mod:`store.clock`) as ISO 8601 with microseconds (sorts as text)."""
    return clock.now().isoformat(timespec="microseconds")


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


def id_param(value: str | int) -> int:
    """``value`` as a row id for a query parameter, or -1 (which matches no row) when it is not one."""
    number = row_id(value)
    return -1 if number is None else number


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The row id an INSERT just made (``lastrowid`` is only None after other statements)."""
    if cursor.lastrowid is None:
        raise ArchiveError("an insert returned no row id")
    return cursor.lastrowid


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


def _connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """A ``mode=ro`` connection to an existing file (``immutable=1`` when we cannot write it)."""
    if not path.is_file():
        raise sqlite3.OperationalError("no such file")
    flags = "mode=ro" if os.access(path, os.W_OK) else "mode=ro&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=timeout,
                           isolation_level=None, check_same_thread=False)


class ArchiveBase:
    """Opens the file (WAL, foreign keys, busy timeout), migrates, runs transactions.

    ``read_only=True`` (what ``serve`` uses) never creates, migrates or writes the file:
    SQLite ``mode=ro``, or ``immutable=1`` when this process cannot write the file (then
    SQLite could not even create the WAL index); an empty file, another database or an
    archive that needs a migration is refused.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if self.path.is_dir():
            raise ArchiveError(f"{self.path} is a directory, not an archive file")
        try:
            conn = _connect_read_only(self.path, timeout) if read_only else sqlite3.connect(
                str(self.path), timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open archive {self.path}: {exc}") from exc
        self._conn = conn
        self._lock = threading.RLock()
        try:
            if read_only:
                self._check_read_only(timeout)
            else:
                self._configure(timeout)
            self.db = sqlite_utils.Database(conn)
            if not read_only:
                schema.migrate(self.db)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ArchiveError(f"{self.path} is not a usable policywatch archive: {exc}") from exc

    def _check_read_only(self, timeout: float) -> None:
        """Pragmas for reading, and refuse anything but an up-to-date archive (nothing may be created)."""
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self._conn.execute("PRAGMA query_only = ON")
        names = {row[0] for row in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "_migrations" not in names:
            raise sqlite3.DatabaseError("the file holds no archive (an empty file or another database)")
        applied = {row[0] for row in self._conn.execute("SELECT name FROM _migrations")}
        if any(name not in applied for name, _ in schema.MIGRATIONS):
            raise sqlite3.DatabaseError("it was written by an older policywatch; run a command that writes "
                                        "(e.g. policywatch crawl) once to upgrade it")
        self._conn.execute("PRAGMA cache_size = -32000")
        self._conn.execute("PRAGMA mmap_size = 268435456")

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
