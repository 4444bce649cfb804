"""Real crawls of the government CMS families through the ``column`` kind: lists, pagination, articles,
attachments (PDF, DOCX, XLSX), incremental re-crawls, selectors and anti-bot answers."""
from __future__ import annotations

import io
import json
import sqlite3

import docx
import openpyxl
import pytest

from crawler import families
from crawler.antibot import challenge
from policywatch.demo_site.pdfgen import make_pdf
from tests.support import serve_site
from tests.support.crawl import crawl_counts, write_sources
from tests.support.govsites import (
    DATAPROXY,
    JPAAS_API,
    JcmsColumn,
    JpaasColumn,
    PagedColumn,
    TrsColumn,
    articles,
)
from tests.support.site import Response


def rows(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def sources(tmp_path, url, **extra):
    return write_sources(tmp_path, [{"name": "gov-test", "kind": "column", "url": url, "allow_private": True,
                                     **extra}])


def make_docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(table: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "目标任务分解表"
    for line in table:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- recognising the families (pure) ------------------------------------------------------
def test_families_are_recognised_from_real_snippets():
    assert families.recognise('<ul class="u-list"></ul><script>createPageHTML(9, 0, "index", "html");</script>') == "trs"
    assert families.recognise("<script>$('#212860').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp'})</script>") \
        == "jcms"
    assert families.recognise('<script src="/x/unitbuild.js" queryData="{\'webId\':\'2945\'}"></script>') == "jpaas"
    assert families.recognise('<a href="list.html?page=2">下一页</a>') == "paged"
    assert families.recognise("<html><body><p>no list</p></body></html>") == "generic"


def test_trs_paging_reads_classic_csrc_and_one_based_variants():
    classic = families.trs_paging('createPageHTML(9, 0, "index", "html");')
    assert classic.url("https://www.ndrc.gov.cn/xxgk/zcfb/tz/", 2) == "https://www.ndrc.gov.cn/xxgk/zcfb/tz/index_1.html"
    assert classic.url("https://www.ndrc.gov.cn/xxgk/zcfb/tz/index.html", 1).endswith("/tz/index.html")
    csrc = families.trs_paging("createPageHTML('page_div',5,1,'fg','shtml',89);")
    assert (csrc.total, csrc.prefix, csrc.ext) == (5, "fg", "shtml")
    assert csrc.url("http://www.csrc.gov.cn/csrc/c101954/fg.shtml", 2).endswith("/fg_2.shtml")


def test_jcms_paging_comes_from_the_jpage_call():
    page = ("<script>$('#49468').jpage({totalRecord:756, perPage:25, proxyUrl:'/module/web/jpage/dataproxy.jsp', "
            "ajaxParam:{col:1, appid:'1', webid:60, path:'/', columnid:30067, unitid:'49468', webname:'省工信厅', "
            "permissiontype:0}})</script>")
    paging = families.jcms_paging(page)
    assert paging.form["columnid"] == "30067" and paging.form["unitid"] == "49468" and paging.pages == 31
    assert paging.url("https://gxt.jiangsu.gov.cn/col/col30067/index.html", 2).endswith(
        "/module/web/jpage/dataproxy.jsp?startrecord=26&endrecord=50&perpage=25")


def test_list_rows_skip_navigation_and_related_popups_and_read_dates():
    page = ('<div class="nav"><a href="/xxgk/">信息公开</a></div><ul class="u-list"><li>'
            '<a href="./202604/t20260409_1404577.html" title="国家发展改革委令2026年第41号">国家发展…</a>'
            '<div class="popbox"><ul><li><a href="../jd/202604/t20260410_1.html">解读</a></li></ul></div>'
            '<span>2026/04/09</span></li></ul>')
    [row] = families.list_rows(page, "https://www.ndrc.gov.cn/xxgk/zcfb/fzggwl/")
    assert row.url == "https://www.ndrc.gov.cn/xxgk/zcfb/fzggwl/202604/t20260409_1404577.html"
    assert (row.title, row.date) == ("国家发展改革委令2026年第41号", "2026-04-09")


@pytest.mark.parametrize(("status", "body", "reason"), [
    (412, "<html><meta content='abcdef'><script>$_ts=window['$_ts'];</script><script src='/x/y.js'></script>",
     "js-challenge"),
    (521, "<script>document.cookie=('__jsl_clearance_s=1');location.href=location.pathname</script>", "js-challenge"),
    (403, "<html><body>您的访问被WAF拦截</body></html>", "waf"),
    (200, "<html><body><p>访问过于频繁，请稍后再试</p></body></html>", "rate-limited"),
    (200, "<html><body>" + "<p>企业反映访问过于频繁的网站体验不佳，本厅已整改。</p>" * 300 + "</body></html>", None),
])
def test_anti_bot_answers_are_recognised(status, body, reason):
    assert challenge(status, body) == reason


# --- real crawls of each family ---------------------------------------------------------------
PLAN_TEXT = ("江苏省贯彻落实工业互联网和人工智能融合赋能行动方案的实施方案\n一、总体要求\n"
             "到2028年，推动不少于5000家企业实施新型工业网络改造升级。")


def test_trs_column_pages_articles_and_attachments_then_recrawls_incrementally(tmp_path):
    with serve_site() as site:
        items = articles(12)
        items[0].paragraphs = ["现将《实施方案》印发给你们，请认真贯彻执行。"]
        items[0].attachments = {
            "实施方案.pdf": make_pdf(PLAN_TEXT, title="实施方案"),
            "任务分工.docx": make_docx(["重点任务分工", "（一）省工业和信息化厅牵头推进网络改造。"]),
            "目标分解表.xlsx": make_xlsx([["设区市", "企业数（家）"], ["南京市", 800], ["苏州市", 1200]]),
        }
        column = TrsColumn(site, items)
        db = tmp_path / "a.db"
        counts = crawl_counts(sources(tmp_path, column.url), db)
        assert (counts["new"], counts["errors"]) == (12, 0), counts["error_lines"]
        assert site.hits("/xxgk/zcfb/tz/index_2.html") == 1 and site.hits("/xxgk/zcfb/tz/index_3.html") == 0
        [(kind, number, account, meta, body, files)] = rows(
            db, "SELECT kind, doc_number, account, meta, body, attachments FROM versions WHERE title = ?",
            items[0].title)
        meta = json.loads(meta)
        assert (kind, number, account) == ("gov", "苏工信函〔2026〕1号", "江苏省工业和信息化厅")
        assert meta["成文日期"] == "2026-01-02" and meta["索引号"] == "014000319/2026-00001"
        assert "不少于5000家企业" in body and "南京市 | 800" in body and "省工业和信息化厅牵头推进网络改造" in body
        assert sorted(f["type"] for f in json.loads(files)) == ["docx", "pdf", "xlsx"]
        site.reset_hits()
        counts = crawl_counts(sources(tmp_path, column.url), db)
        assert (counts["new"], counts["changed"]) == (0, 0), counts
        assert site.hits("/xxgk/zcfb/tz/index_1.html") == 0
        assert all(site.hits(column.article_path(a)) == 0 for a in items)


def test_jcms_column_embedded_page_then_dataproxy_post_and_a_new_article_on_recrawl(tmp_path):
    with serve_site() as site:
        column = JcmsColumn(site, articles(12))
        db = tmp_path / "a.db"
        counts = crawl_counts(sources(tmp_path, column.url), db)
        assert (counts["new"], counts["errors"]) == (12, 0), counts["error_lines"]
        assert site.hits(DATAPROXY) == 2, "page 1 embedded, pages 2 and 3 from dataproxy.jsp"
        [(title, published)] = rows(db, "SELECT title, published_at FROM versions WHERE title LIKE '%第5批%'")
        assert published.startswith(column.articles[4].date)
        newest = articles(1, start=99)[0]
        column.articles.insert(0, newest)
        column.mount()
        site.reset_hits()
        counts = crawl_counts(sources(tmp_path, column.url), db)
        assert (counts["new"], counts["changed"]) == (1, 0), counts
        assert site.hits(DATAPROXY) == 1, "page 1 brought the new article, page 2 nothing: paging stops"


def test_jpaas_column_pages_through_the_build_unit_api(tmp_path):
    with serve_site() as site:
        column = JpaasColumn(site, articles(11, issuer="浙江省经济和信息化厅"))
        db = tmp_path / "a.db"
        counts = crawl_counts(sources(tmp_path, column.url), db)
        assert (counts["new"], counts["errors"]) == (11, 0), counts
        assert site.hits(JPAAS_API) == 3
        assert {a for (a,) in rows(db, "SELECT account FROM versions")} == {"浙江省经济和信息化厅"}


def test_paged_column_stops_at_max_pages(tmp_path):
    with serve_site() as site:
        column = PagedColumn(site, articles(20))
        db = tmp_path / "a.db"
        counts = crawl_counts(sources(tmp_path, column.url, max_pages=3), db)
        assert (counts["new"], counts["errors"]) == (15, 0), counts


def test_selectors_and_a_forced_family_read_an_unknown_template(tmp_path):
    with serve_site() as site:
        site.route("/tzgg/", '<div class="box"><div class="item"><a class="go" href="/show?id=7">通知七</a></div>'
                             '<a class="more" href="/tzgg/2">更多</a></div>')
        site.route("/tzgg/2", '<div class="box"><div class="item"><a class="go" href="/show?id=8">通知八</a></div></div>')
        for n in (7, 8):
            site.route(f"/show?id={n}", f'<html><body><div class="ttl">关于第{n}号事项的通知</div>'
                                        f'<em class="when">2026年3月{n}日</em><section class="txt"><p>第{n}号事项正文内容，'
                                        f'请各单位认真落实。</p></section><div class="ad">广告</div></body></html>')
        db = tmp_path / "a.db"
        counts = crawl_counts(sources(tmp_path, site.url("/tzgg/"), family="generic", links="a.go",
                                      next="a.more", title="div.ttl", date="//em[@class='when']",
                                      body="section.txt"), db)
        assert (counts["new"], counts["errors"]) == (2, 0), counts
        found = rows(db, "SELECT title, published_at, body FROM versions ORDER BY title")
        assert found[0] == ("关于第7号事项的通知", "2026-03-07", "第7号事项正文内容，请各单位认真落实。")


def test_js_challenge_blocks_the_source_stores_nothing_and_backs_off(tmp_path):
    with serve_site() as site:
        challenge_page = ("<html><head><meta content='k8a9s7d6f5g4h3j2k1l0'><script>$_ts=window['$_ts'];"
                          "</script><script src='/4QbVtADbnLVIc/c.FxJzG50F.js'></script></head></html>")
        site.route("/col/col1/index.html", challenge_page, status=412)
        db = tmp_path / "a.db"
        counts = crawl_counts(sources(tmp_path, site.url("/col/col1/index.html")), db)
        assert counts["new"] == 0 and any("blocked: js-challenge" in line for line in counts["error_lines"]), counts
        assert rows(db, "SELECT count(*) FROM versions") == [(0,)]
        site.reset_hits()
        counts = crawl_counts(sources(tmp_path, site.url("/col/col1/index.html")), db)
        assert site.hits("/col/col1/index.html") == 0, "backing off: the site is not asked again"
        assert any("backing off until" in line for line in counts["error_lines"]), counts


def test_rate_limit_page_instead_of_an_article_is_not_stored(tmp_path):
    with serve_site() as site:
        column = TrsColumn(site, articles(3))
        site.route(column.article_path(column.articles[1]), lambda req: Response(
            200, "<html><body><p>访问过于频繁，请稍后再试。</p></body></html>"))
        db = tmp_path / "a.db"
        counts = crawl_counts(sources(tmp_path, column.url), db, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        assert any("blocked: rate-limited" in line for line in counts["error_lines"]), counts
        assert "访问过于频繁" not in " ".join(b for (b,) in rows(db, "SELECT body FROM versions"))


# --- properties: the family readers never raise on what a site may send ---------------------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = st.sampled_from(["createPageHTML(", "9, 0, \"index\", \"html\")", "'page_div',", ".jpage({", "ajaxParam:{",
                          "columnid:", "'", "}", ")", "<record><![CDATA[", "]]></record>", "<li><a href=\"",
                          "./202604/t20260409_1.html", "\">", "</a>", "<span>2026/04/09</span>", "readlabel=\"",
                          "?page=2", "<nextgroup><![CDATA[<a href='/x?columnid=1&unitid=2'>", "数字", "\x00", "&amp;"])


@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=30))
def test_family_readers_never_raise(parts):
    html = "".join(parts)
    families.recognise(html, "https://a.gov.cn/col/col1/index.html")
    families.list_rows(html, "https://a.gov.cn/col/col1/index.html")
    families.list_rows(families.jcms_records(html), "https://a.gov.cn/")
    paging = families.trs_paging(html)
    if paging is not None:
        assert paging.url("https://a.gov.cn/x/", 3).startswith("https://a.gov.cn/")
    families.jcms_paging(html)
    challenge(200, html)
