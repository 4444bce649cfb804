"""Archive upkeep: online backup, a consistency check, a resumable rebuild of the search index.

- :func:`backup` copies the archive while crawls keep writing. SQLite's backup
  API copies every page inside one read transaction, so the copy is the archive
  as it was when the backup started (WAL: writers are never blocked, and what they
  commit meanwhile is simply not in the copy). ``compact=True`` uses
  ``VACUUM INTO`` instead (same snapshot, a defragmented and smaller file, more CPU).
- :func:`check` lists problems, one line each: SQLite's ``integrity_check`` and
  ``foreign_key_check``, FTS5's own ``integrity-check``, documents whose newest
  version is not the one indexed, index rows without a document, version counts
  and latest-version pointers, and a sampled probe that the index finds a piece
  of each sampled document's text (an index in an older token format fails it).
- :func:`reindex` rebuilds the search index in batches of documents, each batch
  its own short transaction, so crawls keep writing while it runs and an
  interrupted rebuild continues where it stopped (``_reindex`` holds the rowid
  reached). Saves made meanwhile index themselves as usual.

Imports nothing of ours outside ``store``.
"""
from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from store import clock, searchindex
from store.base import ArchiveBase
from store.errors import ArchiveError
from store.searchindex import MARKS_TABLE, SEARCH_TABLE
from store.textindex import fold, match_expression

#: Resume point of an unfinished reindex (one row: when it started and the last document id done).
REINDEX_TABLE = "_reindex"
#: Documents probed by :func:`check` for "the index finds their text".
PROBE_SAMPLE = 200
_PROBE_LENGTH = 6


@dataclass
class CheckReport:
    """What :func:`check` found: ``problems`` (one line each, empty when sound) and row ``counts``."""

    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def backup(source: str | Path, dest: str | Path, *, compact: bool = False) -> Path:
    """Copy the archive at ``source`` to ``dest`` online; returns the file written.

    ``dest`` may be a directory (the copy is named ``<archive>-<UTC time>.db`` in it).
    The copy is written next to its final name and renamed into place, so a
    failed or interrupted backup never leaves a half-written file under that name.
    An existing file is never overwritten.
    """
    source, dest = Path(source), Path(dest)
    if dest.is_dir():
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        dest = dest / f"{source.stem}-{stamp}.db"
    if dest.exists():
        raise ArchiveError(f"{dest} already exists; a backup never overwrites a file")
    if not dest.parent.is_dir():
        raise ArchiveError(f"no directory {dest.parent} to write the backup into")
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    conn = _open_existing(source)
    try:
        if compact:
            conn.execute("VACUUM INTO ?", (str(partial),))
        else:
            target = sqlite3.connect(str(partial))
            try:
                conn.backup(target)
            finally:
                target.close()
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"backup of {source} failed: {exc}") from exc
    finally:
        conn.close()
    return dest


def _open_existing(path: Path) -> sqlite3.Connection:
    """A plain connection to an existing archive (never creates or migrates a file)."""
    if not path.is_file():
        raise ArchiveError(f"no archive at {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None, timeout=30)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        raise ArchiveError(f"{path} is not a usable policywatch archive: {exc}") from exc
    if "_migrations" not in tables:
        conn.close()
        raise ArchiveError(f"{path} is not a policywatch archive")
    return conn


def _sqlite_problems(conn: sqlite3.Connection, quick: bool) -> list[str]:
    """SQLite's integrity_check (or quick_check) and foreign_key_check, as lines."""
    pragma = "quick_check" if quick else "integrity_check"
    lines = [f"integrity: {row[0]}" for row in conn.execute(f"PRAGMA {pragma}") if row[0] != "ok"]
    lines += [f"foreign key: {table} row {rowid} points at a missing {parent}"
              for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]
    return lines


def _fts_problems(conn: sqlite3.Connection) -> list[str]:
    """FTS5's integrity-check of the search index structure."""
    problems = []
    for table in (SEARCH_TABLE, MARKS_TABLE):
        try:
            conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            problems.append(f"search index: FTS5 integrity-check of {table} failed ({exc})")
    return problems


def _document_problems(conn: sqlite3.Connection) -> list[str]:
    """Documents whose counts, latest pointer or index row disagree with their versions."""
    lines = [f"document {doc_id}: version_count or latest_version_id disagrees with its versions"
             for (doc_id,) in conn.execute(
                 "SELECT d.id FROM documents d LEFT JOIN versions v ON v.id = d.latest_version_id"
                 " WHERE d.version_count != (SELECT count(*) FROM versions WHERE document_id = d.id)"
                 " OR (d.latest_version_id IS NOT NULL AND (v.document_id IS NOT d.id"
                 "     OR v.seq != (SELECT max(seq) FROM versions WHERE document_id = d.id)))"
                 " OR (d.latest_version_id IS NULL AND d.version_count != 0) ORDER BY d.id")]
    if _reindex_state(conn) is None:
        lines += [f"document {doc_id}: its newest version is not the one in the search index"
                  for (doc_id,) in conn.execute(
                      "SELECT id FROM documents WHERE indexed_version_id IS NOT latest_version_id ORDER BY id")]
    lines += _row_problems(conn, SEARCH_TABLE, "indexed_version_id", "search index", "indexed")
    lines += _row_problems(conn, MARKS_TABLE, "search_marks", "search marks", "marked")
    return lines[:1000]


def _row_problems(conn: sqlite3.Connection, table: str, recorded: str, name: str, state: str) -> list[str]:
    """Rows of an index table no document records (in column ``recorded``), and recorded rows it lacks."""
    lines = [f"{name}: row {rowid} belongs to no {state} document" for (rowid,) in conn.execute(
        f"SELECT s.id FROM {table}_docsize s LEFT JOIN documents d ON d.id = s.id WHERE d.{recorded} IS NULL"
        " ORDER BY s.id")]
    lines += [f"document {doc_id}: {state} but missing from the {name}" for (doc_id,) in conn.execute(
        f"SELECT d.id FROM documents d LEFT JOIN {table}_docsize s ON s.id = d.id"
        f" WHERE d.{recorded} IS NOT NULL AND s.id IS NULL ORDER BY d.id")]
    return lines


def _probe_problems(conn: sqlite3.Connection, sample: int, rng: random.Random) -> list[str]:
    """For sampled indexed documents: a piece of their current text is found by the index."""
    top = conn.execute("SELECT max(id) FROM documents").fetchone()[0] or 0
    lines: list[str] = []
    for doc_id in sorted({rng.randint(1, top) for _ in range(sample)} if top else set()):
        row = conn.execute(
            "SELECT d.id, v.title, v.lead, v.body FROM documents d JOIN versions v ON v.id = d.indexed_version_id"
            " WHERE d.id >= ? ORDER BY d.id LIMIT 1", (doc_id,)).fetchone()
        if row is None:
            continue
        text = fold("\n\n".join(part for part in row[2:] if part)) or fold(row[1] or "")
        piece = _probe_piece(text, rng)
        if not piece:
            continue
        expression = f"{{title body}} : ({match_expression(piece)})"
        found = conn.execute(f"SELECT 1 FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ? AND rowid = ?",
                             (expression, row[0])).fetchone()
        if found is None:
            lines.append(f"document {row[0]}: the search index does not find {piece!r} from its text")
    return lines


def _probe_piece(folded: str, rng: random.Random) -> str:
    """A short piece of one run of ``folded`` text (no spaces), or '' for an empty text."""
    words = [word for word in folded.split() if word]
    if not words:
        return ""
    word = rng.choice(words)
    start = rng.randrange(max(1, len(word) - _PROBE_LENGTH + 1))
    return word[start:start + _PROBE_LENGTH]


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Documents, versions, documents with text, index rows."""
    return {
        "documents": conn.execute("SELECT count(*) FROM documents").fetchone()[0],
        "versions": conn.execute("SELECT count(*) FROM versions").fetchone()[0],
        "documents_with_text": conn.execute(
            "SELECT count(*) FROM documents WHERE latest_version_id IS NOT NULL").fetchone()[0],
        "index_rows": conn.execute(f"SELECT count(*) FROM {SEARCH_TABLE}_docsize").fetchone()[0],
    }


def _reindex_state(conn: sqlite3.Connection) -> int | None:
    """The last document id an unfinished reindex reached, or None when none is under way."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (REINDEX_TABLE,)).fetchone() is None:
        return None
    found = conn.execute(f"SELECT last_id FROM {REINDEX_TABLE}").fetchone()
    return None if found is None else int(found[0])


class MaintenanceMixin(ArchiveBase):
    """Archive.check and Archive.reindex (backup works on the file: :func:`backup`)."""

    def check(self, *, sample: int = PROBE_SAMPLE, seed: int | None = None,
                  quick: bool = False) -> CheckReport:
        """Every problem found in the archive, one line each (see module doc), and its row counts.

        ``quick`` runs SQLite's ``quick_check`` (no index-versus-table comparison: minutes
        faster on a large file) instead of ``integrity_check``.
        """
        report = CheckReport()
        with self._lock:
            conn = self._conn
            report.problems += _sqlite_problems(conn, quick)
            report.problems += _fts_problems(conn)
            conn.execute("BEGIN")  # one snapshot for the cross-table checks while crawls write
            try:
                report.problems += _document_problems(conn)
                report.problems += _probe_problems(conn, sample, random.Random(seed))
                report.counts = _counts(conn)
                pending = _reindex_state(conn)
            finally:
                conn.execute("COMMIT")
        if pending is not None:
            report.problems.append(f"a reindex is unfinished (up to document {pending}): run `policywatch reindex`")
        return report

    def reindex(self, *, batch: int = 2000, progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild the search index of every document; resumes an interrupted rebuild. Returns documents indexed.

        First (one transaction) the index is emptied and the resume point recorded;
        then documents are indexed in id order, ``batch`` per transaction, each
        transaction also moving the resume point. ``progress(done, total)`` is
        called after each batch.
        """
        with self.write() as conn:
            if _reindex_state(conn) is None:
                conn.execute(f"CREATE TABLE IF NOT EXISTS {REINDEX_TABLE} (started_at TEXT NOT NULL, last_id INTEGER NOT NULL)")
                searchindex.forget_all(conn)
                conn.execute(f"INSERT INTO {REINDEX_TABLE} VALUES (?, 0)", (clock.now().isoformat(),))
            total = conn.execute("SELECT count(*) FROM documents WHERE latest_version_id IS NOT NULL").fetchone()[0]
        done = 0
        while True:
            with self.write() as conn:
                last = _reindex_state(conn) or 0
                ids = [row[0] for row in conn.execute(
                    "SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?", (last, batch))]
                if not ids:
                    conn.execute(f"DROP TABLE {REINDEX_TABLE}")
                    break
                for doc_id in ids:
                    searchindex.reindex(conn, doc_id)
                conn.execute(f"UPDATE {REINDEX_TABLE} SET last_id = ?", (ids[-1],))
                done += len(ids)
            if progress is not None:
                progress(min(done, total), total)
        return done
