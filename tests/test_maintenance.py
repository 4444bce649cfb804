"""backup, check and reindex on real archive files, with real writer processes running alongside."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policywatch.cli import group
from store.archive import Archive
from store.model import Document
from store.searchindex import SEARCH_TABLE
from store.textindex import shadow
from tests.support.archive_checks import assert_consistent, assert_index_is_exact

ROOT = Path(__file__).resolve().parent.parent

#: Saves documents w0, w1, ... one transaction each, printing how many are committed after each commit.
WRITER = """
import sys
from store.archive import Archive
from store.model import Document
path = sys.argv[1]
with Archive(path, timeout=60) as archive:
    n = 0
    while True:
        archive.save(Document(kind="wechat", url=f"https://mp.weixin.qq.com/s/w{n}", title=f"转载第{n}号",
                              body=f"推动不少于{n}家企业实施改造，编号甲乙{n}丙丁。" * 30, content_hash=f"w{n}"))
        n += 1
        print(n, flush=True)
"""


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def policywatch(db: Path, *args: str) -> subprocess.Popen:
    """The real command in its own process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "policywatch", "--db", str(db), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def filled(path: Path, count: int) -> Path:
    """An archive of ``count`` documents (bulk saved), some with a second version."""
    docs = [Document(kind="miit", url=f"https://www.miit.gov.cn/{n}", title=f"关于第{n}批试点的通知",
                     account="工信部", published_at=f"2026-0{1 + n % 9}-1{n % 10}", source="miit",
                     body=f"加快构建全国一体化算力网络，第{n}批。" * 40, content_hash=f"m{n}") for n in range(count)]
    with Archive(path) as archive:
        archive.save_many(docs)
        archive.save_many([Document(kind="miit", url=doc.url, title=doc.title + "（修订）", body=doc.body + "修订。",
                                    content_hash=doc.content_hash + "r") for doc in docs[::10]])
    return path


def test_backup_during_a_running_writer_holds_everything_committed_before_it(tmp_path):
    path = filled(tmp_path / "archive.db", 3000)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        committed = 0
        while committed < 30:
            line = writer.stdout.readline()
            assert line, writer.stderr.read()
            committed = int(line)
        code, out, err = run(path, "backup", str(tmp_path / "copy.db"))
        assert code == 0, err
        assert "backed up to" in out
        after = committed
        while after < committed + 5:  # the writer was never blocked and keeps committing
            after = int(writer.stdout.readline())
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    copy = tmp_path / "copy.db"
    assert_consistent(copy)
    with Archive(copy) as archive:
        assert archive.check().problems == []
        keys = {row["url"] for row in archive.documents()}
        assert {f"https://mp.weixin.qq.com/s/w{n}" for n in range(committed)} <= keys
        assert len(keys) >= 3000 + committed
        assert archive.search(f"编号甲乙{committed - 1}丙丁").total == 1
        assert archive.search("第2990批试点").total == 1
    code, out, _ = run(copy, "check")
    assert code == 0 and out.startswith("ok: ")


def test_backup_into_a_directory_and_compact(tmp_path):
    path = filled(tmp_path / "archive.db", 50)
    (tmp_path / "backups").mkdir()
    code, out, err = run(path, "backup", str(tmp_path / "backups"))
    assert code == 0, err
    [written] = (tmp_path / "backups").iterdir()
    assert written.name.startswith("archive-") and written.suffix == ".db"
    code, _, err = run(path, "backup", str(tmp_path / "small.db"), "--compact")
    assert code == 0, err
    for copy in (written, tmp_path / "small.db"):
        with Archive(copy) as archive:
            assert archive.check().problems == []
            assert archive.search("第49批").total == 1


def test_backup_refuses_bad_destinations_and_sources(tmp_path):
    path = filled(tmp_path / "archive.db", 5)
    (tmp_path / "taken.db").write_text("mine")
    code, _, err = run(path, "backup", str(tmp_path / "taken.db"))
    assert code == 2 and "already exists" in err and "Traceback" not in err
    assert (tmp_path / "taken.db").read_text() == "mine"
    code, _, err = run(path, "backup", str(tmp_path / "nowhere" / "copy.db"))
    assert code == 2 and "no directory" in err
    code, _, err = run(tmp_path / "missing.db", "backup", str(tmp_path / "copy.db"))
    assert code == 2 and "no archive at" in err
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "copy.db").exists()
    (tmp_path / "other.db").write_bytes(b"not sqlite at all" * 100)
    code, _, err = run(tmp_path / "other.db", "backup", str(tmp_path / "copy.db"))
    assert code == 2 and "not" in err and len(err.strip().splitlines()) == 1


def test_check_prints_one_line_per_problem_and_exits_1(tmp_path):
    path = filled(tmp_path / "archive.db", 40)
    code, out, _ = run(path, "check")
    assert code == 0 and out == "ok: 40 documents, 44 versions, 40 documents with text, 40 index rows\n"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE documents SET version_count = 7 WHERE id = 3")
    row = conn.execute("SELECT d.search_facets, v.title, v.body FROM documents d JOIN versions v"
                       " ON v.id = d.indexed_version_id WHERE d.id = 5").fetchone()
    conn.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, title, body, facets)"
                 " VALUES ('delete', 5, ?, ?, ?)", (shadow(row[1]), shadow(row[2]), row[0]))
    conn.close()
    code, out, err = run(path, "check", "--sample", "0")
    assert code == 1
    assert out.splitlines() == [
        "document 3: version_count or latest_version_id disagrees with its versions",
        "document 5: indexed but missing from the search index",
    ]
    assert "2 problem(s) found" in err


def test_check_finds_an_index_in_another_token_format(tmp_path):
    """An index whose rows were written by other tokens (an old format) fails the sampled probe."""
    path = filled(tmp_path / "archive.db", 30)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('delete-all')")
    for doc_id, facets, text in conn.execute(
            "SELECT d.id, d.search_facets, v.body FROM documents d JOIN versions v ON v.id = d.indexed_version_id")\
            .fetchall():
        conn.execute(f"INSERT INTO {SEARCH_TABLE} (rowid, title, body, facets) VALUES (?, '', ?, ?)",
                     (doc_id, " ".join(text), facets))  # single characters, not bigrams
    conn.close()
    with Archive(path) as archive:
        problems = archive.check(sample=20).problems
    assert problems and all("the search index does not find" in line for line in problems)
    code, out, _ = run(path, "reindex")
    assert code == 0 and out == "reindexed 30 documents\n"
    with Archive(path) as archive:
        assert archive.check(sample=30).problems == []


def test_check_on_something_that_is_not_an_archive(tmp_path):
    (tmp_path / "x.db").write_bytes(b"\x00garbage" * 500)
    code, _, err = run(tmp_path / "x.db", "check")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_reindex_killed_midway_resumes_and_gives_the_exact_index(tmp_path):
    path = filled(tmp_path / "archive.db", 2000)
    process = policywatch(path, "reindex", "--batch", "50")
    progressed = b""
    while b"reindexed 100 of" not in progressed:
        chunk = process.stderr.read(1)
        assert chunk, "reindex ended before it could be interrupted"
        progressed += chunk.encode()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with Archive(path) as archive:
        report = archive.check(sample=0)
        assert any("a reindex is unfinished" in line for line in report.problems)
        assert 0 < archive.search("加快构建").total < 2000  # partial while unfinished
        archive.save(Document(kind="miit", url="https://www.miit.gov.cn/new", title="新文件",
                              body="在重建索引期间保存的文件。", content_hash="new"))
    code, out, err = run(path, "reindex", "--batch", "300")
    assert code == 0, err
    assert_consistent(path)
    with Archive(path) as archive:
        assert archive.check().problems == []
        assert archive.search("加快构建").total == 2000
        assert archive.search("重建索引期间").total == 1
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert_index_is_exact(conn, tmp_path / "scratch.db")
    finally:
        conn.close()


@pytest.mark.parametrize("batch", ["0", "-3"])
def test_reindex_rejects_a_batch_below_one(tmp_path, batch):
    path = filled(tmp_path / "archive.db", 3)
    code, _, err = run(path, "reindex", "--batch", batch)
    assert code == 2 and "--batch" in err
