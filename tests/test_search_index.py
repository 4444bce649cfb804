"""The search index stays in step with documents: date facets, re-indexing, ranking window, plain SQL use."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import search as search_module
from store.archive import Archive
from store.model import Document
from store.searchindex import date_cover, date_tokens
from store.textindex import fold

DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31))


@settings(max_examples=300, deadline=None)
@given(DAYS, DAYS, DAYS)
def test_date_cover_is_exactly_the_range(since, until, day):
    """A day's own tokens meet the cover of a range exactly when the day lies in the range."""
    cover = set(date_cover(since, until))
    assert bool(cover & set(date_tokens(day.isoformat()))) == (since <= day <= until)
    assert len(cover) <= 2 * 31 + 2 * 11 + (until.year - since.year + 1)


def doc(n: int, **fields) -> Document:
    values = {"kind": "wechat", "url": f"https://mp.weixin.qq.com/s/{n}", "title": f"文章{n}",
              "body": f"第{n}篇：加快构建全国一体化算力网络。", "content_hash": f"h{n}",
              "published_at": "2026-03-01"}
    values.update(fields)
    return Document(**values)


def ids(archive: Archive, query: str, **filters) -> set[int]:
    return {hit["id"] for hit in archive.search(query, limit=1000, **filters).hits}


def test_new_version_replaces_the_indexed_text(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        first = archive.save(doc(1, body="旧文本：算力。"))
        archive.save(doc(1, body="新文本：数据。", content_hash="h1b", account="工信微报", published_at="2026-04-02"))
        assert ids(archive, "旧文本") == set()
        assert ids(archive, "新文本") == {first.document_id}
        assert ids(archive, "新文本", account="工信微报", since="2026-04") == {first.document_id}
        assert ids(archive, "新文本", until="2026-03-31") == set()


def test_status_and_comparisons_are_filters_that_follow_changes(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        plan = archive.track_plan("融合赋能", doc(0))
        saved = archive.save(doc(1))
        archive.save_comparison(saved.version_id, plan.plan_version_id, {"relation": "identical"})
        assert ids(archive, "算力", relation="identical", plan="融合赋能") == {saved.document_id}
        archive.save_comparison(saved.version_id, plan.plan_version_id, {"relation": "revision"})
        assert ids(archive, "算力", relation="identical") == set()
        assert ids(archive, "算力", relation="revision", plan=str(plan.plan_id)) == {saved.document_id}
        archive.save(doc(1, body="", status="blocked", content_hash="x"))
        assert ids(archive, "算力", status="blocked", relation="revision") == {saved.document_id}
        assert ids(archive, "算力", status="ok") == set()
        newer = archive.save(doc(1, body="改写后：算力网络。", content_hash="h1c"))
        assert newer.outcome == "new_version"
        assert ids(archive, "算力", relation="revision") == set()  # the new text is not compared yet
        assert ids(archive, "算力", status="ok") == {saved.document_id}


def test_broad_queries_rank_a_window_and_keep_every_match(tmp_path, monkeypatch):
    monkeypatch.setattr(search_module, "RANK_WINDOW", 5)
    with Archive(tmp_path / "a.db") as archive:
        archive.save_many([doc(n, body="算力" * (1 + n % 4) + f"，第{n}篇。") for n in range(12)])
        archive.save(doc(99, title="算力专题", body="算力。"))
        everything = archive.search("算力", limit=100)
        paged = [hit["id"] for offset in range(0, 13, 4) for hit in archive.search("算力", limit=4, offset=offset).hits]
    assert everything.total == 13 and len({h["id"] for h in everything.hits}) == 13
    assert paged == [hit["id"] for hit in everything.hits]
    window = everything.hits[:5]
    assert [h["score"] for h in window] == sorted((h["score"] for h in window), reverse=True)
    assert window[0]["title"] == "算力专题"  # title matches weigh most
    rest = [hit["id"] for hit in everything.hits[5:]]
    assert rest == sorted(rest, reverse=True)  # older matches follow, newest first


def test_cached_rankings_follow_writes_from_any_connection(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive, Archive(path) as crawler:
        archive.save(doc(1))
        assert archive.search("算力").total == 1
        assert archive.search("算力", offset=1).total == 1  # served from the cached ranking
        archive.save(doc(2))
        assert archive.search("算力").total == 2  # this connection wrote
        crawler.save(doc(3))
        assert archive.search("算力").total == 3  # another connection wrote
        crawler.save(doc(3, body="不再提及。", content_hash="h3b"))
        assert ids(archive, "算力") == {1, 2}


def test_sqlite_utils_cli_opens_and_searches_the_archive(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.save(doc(1, title="关于算力网络的通知"))
        archive.save(doc(2, title="算力网络建设（已删除）"))
        archive.save(Document(kind="wechat", url="https://mp.weixin.qq.com/s/2", status="deleted"))
        queries = [archive.search_sql("算力网络"), archive.search_sql("算力网络", status="ok"),
                   archive.search_sql("算力网络", status="deleted")]
    tool = Path(sys.executable).with_name("sqlite-utils")
    tables = subprocess.run([str(tool), "tables", str(path), "--counts"], capture_output=True, text=True, timeout=60)
    assert tables.returncode == 0 and '"documents"' in tables.stdout
    titles = []
    for sql, params in queries:
        named = [arg for name, value in params.items() for arg in ("-p", name, value)]
        found = subprocess.run([str(tool), "query", str(path), sql, *named], capture_output=True, text=True, timeout=60)
        assert found.returncode == 0, found.stderr
        titles.append(sorted(row["title"] for row in json.loads(found.stdout)))
    assert titles == [["关于算力网络的通知", "算力网络建设（已删除）"], ["关于算力网络的通知"], ["算力网络建设（已删除）"]]


@pytest.mark.parametrize("since, until", [("2026-02-29", None), ("2026-13", None), ("2026-01-01", "soon")])
def test_bad_dates_are_clear_errors(tmp_path, since, until):
    with Archive(tmp_path / "a.db") as archive, pytest.raises(search_module.SearchError, match="date like"):
        archive.search("算力", since=since, until=until)


def test_date_range_filter_matches_sql(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        start = date(2025, 11, 20)
        archive.save_many([doc(n, published_at=(start + timedelta(days=n * 7)).isoformat()) for n in range(30)])
        for since, until in (("2025-12", "2026-02"), ("2025-11-27", "2026-01-01"), ("2026", None), (None, "2025")):
            wanted = {row["id"] for row in archive.documents(since=since, until=until)}
            assert ids(archive, "算力", since=since, until=until) == wanted


def vocabulary(conn, table: str = "search_fts") -> list[tuple]:
    """Every (term, documents, occurrences) of a live index table, via an fts5vocab table."""
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab_{table} USING fts5vocab(main, {table}, row)")
    return conn.execute(f"SELECT term, doc, cnt FROM temp.vocab_{table} ORDER BY term").fetchall()


def test_index_after_churn_equals_a_fresh_rebuild(tmp_path):
    """Contentless rows are removed by repeating what was inserted: any mistake would leave stale terms."""
    from store.searchindex import rebuild

    with Archive(tmp_path / "a.db") as archive:
        plan = archive.track_plan("融合赋能", doc(0))
        for n in range(1, 30):
            saved = archive.save(doc(n, account=f"号{n % 3}", source="miit" if n % 2 else "wechat",
                                     lead="编者按：转载全文。" if n % 2 else ""))
            if n % 3 == 0:
                archive.save(doc(n, body=f"第{n}篇改写：５Ｇ （一） 数据。", content_hash=f"h{n}b"))
            if n % 4 == 0:
                archive.save(doc(n, body="", status="deleted", content_hash="gone"))
            if n % 5 == 0:
                archive.save_comparison(saved.version_id, plan.plan_version_id, {"relation": "excerpt"})
                latest = archive.get(saved.document_id).latest_version_id
                archive.save_comparison(latest, plan.plan_version_id, {"relation": "revision"})
        live, marks = vocabulary(archive._conn), vocabulary(archive._conn, "search_marks")
        with archive.write() as conn:
            rebuild(conn)
        assert vocabulary(archive._conn) == live
        assert vocabulary(archive._conn, "search_marks") == marks
        assert len(live) > 50 and len(marks) >= 5


STATUSES = ("ok", "deleted", "blocked")
RELATIONS = ("identical", "revision", "unrelated")


def sql_filtered(archive: Archive, query: str, **filters) -> set[int]:
    """The oracle: documents the SQL filters select (no index) whose current text contains ``query``."""
    return {row["id"] for row in archive.documents(**filters)
            if query in fold(row["title"] or "") or query in fold("\n\n".join(p for p in (row["lead"], row["body"]) if p))}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from(("save", "revise", *STATUSES, *RELATIONS, "plan2"))),
                min_size=1, max_size=25))
def test_status_plan_and_relation_filters_equal_the_sql_filters_after_any_history(tmp_path_factory, history):
    """Marks follow every status change, comparison and new version: each filter gives what SQL gives."""
    path = tmp_path_factory.mktemp("marks") / "a.db"
    with Archive(path) as archive:
        plans = [archive.track_plan("融合赋能", doc(0)), archive.track_plan("第二个", doc(99))]
        for n, step in history:
            latest = (archive.find_document(f"https://mp.weixin.qq.com/s/{n}") or {}).get("latest_version_id")
            if step in ("save", "revise") or latest is None:
                archive.save(doc(n, body=f"第{n}篇：算力{step}。", content_hash=f"h{n}{step}"))
            elif step in STATUSES:
                version = archive.get_version(latest)
                assert version is not None
                archive.save(version.document() if step == "ok" else doc(n, status=step))
            else:
                plan = plans[step == "plan2"]
                archive.save_comparison(latest, plan.plan_version_id,
                                        {"relation": "revision" if step == "plan2" else step})
        for filters in ({"status": "ok"}, {"status": "deleted"}, {"status": "blocked"}, {"relation": "revision"},
                        {"relation": "unrelated"}, {"plan": "融合赋能"}, {"plan": "第二个", "status": "ok"},
                        {"relation": "identical", "plan": "融合赋能", "status": "ok"}, {"relation": "revision",
                                                                                    "status": "deleted"}):
            assert ids(archive, "算力", **filters) == sql_filtered(archive, "算力", **filters), filters


def test_an_archive_from_before_the_marks_table_gets_its_marks(tmp_path):
    """Migration 010 gives every document with a status or a comparison its marks row."""
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        plan = archive.track_plan("融合赋能", doc(0))
        saved = [archive.save(doc(n)) for n in range(1, 5)]
        archive.save_comparison(saved[0].version_id, plan.plan_version_id, {"relation": "revision"})
        archive.save(doc(2, status="deleted", content_hash="gone"))
        with archive.write() as conn:
            conn.execute("DROP TABLE search_marks")
            conn.execute("ALTER TABLE documents DROP COLUMN search_marks")
            conn.execute("DELETE FROM _migrations WHERE name = '010_search_marks'")
    with Archive(path) as archive:
        assert ids(archive, "算力", relation="revision") == {saved[0].document_id}
        assert ids(archive, "算力", status="deleted") == {saved[1].document_id}
        assert ids(archive, "算力", status="ok") == {saved[0].document_id, saved[2].document_id, saved[3].document_id}
        assert archive.check().problems == []


def test_check_finds_marks_out_of_step(tmp_path):
    """A marks row nobody records, or a recorded one missing, is a problem `policywatch check` names."""
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        saved = archive.save(doc(1))
        archive.save(doc(1, status="deleted"))
        with archive.write() as conn:
            conn.execute("UPDATE documents SET search_marks = NULL WHERE id = ?", (saved.document_id,))
        problems = archive.check().problems
    assert f"search marks: row {saved.document_id} belongs to no marked document" in problems
