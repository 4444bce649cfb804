"""Migrations: an archive created by an older policywatch is upgraded when opened."""
from __future__ import annotations

import sqlite3

import sqlite_utils

from store import schema
from store.archive import Archive


def make_v1_archive(path) -> None:
    """An archive as the first release wrote it: core tables, no full-text index, one document."""
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    schema.migrate(db, schema.MIGRATIONS[:1])
    db.execute("INSERT INTO documents (id, key, url, status, version_count, latest_version_id)"
               " VALUES (1, 'https://www.miit.gov.cn/a', 'https://www.miit.gov.cn/a', 'ok', 1, 1)")
    db.execute("INSERT INTO versions (id, document_id, seq, content_hash, title, body, original)"
               " VALUES (1, 1, 1, 'h', '关于算力的通知', '推动不少于50000家企业实施改造。', 0)")
    db.close()


def test_v1_archive_is_upgraded_and_indexed(tmp_path):
    path = tmp_path / "old.db"
    make_v1_archive(path)
    with Archive(path) as archive:
        assert schema.applied(archive.db) == [name for name, _ in schema.MIGRATIONS]
        assert archive.search("算力").total == 1  # the old version was indexed by the upgrade
        assert archive.search("50000家").hits[0]["id"] == 1
        assert archive.get(1).version.title == "关于算力的通知"


def test_reopening_applies_nothing(tmp_path):
    path = tmp_path / "a.db"
    Archive(path).close()
    with Archive(path) as archive:
        assert schema.migrate(archive.db) == []
        assert len(schema.applied(archive.db)) == len(schema.MIGRATIONS)


def test_failed_migration_leaves_archive_unchanged(tmp_path):
    path = tmp_path / "a.db"
    Archive(path).close()

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("step failed")

    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    try:
        schema.migrate(db, [*schema.MIGRATIONS, ("999_broken", broken)])
    except RuntimeError:
        pass
    assert not db["half_done"].exists()
    assert "999_broken" not in schema.applied(db)
    db.close()
