"""Property and example tests for the crawler's pure parsers: URLs, feeds, MIIT lists, PDFs, freshness."""
from __future__ import annotations

import html
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.feedparse import FeedError, feed_time, parse_feed, unescape_text
from crawler.freshness import should_fetch
from crawler.middlewares import detect_encoding, is_private_host
from crawler.pdftext import PdfError, pdf_text
from crawler.spiders.links import attachment_links
from crawler.spiders.miit import (
    api_url,
    infoextends_text,
    list_items,
    list_query,
    search_items,
)
from crawler.urls import TRACKING_PARAMS, canonical_url, hide_credentials
from policywatch.demo_site.pdfgen import make_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "real"
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
CHINESE_TEXT = st.text(alphabet=st.one_of(CJK, st.sampled_from("，。；：、（）《》0123456789%")), min_size=1, max_size=80)
PARAM = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


# --- URLs ------------------------------------------------------------------------------------
def test_urls_in_logs_hide_credentials():
    assert hide_credentials("https://u:pw@rss.example/f.xml?key=abc&limit=20&token=t") == \
        "https://***@rss.example/f.xml?key=***&limit=20&token=***"
    assert hide_credentials("https://www.miit.gov.cn/a.html?p=1") == "https://www.miit.gov.cn/a.html?p=1"


def test_wechat_links_reduce_to_the_article():
    long = "http://mp.weixin.qq.com/s?__biz=MzA4MDA0MzcwMA==&mid=2651&idx=2&sn=ab12&chksm=ff00&scene=21#wechat_redirect"
    assert canonical_url(long) == "https://mp.weixin.qq.com/s?__biz=MzA4MDA0MzcwMA==&mid=2651&idx=2&sn=ab12"
    assert canonical_url("https://mp.weixin.qq.com/s/xMQzuyDXLnxXadFiJ5llIQ?scene=1#rd") == \
        "https://mp.weixin.qq.com/s/xMQzuyDXLnxXadFiJ5llIQ"
    temp = "https://mp.weixin.qq.com/s?src=11&timestamp=1&ver=2&signature=abc&new=1"
    assert canonical_url(temp) == "https://mp.weixin.qq.com/s?src=11&timestamp=1&ver=2&signature=abc"


@given(keep=st.dictionaries(PARAM.filter(lambda k: k not in TRACKING_PARAMS and not k.startswith("utm_")),
                            st.text(alphabet="abc123", max_size=5), max_size=4),
       noise=st.dictionaries(st.sampled_from(sorted(TRACKING_PARAMS) + ["utm_source", "utm_medium"]),
                             st.text(alphabet="xyz9", max_size=5), max_size=4),
       fragment=st.text(alphabet="abc_#", max_size=6))
def test_canonical_url_drops_tracking_and_fragment_keeps_the_rest(keep, noise, fragment):
    query = "&".join(f"{k}={v}" for k, v in {**noise, **keep}.items())
    url = canonical_url(f"HTTP://Example.ORG/a/b.html?{query}#{fragment}")
    parts = urlsplit(url)
    assert parts.fragment == "" and parts.netloc == "example.org"
    assert {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()} == keep
    assert canonical_url(url) == url


# --- feeds -----------------------------------------------------------------------------------
@given(st.text(max_size=60))
@example('\\"')
@example("\\x41")
def test_js_escapes_are_undone(text):
    """A JavaScript string literal (every character escaped, the backslash too) reads back as
    the text it encodes, entities then decoded — whatever backslashes the text itself holds."""
    escaped = "".join(f"\\x{ord(c):02x}" if ord(c) < 0x100 else
                      (f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c) for c in text)
    assert unescape_text(escaped) == html.unescape(text).strip()


def test_doonsec_style_escapes_and_zoneless_dates():
    assert unescape_text(r"工信部\x26amp;网信办\x0a联合发布") == "工信部&网信办\n联合发布"
    assert feed_time("2026-04-23T13:46:36") == "2026-04-23T13:46:36+08:00"
    assert feed_time("Thu, 17 Jun 2021 14:20:58 +0800") == "2021-06-17T14:20:58+08:00"
    assert feed_time("Thu, 17 Jun 2021 14:20:58 ") == "2021-06-17T14:20:58+08:00"
    assert feed_time("2026-01-07T02:00:00Z") == "2026-01-07T02:00:00+00:00"
    assert feed_time("昨天") is None and feed_time("") is None


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
       st.integers(min_value=-12, max_value=14))
def test_feed_times_keep_the_instant(moment, offset):
    aware = moment.replace(microsecond=0, tzinfo=UTC).astimezone(timezone_hours(offset))
    assert datetime.fromisoformat(feed_time(format_datetime(aware))) == aware
    assert datetime.fromisoformat(feed_time(aware.isoformat())) == aware


def timezone_hours(hours):
    from datetime import timezone
    return timezone(timedelta(hours=hours))


def test_real_title_only_feed():
    title, items = parse_feed((FIXTURES / "feeds" / "wechatfeeds_gongxinweibao_MjM5OTUwMTc2OA.xml").read_bytes(),
                              base_url="https://github.com/")
    assert title == "工信微报" and len(items) == 15
    assert all(not item.has_content and item.account == "工信微报" for item in items)
    assert items[0].url == "https://mp.weixin.qq.com/s/xMQzuyDXLnxXadFiJ5llIQ"
    assert items[0].published == "2021-06-17T14:20:58+08:00"


def test_atom_feed_with_full_content():
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>WeWe-RSS</title>'
            '<entry><title>标题</title><link href="https://mp.weixin.qq.com/s/abc?scene=2"/><id>abc</id>'
            '<updated>2026-01-07T10:00:00+08:00</updated><author><name>工信微报</name></author>'
            '<content type="html">&lt;p&gt;第一段。&lt;/p&gt;&lt;p&gt;第二段。&lt;/p&gt;</content></entry></feed>')
    _, [item] = parse_feed(atom.encode(), base_url="https://x/")
    assert (item.url, item.account, item.published) == ("https://mp.weixin.qq.com/s/abc", "工信微报",
                                                        "2026-01-07T10:00:00+08:00")
    assert item.has_content and "第二段" in item.content_html


@settings(max_examples=60)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_parse_feed_never_crashes(data):
    try:
        parse_feed(data, base_url="https://x.example/")
    except FeedError:
        pass


# --- MIIT list, search and article parsing --------------------------------------------------------
def test_column_shell_query_and_api_url():
    html = ('<div class="clist_con"><script parseType="buildstatic" url="/api-gateway/jpaas-publish-server/front/page/'
            'build/unit" queryData="{\'parseType\':\'buildstatic\',\'webId\':\'8d82\',\'pageId\':\'ca51\','
            '\'editType\':\'null\',\'tagId\':\'右侧内容\'}"></script></div>')
    api, params = list_query(html)
    assert api.endswith("/build/unit") and params["pageId"] == "ca51" and params["tagId"] == "右侧内容"
    query = parse_qs(urlsplit(api_url(api, params, 3)).query)
    assert json.loads(query["paramJson"][0]) == {"pageNo": 3, "pageSize": "24"}
    assert query["pageId"] == ["ca51"] and list_query("<html><script src=x></script></html>") is None


def test_list_rows_relative_and_absolute_links():
    fragment = ('<div class="page-content"><ul><li class="cf"><a class="fl" href="http://www.miit.gov.cn/xwfb/art/'
                '2026/art_abc.html" title="工业和信息化部举行新闻发布会"><i></i>工业和信息化部举行新闻发布会</a>'
                '<span class="fr">2026-04-02</span></li><li><a href="../art/2026/art_def.html">  无 title  属性 </a>'
                '<span class="fr">2026/4/1</span></li><li><a href="javascript:;">x</a></li></ul></div>')
    rows = list_items(fragment, "https://www.miit.gov.cn/zwgk/zcjd/index.html")
    assert rows == [
        {"url": "http://www.miit.gov.cn/xwfb/art/2026/art_abc.html", "title": "工业和信息化部举行新闻发布会",
         "date": "2026-04-02"},
        {"url": "https://www.miit.gov.cn/zwgk/art/2026/art_def.html", "title": "无 title 属性", "date": "2026-4-1"},
    ]


def test_search_results_with_double_encoded_infoextends():
    record = {"title": "关于<em>工业互联网</em>的通知", "url": "/zwgk/zcwj/art/2026/art_1.html", "deploytime": 1767744000000,
              "filenumbername": "工信部信发〔2026〕1号", "publishgroupname": "信息技术发展司",
              "infoextends": json.dumps({"infoContent": json.dumps([{"fieldValue": "正文<em>摘要</em>"}])})}
    data = {"data": {"searchResult": {"dataResults": [{"groupData": [{"data": record}]}]}}}
    [item] = search_items(data, "https://www.miit.gov.cn/search-front-server/api/search/info?p=1")
    assert item["url"] == "https://www.miit.gov.cn/zwgk/zcwj/art/2026/art_1.html"
    assert item["title"] == "关于工业互联网的通知" and item["summary"] == "正文摘要"
    assert item["doc_number"] == "工信部信发〔2026〕1号"
    assert infoextends_text("not json") == "" and infoextends_text(None) == ""


def test_attachment_links_from_iframe_viewer_and_fujian_links():
    html = ('<div id="con_con"><iframe fileurl="/cms_files/filemanager/1/attach/20261/a.pdf" '
            'src="/cms_files/demo/pdfjs/web/viewer.html?file=/cms_files/filemanager/1/attach/20261/a.pdf"></iframe>'
            '<a href="/cms_files/demo/pdfjs/web/viewer.html?file=/cms_files/filemanager/1/attach/20261/b.pdf">附件2</a>'
            '<a href="c.PDF#page=2">附件3</a><a href="d.doc">附件4</a></div>')
    links = attachment_links(html, "https://www.miit.gov.cn/zwgk/art/2026/x.html")
    assert [link["url"] for link in links] == [
        "https://www.miit.gov.cn/cms_files/filemanager/1/attach/20261/a.pdf",
        "https://www.miit.gov.cn/cms_files/filemanager/1/attach/20261/b.pdf",
        "https://www.miit.gov.cn/zwgk/art/2026/c.PDF"]


@settings(max_examples=60)
@given(st.text(max_size=300))
def test_list_parsers_never_crash_on_any_html(text):
    list_items(text, "https://www.miit.gov.cn/")
    attachment_links(text or "<p></p>", "https://www.miit.gov.cn/")
    list_query(text or "<p></p>")


# --- PDFs, encodings, freshness, addresses ---------------------------------------------------------
@settings(max_examples=15, deadline=None)
@given(st.lists(CHINESE_TEXT, min_size=1, max_size=6))
def test_pdf_text_round_trip(paragraphs):
    text = pdf_text(make_pdf("\n".join(paragraphs)))
    assert "".join(text.split()) == "".join("".join(paragraphs).split())


def test_not_a_pdf():
    for data in (b"<html>", b"%PDF-1.4 garbage"):
        try:
            pdf_text(data)
        except PdfError:
            continue
        raise AssertionError("expected PdfError")


@given(st.text(alphabet=CJK, min_size=12, max_size=80))
def test_gbk_is_detected(text):
    """Page-length GBK text is never mistaken for UTF-8 (a single character can be: not a page)."""
    assert (text.encode("gb18030")).decode(detect_encoding(text.encode("gb18030"))) == text


def test_should_fetch_rules():
    now = datetime(2026, 1, 10, 12, tzinfo=UTC)
    known = {"last_checked": "2026-01-10T11:00:00+00:00"}
    assert should_fetch(None, recheck_seconds=86400, now=now)
    assert not should_fetch(known, recheck_seconds=86400, now=now)
    assert not should_fetch(known, listed_at="2026-01-10", recheck_seconds=86400, now=now)
    assert should_fetch(known, listed_at="2026-01-11", recheck_seconds=86400, now=now)
    assert should_fetch(known, listed_at="2026-01-10T20:00:00", recheck_seconds=86400, now=now)
    assert should_fetch(known, listed_at=1768100000000, recheck_seconds=86400, now=now)
    assert should_fetch(known, recheck_seconds=3600, now=now)
    assert should_fetch(known, recheck_seconds=86400, provisional=True, now=now)


def test_private_hosts():
    for host in ("127.0.0.1", "localhost", "10.0.0.8", "192.168.1.1", "169.254.169.254", "::1", "[::1]",
                 "0.0.0.0", "api.localhost"):
        assert is_private_host(host), host
    assert not is_private_host("8.8.8.8")
