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
        sql, expression = archive.search_sql("算力网络")
    tool = Path(sys.executable).with_name("sqlite-utils")
    tables = subprocess.run([str(tool), "tables", str(path), "--counts"], capture_output=True, text=True, timeout=60)
    assert tables.returncode == 0 and '"documents"' in tables.stdout
    found = subprocess.run([str(tool), "query", str(path), sql, "-p", "q", expression],
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    assert [row["title"] for row in json.loads(found.stdout)] == ["关于算力网络的通知"]


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


def vocabulary(conn) -> list[tuple]:
    """Every (term, documents, occurrences) of the live index, via an fts5vocab table."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, search_fts, row)")
    return conn.execute("SELECT term, doc, cnt FROM temp.vocab ORDER BY term").fetchall()


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
                latest = archive.get(saved.document_id)["latest_version_id"]
                archive.save_comparison(latest, plan.plan_version_id, {"relation": "revision"})
        live = vocabulary(archive._conn)
        with archive.write() as conn:
            rebuild(conn)
        assert vocabulary(archive._conn) == live
        assert len(live) > 50
