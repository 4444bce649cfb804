"""Each spider's callbacks on saved responses: the requests and items they yield.

No crawl runs here: a real spider (real archive) is handed the response a site gives to
the request the spider itself made (tests/support/spiders.py), and the test checks the
URLs, titles, dates, headers and next pages that come out. The real crawls against
loopback sites are in test_crawl_*.py; these pin each parser to a saved page, so a
change in what a callback yields shows up here first, with the page it broke on.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.normalise import finish
from crawler.sources import Source
from crawler.spiders.column import ColumnSpider
from crawler.spiders.feeds import FeedSpider
from crawler.spiders.govcn import GovcnSpider
from crawler.spiders.miit import MiitSpider
from crawler.spiders.pages import PageSpider
from store.archive import Archive
from store.model import Document
from tests.support.spiders import answer, spider_for, split, start_requests

MIIT_COLUMN = Source(name="miit-zcjd", kind="miit", url="https://www.miit.gov.cn/zwgk/zcjd/index.html")
MIIT_ARTICLES = ["https://www.miit.gov.cn/xwfb/xwfbh/bxwfbh/art/2026/art_abc.html",
                 "https://www.miit.gov.cn/zwgk/zcjd/art/2026/art_5d1e0f3a9b8c4e7f.html"]


def _page_no(url: str) -> int:
    return json.loads(parse_qs(urlsplit(url).query)["paramJson"][0])["pageNo"]


def _miit_list_request(spider: MiitSpider):
    (start,) = start_requests(spider)
    (api,) = split(spider.parse_column(answer(start, "spiders/miit_column.html")))[0]
    return api


def test_miit_column_shell_leads_to_the_list_api_with_its_query(tmp_path: Path) -> None:
    spider = spider_for(MiitSpider, tmp_path / "pw.db", MIIT_COLUMN)
    (start,) = start_requests(spider)
    assert start.url == MIIT_COLUMN.url and start.headers["User-Agent"].startswith(b"Mozilla/5.0")
    requests, pages = split(spider.parse_column(answer(start, "spiders/miit_column.html")))
    assert pages == [] and len(requests) == 1
    (api,) = requests
    query = parse_qs(urlsplit(api.url).query)
    assert api.url.startswith("https://www.miit.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?")
    assert query["pageId"] == ["ca517c97303b40cf80bd668b35f6148f"] and query["parseType"] == ["buildstatic"]
    assert _page_no(api.url) == 1 and api.callback == spider.parse_list
    assert api.headers["Referer"] == MIIT_COLUMN.url.encode()  # the WAF wants the column page as Referer


def test_miit_list_page_yields_its_articles_then_the_next_page(tmp_path: Path) -> None:
    spider = spider_for(MiitSpider, tmp_path / "pw.db", MIIT_COLUMN)
    requests, pages = split(spider.parse_list(answer(_miit_list_request(spider), "spiders/miit_list.json")))
    *articles, following = requests
    assert pages == [] and [r.url for r in articles] == MIIT_ARTICLES  # http:// row on the source's scheme
    assert [r.meta["pw_listing"] for r in articles] == [
        {"title": "工业和信息化部举行新闻发布会", "date": "2026-04-02"},
        {"title": "《工业互联网和人工智能融合赋能行动方案》解读", "date": "2026-03-28"}]
    assert all(r.callback == spider.parse_article for r in articles)
    assert following.callback == spider.parse_list and _page_no(following.url) == 2


def test_miit_list_of_known_articles_asks_for_nothing_more(tmp_path: Path) -> None:
    with Archive(tmp_path / "pw.db") as archive:
        for url in MIIT_ARTICLES:
            archive.save(finish(Document(kind="miit", url=url, title="已收录", body="正文。", published_at="2026-04-02")))
    spider = spider_for(MiitSpider, tmp_path / "pw.db", MIIT_COLUMN)
    requests, pages = split(spider.parse_list(answer(_miit_list_request(spider), "spiders/miit_list.json")))
    assert requests == [] and pages == []  # nothing new: no article, and no page 2


def test_miit_article_fetches_its_pdf_before_the_page_goes_to_ingest(tmp_path: Path) -> None:
    spider = spider_for(MiitSpider, tmp_path / "pw.db", MIIT_COLUMN)
    article = split(spider.parse_list(answer(_miit_list_request(spider), "spiders/miit_list.json")))[0][0]
    (pdf,), pages = split(spider.parse_article(answer(article, "miit/wjfb_data_security_2022.html")))
    assert pages == [] and pdf.url.endswith(".pdf") and pdf.url.startswith("https://www.miit.gov.cn/cms_files/")
    (plain,) = split(spider.parse_article(answer(article, "miit/gbk_news_2022.html")))[1]
    assert plain.url == MIIT_ARTICLES[0] and plain.source == "miit-zcjd" and plain.status == 200
    assert plain.meta["listing"] == {"title": "工业和信息化部举行新闻发布会", "date": "2026-04-02"}


def test_miit_search_api_results_become_article_requests(tmp_path: Path) -> None:
    source = Source(name="miit-search", kind="miit",
                    url="https://www.miit.gov.cn/search-front-server/api/search/info?websiteid=110000000000000&q=")
    spider = spider_for(MiitSpider, tmp_path / "pw.db", source)
    (start,) = start_requests(spider)
    assert parse_qs(urlsplit(start.url).query)["p"] == ["1"] and start.callback == spider.parse_search
    requests, _ = split(spider.parse_search(answer(start, "spiders/miit_search.json")))
    *articles, following = requests
    assert [r.url for r in articles] == ["https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2026/art_7f3c.html",
                                         "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2025/art_0a1b.html"]
    first = articles[0].meta["pw_listing"]
    assert first["title"] == "关于印发《工业互联网和人工智能融合赋能行动方案》的通知"  # <em> removed
    assert first["doc_number"] == "工信部信发〔2026〕1号" and first["summary"] == "为深入贯彻落实人工智能+行动"
    assert parse_qs(urlsplit(following.url).query)["p"] == ["2"]


def test_feed_items_on_the_follow_hosts_are_requested_with_their_feed_view(tmp_path: Path) -> None:
    source = Source(name="gxwb", kind="feed", url="https://feeds.example.org/gongxinweibao.xml",
                    follow=("mp.weixin.qq.com",))
    spider = spider_for(FeedSpider, tmp_path / "pw.db", source)
    (start,) = start_requests(spider)
    feed = answer(start, "real/feeds/wechatfeeds_gongxinweibao_MjM5OTUwMTc2OA.xml", headers={"ETag": '"v1"'})
    requests, pages = split(spider.parse_feed(feed))
    assert pages == [] and len(requests) == 15 == len({r.url for r in requests})
    first = requests[0]
    assert first.url == "https://mp.weixin.qq.com/s/xMQzuyDXLnxXadFiJ5llIQ"
    assert first.meta["pw_item"].title == "肖亚庆赴国家工业信息安全发展研究中心调研"
    assert first.meta["pw_item"].published == "2021-06-17T14:20:58+08:00"
    assert first.callback == spider.parse_article and first.errback == spider.article_failed
    (article,) = split(spider.parse_article(answer(first, "real/wechat/wae_deleted01.html")))[1]
    assert article.url == first.url and article.meta["feed_url"] == source.url
    assert article.meta["feed_title"] == "肖亚庆赴国家工业信息安全发展研究中心调研"
    assert article.meta["feed_published"] == "2021-06-17T14:20:58+08:00"


def test_feed_items_elsewhere_with_only_a_title_are_neither_fetched_nor_kept(tmp_path: Path) -> None:
    """This real feed's content repeats the title: nothing worth a provisional document."""
    source = Source(name="gxwb", kind="feed", url="https://feeds.example.org/gongxinweibao.xml")  # no follow hosts
    spider = spider_for(FeedSpider, tmp_path / "pw.db", source)
    (start,) = start_requests(spider)
    requests, pages = split(spider.parse_feed(answer(start, "real/feeds/wechatfeeds_gongxinweibao_MjM5OTUwMTc2OA.xml")))
    assert requests == [] and pages == []


def test_a_not_modified_feed_yields_nothing(tmp_path: Path) -> None:
    source = Source(name="gxwb", kind="feed", url="https://feeds.example.org/gongxinweibao.xml")
    spider = spider_for(FeedSpider, tmp_path / "pw.db", source)
    (start,) = start_requests(spider)
    assert list(spider.parse_feed(answer(start, b"", status=304))) == []


def test_govcn_library_rows_become_articles_with_their_metadata_then_page_two(tmp_path: Path) -> None:
    source = Source(name="govcn-lib", kind="govcn", follow=("www.gov.cn",),
                    url="https://sousuo.www.gov.cn/search-gov/data?t=zhengcelibrary_gw&q=&n=2")
    spider = spider_for(GovcnSpider, tmp_path / "pw.db", source)
    (start,) = start_requests(spider)
    assert start.callback == spider.parse_search and start.headers["Referer"].endswith(b"/zcwjk/policyDocumentLibrary")
    requests, pages = split(spider.parse_search(answer(start, "spiders/govcn_library.json")))
    *articles, following = requests
    assert pages == [] and [r.url for r in articles] == [
        "https://www.gov.cn/zhengce/content/202602/content_1.htm",
        "https://www.gov.cn/zhengce/content/2017-07/20/content_5211996.htm"]
    assert articles[0].meta["pw_listing"] == {
        "title": "国务院办公厅关于推进工业互联网第1项工作的意见", "date": "2026-03-04", "doc_number": "国办发〔2026〕1号",
        "publisher": "国务院办公厅", "written": "2026-02-03", "index": "000014349/2026-00001",
        "category": "工业、交通\\信息产业（含电信）"}
    assert following.callback == spider.parse_search and parse_qs(urlsplit(following.url).query)["p"] == ["2"]


def test_trs_column_rows_without_their_nested_interpretations_then_index_1(tmp_path: Path) -> None:
    source = Source(name="ndrc-tz", kind="column", url="https://www.ndrc.gov.cn/xxgk/zcfb/tz/index.html")
    spider = spider_for(ColumnSpider, tmp_path / "pw.db", source)
    (start,) = start_requests(spider)
    requests, pages = split(spider.parse_list(answer(start, "spiders/trs_column.html")))
    *articles, following = requests
    assert pages == [] and [(r.url, r.meta["pw_listing"]) for r in articles] == [
        ("https://www.ndrc.gov.cn/xxgk/zcfb/tz/202604/t20260409_1404577.html",
         {"title": "中华人民共和国国家发展和改革委员会令2026年第41号令", "date": "2026-04-09"}),
        ("https://www.ndrc.gov.cn/xxgk/zcfb/tz/202603/t20260320_1403999.html",
         {"title": "关于推进工业互联网平台建设的通知", "date": "2026-03-20"})]
    assert following.url == "https://www.ndrc.gov.cn/xxgk/zcfb/tz/index_1.html"  # TRS numbers page 2 as index_1
    assert following.meta["pw_family"] == "trs" and following.meta["pw_page"] == 2


@pytest.mark.parametrize(("status", "body"), [(412, b"<html><script>$_ts=window['$_ts'];</script></html>"),
                                              (403, b"<html><title>403 Forbidden</title></html>")])
def test_a_column_answering_with_an_anti_bot_page_yields_nothing_and_is_blocked(
        tmp_path: Path, status: int, body: bytes) -> None:
    source = Source(name="ndrc-tz", kind="column", url="https://www.ndrc.gov.cn/xxgk/zcfb/tz/index.html")
    spider = spider_for(ColumnSpider, tmp_path / "pw.db", source)
    (start,) = start_requests(spider)
    assert list(spider.parse_list(answer(start, body, status=status))) == []
    assert "ndrc-tz" in spider.stopped


def test_a_watched_page_is_one_page_item_fetched_conditionally(tmp_path: Path) -> None:
    source = Source(name="miit-plan", kind="page", url="https://www.miit.gov.cn/zwgk/zcwj/wjfb/art/2022/art_x.html")
    spider = spider_for(PageSpider, tmp_path / "pw.db", source)
    (start,) = start_requests(spider)
    assert start.meta["pw_conditional"] == "document" and 304 in start.meta["handle_httpstatus_list"]
    requests, (page,) = split(spider.parse_page(answer(start, "miit/gbk_news_2022.html")))
    assert requests == [] and page.url == source.url and page.meta["keep_validators"]
    assert b"charset" in page.body[:2000].lower()  # the page's bytes as they came (ingest decodes them)
    assert list(spider.parse_page(answer(start, b"", status=304))) == []
