"""Real crawls of a loopback gov.cn policy library through the ``govcn`` kind."""
from __future__ import annotations

import json
import sqlite3

from crawler.spiders.govcn import library_rows
from tests.support import serve_site
from tests.support.crawl import crawl_counts, write_sources
from tests.support.govcn import GovcnLibrary, docs


def rows(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def source_file(tmp_path, url):
    return write_sources(tmp_path, [{"name": "govcn-test", "kind": "govcn", "url": url, "allow_private": True}])


def test_policy_library_api_pages_and_articles_with_their_file_table(tmp_path):
    with serve_site() as site:
        library = GovcnLibrary(site, docs(8))
        db = tmp_path / "a.db"
        counts = crawl_counts(source_file(tmp_path, library.url()), db)
        assert (counts["new"], counts["errors"]) == (8, 0), counts["error_lines"]
        assert site.hits("/search-gov/data") == 3, "8 documents, 3 per page"
        found = {t: (k, n, a, json.loads(m)) for t, k, n, a, m in rows(
            db, "SELECT title, kind, doc_number, account, meta FROM versions")}
        kind, number, account, meta = found["国务院办公厅关于推进工业互联网第2项工作的意见"]
        assert (kind, number, account) == ("gov", "国办发〔2026〕2号", "国务院办公厅")
        assert (meta["成文日期"], meta["索引号"]) == ("2026-02-02", "000014349/2026-00002")
        # 部门文件 page without a table: the library row fills the file information
        kind, number, account, meta = found["国务院办公厅关于推进工业互联网第4项工作的意见"]
        assert (number, account, meta["成文日期"]) == ("国办发〔2026〕4号", "国务院办公厅", "2026-02-04")
        site.reset_hits()
        counts = crawl_counts(source_file(tmp_path, library.url()), db)
        assert (counts["new"], counts["changed"]) == (0, 0)
        assert site.hits("/search-gov/data") == 1


def test_combined_library_answer_reads_every_category(tmp_path):
    with serve_site() as site:
        library = GovcnLibrary(site, docs(2))
        db = tmp_path / "a.db"
        counts = crawl_counts(source_file(tmp_path, library.url("zhengcelibrary", n=10)), db)
        assert (counts["new"], counts["errors"]) == (2, 0), counts["error_lines"]


def test_library_error_code_is_an_error_not_an_empty_list():
    try:
        library_rows({"code": 1001, "msg": "参数错误"}, "https://sousuo.www.gov.cn/search-gov/data")
    except ValueError as exc:
        assert "1001" in str(exc)
    else:
        raise AssertionError("code 1001 must fail")


def test_latest_policies_json_is_one_list(tmp_path):
    with serve_site() as site:
        library = GovcnLibrary(site, docs(3))
        latest = [{"TITLE": d.title, "SUB_TITLE": "", "URL": d.path, "DOCRELPUBTIME": d.published}
                  for d in library.docs]
        site.route("/zhengce/zuixin/ZUIXINZHENGCE.json", json.dumps(latest, ensure_ascii=False))
        db = tmp_path / "a.db"
        counts = crawl_counts(source_file(tmp_path, site.url("/zhengce/zuixin/ZUIXINZHENGCE.json")), db)
        assert (counts["new"], counts["errors"]) == (3, 0), counts["error_lines"]
        published = rows(db, "SELECT substr(published_at, 1, 10) FROM versions")
        assert {p for (p,) in published} == {"2026-03-01", "2026-03-02", "2026-03-03"}
