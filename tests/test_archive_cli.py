"""The archive commands: track, search, show, history, export (through the real CLI group)."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.normalise import finish
from policywatch.cli import group
from store.archive import Archive
from store.model import Document
from tests.support import processes

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path) -> Path:
    """An archive with three documents, one with two versions, one compared with a plan."""
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        plan = archive.track_plan("融合赋能", finish(Document(kind="export", url="file:plan", title="方案", body="算力。")))
        archive.save(Document(kind="miit", url="https://www.miit.gov.cn/a", title="关于算力的通知", account="工信部",
                              published_at="2026-03-02", source="miit", body="加快构建全国一体化算力网络。",
                              content_hash="a1"))
        archive.save(Document(kind="miit", url="https://www.miit.gov.cn/a", title="关于算力的通知（修订）",
                              account="工信部", published_at="2026-03-05", source="miit",
                              body="加快构建全国一体化算力网络，<script>alert(1)</script>。", content_hash="a2"))
        repost = archive.save(Document(kind="wechat", url="https://mp.weixin.qq.com/s/b", title="转载：行动方案",
                                       account="赛博研究院", published_at="2026-01-07", source="wechat-feeds",
                                       body="推动不少于５００００家企业，提升算力。", content_hash="b1"))
        archive.save(Document(kind="wechat", url="https://mp.weixin.qq.com/s/c", title="无关", account="新华社",
                              published_at="2025-12-01", body="今天天气很好。", content_hash="c1"))
        archive.save_comparison(repost.version_id, plan.plan_version_id,
                                {"relation": "altered_repost", "similarity": 0.9, "coverage": 0.7})
    return path


def test_search_json_is_one_object_per_document(db):
    code, out, err = run(db, "search", "算力", "--format", "json")
    assert code == 0, err
    hits = json.loads(out)
    assert [h["url"] for h in hits] == ["https://www.miit.gov.cn/a", "https://mp.weixin.qq.com/s/b"]
    assert list(hits[0])[:6] == ["id", "title", "url", "account", "published_at", "snippet"]
    assert hits[0]["title"] == "关于算力的通知（修订）"  # the current version
    assert "[[算力]]" in hits[1]["snippet"]


def test_search_filters_and_formats(db):
    _, out, _ = run(db, "search", "算力", "--since", "2026-02", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["account"] for r in rows] == ["工信部"]
    _, out, _ = run(db, "search", "50000家", "--relation", "altered_repost", "--plan", "融合赋能", "--format", "json")
    assert [h["account"] for h in json.loads(out)] == ["赛博研究院"]
    _, out, _ = run(db, "search", "算力", "--source", "wechat-feeds", "--format", "json")
    assert len(json.loads(out)) == 1
    code, out, err = run(db, "search", "算力")
    assert code == 0 and "关于算力的通知（修订）" in out and "1–2 of 2 documents" in err
    code, out, _ = run(db, "search", "不存在的词", "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_search_sql_runs_in_plain_sqlite(db):
    import sqlite3

    code, out, _ = run(db, "search", "算力网络", "--sql")
    sql, expression = out.split("\n-- :q = ")
    conn = sqlite3.connect(db)
    titles = [row[1] for row in conn.execute(sql, {"q": expression.strip()})]
    conn.close()
    assert titles == ["关于算力的通知（修订）"]


@pytest.mark.parametrize("args, message", [
    (["search", "  "], "at least one word"),
    (["search", "算力", "--since", "last week"], "date like"),
    (["show", "999"], "no document 999"),
    (["history", "https://nowhere.example/x"], "no document"),
    (["show", "1", "--version", "9"], "has no version 9"),
    (["track", "missing.txt", "--name", "x"], ""),
    (["track", "--name", "x"], "PATH"),
])
def test_bad_input_is_one_line_exit_2(db, args, message):
    code, out, err = run(db, *args)
    assert code == 2
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_show_and_history(db):
    code, out, _ = run(db, "show", "1")
    assert code == 0 and "关于算力的通知（修订）" in out and "version:     2 of 2" in out
    code, out, _ = run(db, "show", "https://www.miit.gov.cn/a", "--version", "1", "--format", "json")
    assert json.loads(out)["version"]["title"] == "关于算力的通知"
    _, out, _ = run(db, "show", "2")
    assert "融合赋能 v1: altered_repost (similarity 90%, coverage 70%)" in out
    code, out, _ = run(db, "history", "https://www.miit.gov.cn/a")
    assert code == 0 and out.index("关于算力的通知") < out.index("关于算力的通知（修订）")
    _, out, _ = run(db, "history", "1", "--format", "json")
    assert [v["seq"] for v in json.loads(out)["versions"]] == [1, 2]


def test_export_json_and_csv(db):
    code, out, _ = run(db, "export")
    rows = json.loads(out)
    assert code == 0 and [r["url"] for r in rows] == [
        "https://www.miit.gov.cn/a", "https://mp.weixin.qq.com/s/b", "https://mp.weixin.qq.com/s/c"]
    assert "<script>" in rows[0]["body"]  # data is exported as it is; renderers escape
    _, out, _ = run(db, "export", "--format", "csv", "--until", "2025-12-31")
    assert [r["title"] for r in csv.DictReader(io.StringIO(out))] == ["无关"]
    _, out, _ = run(db, "export", "--query", "算力", "--account", "赛博研究院")
    assert [r["account"] for r in json.loads(out)] == ["赛博研究院"]


def test_track_the_seed_plan(tmp_path):
    db = tmp_path / "a.db"
    seed = tmp_path / "plan.txt"
    shutil.copy(SEED, seed)
    code, out, err = run(db, "track", str(seed), "--name", "融合赋能")
    assert code == 0, err
    assert "new version, version 1" in out
    code, out, _ = run(db, "track", str(seed), "--name", "融合赋能")
    assert "unchanged, version 1" in out
    _, out, _ = run(db, "track", "--list")
    assert "融合赋能" in out
    with Archive(db) as archive:
        assert "50000家" in archive.plan("融合赋能")["body"]


def test_entry_point_uses_policywatch_db_env(db, tmp_path):
    env = {**os.environ, "POLICYWATCH_DB": str(db), "PYTHONPATH": str(ROOT)}
    done = processes.run([sys.executable, "-m", "policywatch", "search", "天气", "--format", "json"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [h["title"] for h in json.loads(done.stdout)] == ["无关"]
    bad = tmp_path / "notes.txt"
    bad.write_text("not sqlite " * 100)
    done = processes.run([sys.executable, "-m", "policywatch", "--db", str(bad), "search", "x"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and f"no archive at {bad} (the file is not an SQLite database)" in done.stderr
    assert "Traceback" not in done.stderr and bad.read_text().startswith("not sqlite")
