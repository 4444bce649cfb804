"""Checks of a whole archive file after concurrent writers, kills and rebuilds: SQLite's own
integrity checks, the search index against a rebuild, documents against their versions."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from store.searchindex import rebuild


def assert_consistent(path: Path) -> int:
    """integrity_check, FTS integrity, and no half-saved version; returns the version count."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
        versions = {row[0] for row in conn.execute("SELECT id FROM versions")}
        with_text = {row[0] for row in conn.execute(
            "SELECT id FROM documents WHERE latest_version_id IS NOT NULL AND indexed_version_id = latest_version_id")}
        indexed = {row[0] for row in conn.execute("SELECT id FROM search_fts_docsize")}
        documents = conn.execute("SELECT count(*) FROM documents WHERE latest_version_id IS NOT NULL").fetchone()[0]
        assert indexed == with_text and len(indexed) == documents, "each document's newest text is indexed"
        bad = conn.execute(
            "SELECT d.id FROM documents d LEFT JOIN versions v ON v.id = d.latest_version_id"
            " WHERE d.version_count != (SELECT count(*) FROM versions WHERE document_id = d.id)"
            " OR (d.latest_version_id IS NOT NULL AND (v.document_id IS NOT d.id"
            "     OR v.seq != (SELECT max(seq) FROM versions WHERE document_id = d.id)))"
            " OR (d.latest_version_id IS NULL AND d.version_count != 0)").fetchall()
        assert bad == [], "documents point at their newest version and count them right"
        assert_index_is_exact(conn, path.with_suffix(".copy.db"))
        return len(versions)
    finally:
        conn.close()


def assert_index_is_exact(conn: sqlite3.Connection, scratch: Path) -> None:
    """On a copy: the live index has exactly the terms a rebuild from the stored versions gives."""
    copy = sqlite3.connect(scratch, isolation_level=None)
    try:
        conn.backup(copy)
        copy.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, search_fts, row)")
        live = copy.execute("SELECT term, doc, cnt FROM temp.vocab ORDER BY term").fetchall()
        copy.execute("BEGIN")
        rebuild(copy)
        copy.execute("COMMIT")
        assert copy.execute("SELECT term, doc, cnt FROM temp.vocab ORDER BY term").fetchall() == live
    finally:
        copy.close()
        scratch.unlink()
