"""WeChat article pages of every template age (real saved pages, see fixtures/real/MANIFEST.md)."""
from __future__ import annotations

import pytest

from crawler.normalise import normalise
from tests.support.normalise import WECHAT_CHROME, fixture_bytes, wechat_page

# file, expected fields, body must contain, body must not contain
CASES = [
    ("goscraper_jiagoushi_2018.html",
     {"title": "一分钟了解互联网动静分离架构", "account": "架构师之路", "author": "58沈剑",
      "published_at": "2018-01-03T21:35:00+08:00", "original": True,
      "canonical_url": "https://mp.weixin.qq.com/s?__biz=MjM5ODYxMDA5OQ==&mid=2651960800&idx=1"
                       "&sn=595842fb2dc75aa505f544b956f2d65c"},
     ["一、静态页面", "动静分离是指，静态页面与动态页面分开不同系统访问的架构设计方法。", "六、总结"],
     []),
    ("gne_wechat1.html",
     {"title": "三星 Galaxy S20 系列手机正式发布", "account": "爱否科技",
      "published_at": "2020-02-12T22:17:54+08:00", "original": False},
     ["今天凌晨，三星在美国旧金山举行发布会", "支持 HDR10+"],
     ["昨天"]),
    ("gne_wechat2.html",
     {"title": "一日一技：在 Python 中实现延迟调用", "account": "未闻Code", "author": "kingname",
      "published_at": "2020-02-11T18:47:50+08:00", "original": True,
      "canonical_url": "https://mp.weixin.qq.com/s?__biz=MzI2MzEwNTY3OQ==&mid=2648978231&idx=1"
                       "&sn=dd091611fcf1aa0c2aef9655f13e7731"},
     ["contextlib.ExitStack", "Golang 里面有一个关键词叫做defer"],
     ["前天"]),
    ("magichtml_suide_tuiyijunren_2022.html",
     {"title": "绥德：33名退役军人被表彰", "account": "掌上绥德", "published_at": "2022-07-31T21:34:31+08:00",
      "canonical_url": "https://mp.weixin.qq.com/s?__biz=MzAxMzgxNzUxOA==&mid=2650804290&idx=8"
                       "&sn=d625de357b53f96d710aca4e6ec7f57c"},
     ["7月29日上午，在第95个“八一”建军节来临之际", "（sd退役军人之家）"],
     ["推荐阅读"]),
    ("wae_normal01_xuanyuan.html",
     {"title": "AI编程害死我了，给我的抓包软件埋了一个大雷！", "account": "轩辕的编程宇宙", "author": "轩辕之风",
      "published_at": "2025-11-10T12:00:10+08:00", "canonical_url": "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw",
      "original": False},
     ["大家好，我是轩辕。", "tshark_manager.cpp的第971行", "可以在评论区回复1。"],
     ["《趣话计算机底层技术》的作者"]),
    ("wae_normal02_ruanyifeng_weekly372.html",
     {"title": "科技爱好者周刊#372：软件界面如何设计", "account": "阮一峰的网络日志", "author": "阮一峰",
      "published_at": "2025-11-07T08:31:48+08:00", "original": True,
      "origin_url": "https://www.ruanyifeng.com/blog/2025/11/weekly-issue-372.html",
      "canonical_url": "https://mp.weixin.qq.com/s/tr38EieqyftubIx2FMWUWw"},
     ["这里记录每周值得分享的科技内容，周五发布。", "软件界面如何设计"],
     ["&nbsp;"]),
    ("wae_normal04_boyuanba.html",
     {"title": "好险，就差1.5点，两手准备", "account": "波元霸", "author": "元霸",
      "published_at": "2025-11-04T15:59:29+08:00"},
     ["原以为下午2点之前或左右一根大阳线拔起"], []),
    ("wae_author01_zuoan.html",
     {"title": "最后的止痛药", "account": "左岸读书", "author": "我是左岸", "published_at": "2026-01-02T17:39:33+08:00",
      "canonical_url": "https://mp.weixin.qq.com/s?__biz=MjM5OTAyNDkwMA==&mid=2650707699&idx=1"
                       "&sn=d196d09c958a5d6997e17e43629a1025"},
     ["起初只是一个点，后来长成了名字，叫血管肉瘤。", "晚安，我的勇士；你的战役，结束了。"], []),
    ("wae_share01_36kr_repost.html",
     {"title": "比小学生说烂梗更可怕的，是大人也说", "account": "36氪", "author": "何驰", "repost_from": "新周刊",
      "published_at": "2025-11-11T08:06:46+08:00", "original": False},
     ["江西一位小学老师布置作业时，学生们回敬她一连串网络热梗，她站在讲台上苦口婆心：", "《当“梗”吃掉了我们的语言》"],
     ["以下文章来源于", "中国最新锐的生活方式周刊"]),
    ("wae_textshare01_xuanyuan.html",
     {"title": "AI编程带给程序员的危与机", "account": "轩辕的编程宇宙", "published_at": "2025-10-07T14:13:11+08:00",
      "canonical_url": "https://mp.weixin.qq.com/s/o0tunrGKXwJxw4LZujRQdg"},
     ["这两年经常听到AI编程要取代程序员的论调", "这是对技术人员最坏的时代，也是对技术人员最好的时代。"],
     ["\\x0a", "JsDecode"]),
    ("wae_imgshare01_36kr.html",
     {"title": "新能源车均价创6年新低，价格战「寒气」侵蚀供应链", "account": "36氪",
      "published_at": "2025-11-05T18:30:00+08:00", "canonical_url": "https://mp.weixin.qq.com/s/JJyPUpHLM2bGvfk5FNvTUA"},
     ["今年，中国汽车行业价格战，寒气越发深入。", "2025年9月，新能源汽车销售均价下滑至15.8万元"],
     ["\\x0a"]),
]


@pytest.mark.parametrize(("name", "fields", "must", "must_not"), CASES, ids=[c[0] for c in CASES])
def test_real_wechat_page(name, fields, must, must_not):
    doc = normalise(fixture_bytes(wechat_page(name)))
    assert doc.kind == "wechat" and doc.status == "ok"
    for key, value in fields.items():
        assert getattr(doc, key) == value, key
    for snippet in must:
        assert snippet in doc.body, snippet
    for snippet in (*must_not, *WECHAT_CHROME):
        assert snippet not in doc.body, snippet
    assert "\n\n" in doc.body, "paragraph breaks are kept"
    assert len(doc.content_hash) == 64


@pytest.mark.parametrize(("name", "status", "message"), [
    ("wae_deleted01.html", "deleted", "该内容已被发布者删除"),
    ("wae_violation01.html", "blocked", "此内容因违规无法查看"),
    ("wae_unavailable01.html", "unavailable", "该内容暂时无法查看"),
    # The English-language template (window.LANG = "en") of the same pages.
    ("wae_deleted06.html", "deleted", "The content has been deleted by the author"),
    ("wae_violation02.html", "blocked", "此内容因违规无法查看"),
])
def test_error_pages_give_a_status_and_no_body(name, status, message):
    doc = normalise(fixture_bytes(wechat_page(name)), url="https://mp.weixin.qq.com/s/P9cMowFQ-QahLRnfHponKw")
    assert (doc.kind, doc.status, doc.body, doc.title) == ("wechat", status, "", "")
    assert doc.meta["message"] == message
    assert doc.canonical_url == "https://mp.weixin.qq.com/s/P9cMowFQ-QahLRnfHponKw"


def test_violation_page_keeps_the_reason():
    doc = normalise(fixture_bytes(wechat_page("wae_violation01.html")))
    assert "涉嫌过度营销" in doc.meta["reason"]


def test_anti_bot_page_is_blocked():
    page = ("<html><head><title>验证</title></head><body><p>环境异常</p>"
            "<p>当前环境异常，完成验证后即可继续访问。</p><a>去验证</a></body></html>")
    doc = normalise(page, url="https://mp.weixin.qq.com/s/abcdefghijklmnopqrstuv")
    assert (doc.status, doc.body) == ("blocked", "")


def test_an_article_mentioning_environment_trouble_is_not_a_status_page():
    page = ("<html><head><title>监测通报</title></head><body><h1>水质监测通报</h1><div class='article'>"
            + "<p>本月监测发现两处水质环境异常，已责成有关单位整改，整改情况将向社会公布。</p>" * 5
            + "</div></body></html>")
    doc = normalise(page, url="https://www.example.gov.cn/a.html")
    assert doc.status == "ok" and doc.kind == "generic" and "环境异常" in doc.body


def test_images_come_from_data_src_in_order():
    doc = normalise(fixture_bytes(wechat_page("goscraper_jiagoushi_2018.html")))
    assert len(doc.images) == 5
    assert all(url.startswith("https://mmbiz.qpic.cn/") for url in doc.images)


def test_image_share_lists_its_pictures():
    doc = normalise(fixture_bytes(wechat_page("wae_imgshare01_36kr.html")))
    assert doc.images and all("mmbiz.qpic.cn" in url for url in doc.images)
    assert doc.meta["item_show_type"] == "8"


def test_original_link_is_unescaped():
    doc = normalise(fixture_bytes(wechat_page("goscraper_jiagoushi_2018.html")))
    assert doc.origin_url.startswith("https://mp.weixin.qq.com/s?__biz=MjM5ODYxMDA5OQ==&mid=2651960791")
    assert "amp;" not in doc.origin_url and "\\x26" not in doc.origin_url


def test_browser_saved_relative_dates_never_leak():
    for name in ("gne_wechat1.html", "gne_wechat2.html"):
        doc = normalise(fixture_bytes(wechat_page(name)))
        assert doc.published_at[:4] == "2020" and doc.published_at.endswith("+08:00")


def test_same_article_raw_or_browser_saved_hashes_alike():
    """Formatting-only differences (a re-saved page) give the same content hash."""
    raw = fixture_bytes(wechat_page("magichtml_suide_tuiyijunren_2022.html")).decode("utf-8")
    resaved = raw.replace("visibility: hidden;", "visibility: visible;").replace("</p>", "</p>\n\n")
    assert normalise(raw).content_hash == normalise(resaved).content_hash


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_slimmed_bytes_and_full_text_give_the_same_document(name):
    """The fast path (huge pages slimmed before decoding) never changes the result."""
    data = fixture_bytes(wechat_page(name))
    assert normalise(data).to_dict() == normalise(data.decode("utf-8")).to_dict()


def test_follow_the_account_lines_are_not_body():
    paragraphs = ["点击上方蓝字关注我们", "↑ 点击上方“工信微报”关注我们", "工业和信息化部召开专题会议，部署下一阶段重点工作。",
                  "会议强调，要坚持稳中求进，推动制造业高质量发展。", "长按二维码关注", "喜欢就点个在看吧！"]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = ("<html><body><div id='img-content'><h1 id='activity-name'>专题会议</h1></div>"
            f'<div class="rich_media_content" id="js_content">{body}</div>'
            "<script>var nickname = \"工信微报\"; var ct = \"1700000000\"; var msg_title = '专题会议'.html(false);"
            "</script></body></html>")
    doc = normalise(page)
    assert doc.body == ("工业和信息化部召开专题会议，部署下一阶段重点工作。\n\n"
                        "会议强调，要坚持稳中求进，推动制造业高质量发展。")


def test_video_post_without_text_keeps_its_description():
    page = ("<html><body><div id='img-content'><h1 id='activity-name'>部长通道视频</h1></div>"
            "<div class='rich_media_content' id='js_content'><mpvideosnap></mpvideosnap></div>"
            "<script>var nickname = \"工信微报\"; var ct = \"1700000000\"; var item_show_type = \"5\";"
            " var msg_title = '部长通道视频'.html(false); var msg_desc = htmlDecode(\"部长谈制造业高质量发展\");"
            "</script></body></html>")
    doc = normalise(page)
    assert (doc.body, doc.meta["body_from"]) == ("部长谈制造业高质量发展", "description")


def test_a_page_cannot_claim_another_sites_address():
    """msg_link/og:url naming another host must not become the archive key (forged versions)."""
    data = fixture_bytes(wechat_page("wae_normal01_xuanyuan.html"))
    doc = normalise(data, url="https://mirror.example.org/a/1")
    assert doc.canonical_url == "https://mirror.example.org/a/1"
    assert doc.meta["claimed_canonical_url"] == "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"
    same_host = normalise(data, url="http://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw?scene=1")
    assert same_host.canonical_url == "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"
    assert "claimed_canonical_url" not in same_host.meta


def test_script_urls_claimed_by_a_page_are_dropped():
    page = ("<html><body><div id='img-content'><h1 id='activity-name'>标题文字</h1></div>"
            "<div class='rich_media_content' id='js_content'><p>正文内容，足够作为一段文字。</p></div>"
            "<script>var nickname = \"某号\"; var ct = \"1700000000\"; var msg_title = '标题文字'.html(false);"
            " var msg_link = \"javascript:alert(1)//\"; var msg_source_url = 'data:text/html,<b>x</b>';"
            "</script></body></html>")
    doc = normalise(page)
    assert doc.canonical_url is None and doc.origin_url is None


def test_error_page_with_unknown_wording_is_still_a_status_page():
    """WeChat's message template with a message no marker knows: unavailable, not an error."""
    page = fixture_bytes(wechat_page("wae_deleted01.html")).decode("utf-8").replace("该内容已被发布者删除", "此内容已下架")
    doc = normalise(page, url="https://mp.weixin.qq.com/s/P9cMowFQ-QahLRnfHponKw")
    assert (doc.status, doc.meta["message"]) == ("unavailable", "此内容已下架")
