"""Real crawls of a MIIT-like loopback site: column shell → list API → articles → PDF; incremental re-crawls."""
from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest

from policywatch.demo_site.pdfgen import make_pdf
from tests.support import serve_site
from tests.support.crawl import crawl_counts, write_sources
from tests.support.miit import API_PATH, Article, MiitSite

PLAN_PDF_TEXT = ("工业互联网和人工智能融合赋能行动方案\n一、总体要求\n"
                 "到2028年，推动不少于50000家企业实施新型工业网络改造升级。\n二、重点行动\n（一）加快工业网络开放智能升级。")


def articles(count: int, *, start: int = 0) -> list[Article]:
    return [Article(f"{i:032x}", f"关于印发第{i}号文件的通知", f"2026-01-{i % 28 + 1:02d}",
                    [f"为贯彻落实第{i}号要求，现将有关事项通知如下。", f"一、总体要求。第{i}项工作加快推进。"])
            for i in range(start, start + count)]


def rows(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def source_file(tmp_path, url, **extra):
    return write_sources(tmp_path, [{"name": "miit-test", "kind": "miit", "url": url, "allow_private": True,
                                     **extra}])


@pytest.fixture
def column():
    with serve_site() as site:
        items = articles(30)
        items[0].paragraphs = ["现将《行动方案》印发给你们，请结合实际认真贯彻落实。"]
        items[0].pdf = make_pdf(PLAN_PDF_TEXT, title="行动方案")
        yield MiitSite(site, items)


def test_first_crawl_follows_the_list_api_pages_articles_and_pdf(tmp_path, column):
    db = tmp_path / "a.db"
    counts = crawl_counts(source_file(tmp_path, column.url), db)
    assert counts["new"] == 30 and counts["errors"] == 0, counts
    titles = {t for (t,) in rows(db, "SELECT title FROM versions")}
    assert titles == {a.title for a in column.articles}
    # the list API was asked like a browser: page 1 and 2 had items, page 3 was empty → stop
    assert column.site.hits(API_PATH) == 3
    # the PDF-only article: the PDF text became the body, the HTML notice kept aside
    [(body, meta, attachments)] = rows(db, "SELECT body, meta, attachments FROM versions WHERE title = ?",
                                       column.articles[0].title)
    assert "不少于50000家企业" in body and "（一）加快工业网络开放智能升级" in body
    assert "请结合实际认真贯彻落实" not in body
    assert json.loads(meta)["notice"].startswith("现将《行动方案》")
    assert json.loads(attachments)[0]["url"].endswith(".pdf")
    [(status, run_counts)] = rows(db, "SELECT status, counts FROM crawl_runs")
    assert status == "finished" and json.loads(run_counts)["new"] == 30


def test_recrawl_of_unchanged_site_stores_nothing_and_fetches_no_article(tmp_path, column):
    db = tmp_path / "a.db"
    sources = source_file(tmp_path, column.url)
    crawl_counts(sources, db)
    before = rows(db, "SELECT count(*) FROM versions")[0][0]
    column.site.reset_hits()
    counts = crawl_counts(sources, db)
    assert (counts["new"], counts["changed"], counts["alerts"]) == (0, 0, 0), counts
    assert rows(db, "SELECT count(*) FROM versions")[0][0] == before
    assert column.site.hits(API_PATH) == 1, "page 1 brought nothing new: no further pages"
    assert all(column.site.hits(column.article_path(a)) == 0 for a in column.articles)
    assert len(rows(db, "SELECT id FROM crawl_runs")) == 2


def test_list_date_after_last_check_refetches_and_versions_the_article(tmp_path, column):
    db = tmp_path / "a.db"
    sources = source_file(tmp_path, column.url)
    crawl_counts(sources, db)
    changed = column.articles[5]
    changed.paragraphs = changed.paragraphs + ["三、新增条款：本通知自发布之日起施行。"]
    changed.date = (date.today() + timedelta(days=2)).isoformat()
    column.articles.insert(0, column.articles.pop(5))
    column.mount_articles()
    counts = crawl_counts(sources, db)
    assert counts["changed"] == 1 and counts["new"] == 0, counts
    history = rows(db, "SELECT v.seq, v.body FROM versions v JOIN documents d ON d.id = v.document_id "
                       "WHERE d.url LIKE ? ORDER BY v.seq", f"%art_{changed.slug}.html")
    assert [seq for seq, _ in history] == [1, 2]
    assert "新增条款" in history[1][1] and "新增条款" not in history[0][1]


def test_new_items_on_top_are_fetched_and_pagination_stops_early(tmp_path):
    with serve_site() as site:
        column = MiitSite(site, articles(60))
        db = tmp_path / "a.db"
        sources = source_file(tmp_path, column.url)
        assert crawl_counts(sources, db)["new"] == 60
        site.reset_hits()
        column.articles = articles(2, start=100) + column.articles
        column.mount_articles()
        counts = crawl_counts(sources, db)
        assert counts["new"] == 2 and counts["changed"] == 0, counts
        assert site.hits(API_PATH) == 2, "page 1 had news, page 2 had none → stop"


def test_recheck_interval_refetches_known_articles(tmp_path, column):
    db = tmp_path / "a.db"
    sources = source_file(tmp_path, column.url, recheck="0s")
    crawl_counts(sources, db)
    column.articles[3].paragraphs = ["二、内容已更正。"]
    column.mount_articles()
    counts = crawl_counts(sources, db)
    assert counts["changed"] == 1 and counts["unchanged"] == 29, counts


def test_max_pages_bounds_the_first_crawl(tmp_path):
    with serve_site() as site:
        column = MiitSite(site, articles(60))
        counts = crawl_counts(source_file(tmp_path, column.url, max_pages=1), tmp_path / "a.db")
        assert counts["new"] == 24 and site.hits(API_PATH) == 1


def test_waf_refusal_is_reported_not_fatal(tmp_path):
    with serve_site() as site:
        column = MiitSite(site, articles(3))
        site.route(API_PATH, "forbidden", status=403, content_type="text/plain")
        counts = crawl_counts(source_file(tmp_path, column.url), tmp_path / "a.db")
        assert counts["new"] == 0 and counts["errors"] == 1
        assert "HTTP 403" in counts["error_lines"][0]


def test_search_api_results_with_double_encoded_fields(tmp_path):
    with serve_site() as site:
        column = MiitSite(site, articles(3))
        records = [{"title": f"<em>{a.title}</em>", "url": column.article_path(a), "deploytime": 1767744000000,
                    "filenumbername": "工信部信发〔2026〕1号", "publishgroupname": "信息技术发展司",
                    "infoextends": json.dumps({"infoContent": json.dumps([{"fieldValue": "摘要"}])})}
                   for a in column.articles]
        payload = {"success": True, "data": {"searchResult": {"dataResults": [
            {"groupData": [{"data": record}]} for record in records]}}}
        empty = {"success": True, "data": {"searchResult": {"dataResults": []}}}
        site.route("/search-front-server/api/search/info",
                   lambda req: json.dumps(payload if "p=1" in req.query.split("&") else empty, ensure_ascii=False),
                   content_type="application/json")
        url = site.url("/search-front-server/api/search/info?scope=basic&cateid=196&pg=10&p=1")
        db = tmp_path / "a.db"
        counts = crawl_counts(source_file(tmp_path, url), db)
        assert counts["new"] == 3 and counts["errors"] == 0, counts
        assert site.hits("/search-front-server/api/search/info") == 2
        assert {t for (t,) in rows(db, "SELECT title FROM versions")} == {a.title for a in column.articles}
