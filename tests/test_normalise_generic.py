"""Generic pages: a news page through the extractor, plain text, and the kind chosen by content."""
from __future__ import annotations

from crawler.normalise import normalise

NEWS = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>我国5G基站总数突破400万个_科技_新闻网</title>
<meta name="publishdate" content="2025-03-18 09:30:00"></head><body>
<div class="topbar"><a href="/">首页</a> | <a href="/news/">新闻</a> | <a href="/login">登录</a></div>
<div class="nav"><ul><li><a href="/a">国内</a></li><li><a href="/b">国际</a></li></ul></div>
<div class="main"><div class="left">
<h1>我国5G基站总数突破400万个</h1>
<div class="info">2025年03月18日 09:30　来源：人民日报　作者：李明</div>
<div class="share">分享到：<a>微信</a><a>微博</a></div>
<div class="text">
<p>记者从工业和信息化部获悉：截至2月末，我国5G基站总数达到412.3万个，比上年末净增6.9万个，占移动基站总数的33.6%。</p>
<p>工业和信息化部有关负责人表示，我国已建成全球规模最大、技术领先的5G网络，5G网络覆盖所有地级市城区、县城城区。</p>
<p>与此同时，5G应用加快融入国民经济，已覆盖97个国民经济大类中的76个，应用案例数超过10万个。</p>
<p>下一步，工业和信息化部将加快推进5G网络向5G-A演进升级，深化5G行业应用，推动5G规模化应用走深走实。</p>
<p class="editor">（责任编辑：王芳）</p>
</div></div>
<div class="right"><h3>热点新闻</h3><ul><li><a href="/1">多地出台措施促进消费</a></li><li><a href="/2">春季农业生产有序推进</a></li></ul></div></div>
<div class="related"><h3>相关阅读</h3><ul><li><a href="/4">5G-A商用进程提速</a></li></ul></div>
<div class="footer"><p>关于我们 | 联系我们 | 网站地图</p><p>版权所有 新闻网 京ICP备12345678号</p></div>
</body></html>"""


def test_news_page_through_the_extractor():
    doc = normalise(NEWS, url="https://news.example.com/tech/2025/0318/a1.html")
    assert doc.kind == "generic" and doc.meta["extractor"] == "trafilatura"
    assert doc.title == "我国5G基站总数突破400万个"
    assert doc.published_at == "2025-03-18T09:30:00+08:00"
    assert (doc.origin, doc.author, doc.meta["editor"]) == ("人民日报", "李明", "王芳")
    assert doc.body.startswith("记者从工业和信息化部获悉：截至2月末，我国5G基站总数达到412.3万个")
    assert doc.body.endswith("推动5G规模化应用走深走实。")
    assert doc.body.count("\n\n") == 3
    for junk in ("首页", "登录", "热点新闻", "多地出台措施促进消费", "相关阅读", "京ICP备", "分享到", "责任编辑"):
        assert junk not in doc.body, junk


def test_title_without_og_or_h1_drops_the_site_suffix():
    page = ("<html><head><title>关于开展2025年度中小企业数字化转型试点工作的通知_通知公告_某某省工业和信息化厅</title>"
            "</head><body><div id='zoom'>" + "<p>各市工业和信息化主管部门：为贯彻落实有关部署，现就开展试点工作通知如下。</p>" * 3
            + "</div></body></html>")
    doc = normalise(page)
    assert doc.title == "关于开展2025年度中小企业数字化转型试点工作的通知"
    assert doc.meta["extractor"] == "selector"


def test_plain_text_file_has_no_title_unless_it_says_so():
    """Its first line stays in the body (an edit there must show in a diff)."""
    doc = normalise("关于某事的说明\n\n第一段内容。\n第一段续行。\n\n第二段内容。\n".encode())
    assert (doc.kind, doc.title) == ("generic", "")
    assert doc.body == "关于某事的说明\n\n第一段内容。\n第一段续行。\n\n第二段内容。"
    doc = normalise("# 关于某事的说明\n\n第一段内容。\n".encode())
    assert (doc.title, doc.body) == ("关于某事的说明", "第一段内容。")


def test_content_beats_host_when_choosing_the_kind():
    """A WeChat export saved under a gov.cn URL is still read as an export."""
    export = "---\ntitle: 标题文字\nurl: https://mp.weixin.qq.com/s/abc\n---\n\n# 标题文字\n\n正文第一段，内容足够长，可以作为正文。\n"
    assert normalise(export, url="https://www.gov.cn/x.htm").kind == "export"


ZHENGCEKU = """<html><head><meta charset="utf-8">
<title>国务院办公厅关于加快场景培育和开放推动新场景大规模应用的实施意见_国务院文件_中国政府网</title>
<meta name="firstpublishedtime" content="2025-11-12-17:00:00"></head><body>
<div class="header">首页 | 简 | 繁 | EN | 登录</div>
<table class="bd1">
<tr><td><b>索 引 号：</b></td><td>000014349/2025-00099</td><td><b>主题分类：</b></td><td class="zcwj_ztfl">科技、教育\\科技</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2025年11月06日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅关于加快场景培育和开放推动新场景大规模应用的实施意见</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2025〕37号</td><td><b>发布日期：</b></td><td>2025年11月12日</td></tr>
</table>
<div class="share-title">国务院办公厅关于加快场景培育和开放推动新场景大规模应用的实施意见</div>
<span class="font-zyygwj">来源：中国政府网</span>
<div class="pages_content" id="UCAP-CONTENT">
<p style="text-align:center">国办发〔2025〕37号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>　　场景是系统性验证新技术、新产品、新业态的具体情形。为加快场景培育和开放，经国务院同意，现提出如下意见。</p>
<p>　　一、总体要求</p>
<p>　　（一）发文字号：本段引用"发文字号："不应被当作页面元数据。</p>
</div>
<div class="pages_print">打印 | 关闭</div>
</body></html>"""


def test_govcn_policy_library_metadata_table():
    doc = normalise(ZHENGCEKU, url="https://www.gov.cn/zhengce/content/202511/content_7000001.htm")
    assert doc.kind == "gov" and doc.meta["extractor"] == "selector"
    assert doc.title == "国务院办公厅关于加快场景培育和开放推动新场景大规模应用的实施意见"
    assert (doc.account, doc.doc_number) == ("国务院办公厅", "国办发〔2025〕37号")
    assert doc.meta["成文日期"] == "2025-11-06" and doc.meta["主题分类"] == "科技、教育\\科技"
    assert doc.meta["索引号"] == "000014349/2025-00099"
    assert doc.published_at == "2025-11-12T17:00:00+08:00" and doc.origin == "中国政府网"
    assert doc.body.startswith("国办发〔2025〕37号\n\n各省、自治区、直辖市人民政府")
    assert "打印" not in doc.body and "索引号" not in doc.body


def test_metadata_and_navigation_lines_inside_the_text_are_dropped():
    page = NEWS.replace('<div class="text">', '<div class="text"><p>2025-03-18 09:30 来源：人民日报</p>').replace(
        '<p class="editor">', '<p>上一篇：春季农业生产有序推进</p><p>下一篇：新能源汽车产销两旺</p><p class="editor">')
    doc = normalise(page)
    assert doc.body.startswith("记者从工业和信息化部获悉") and doc.body.endswith("推动5G规模化应用走深走实。")


def test_site_logo_heading_is_not_the_title():
    page = ("<html><head><title>关于公布第二批试点名单的通知_通知公告_某某省工业和信息化厅</title></head><body>"
            "<h1 class='logo'>某某省工业和信息化厅</h1><div class='nav'>首页 机构 政务公开</div>"
            "<h2>关于公布第二批试点名单的通知</h2><div id='zoom'>"
            + "<p>各市工业和信息化主管部门：经评审，现将第二批试点名单予以公布，请认真组织实施。</p>" * 3
            + "</div></body></html>")
    assert normalise(page).title == "关于公布第二批试点名单的通知"


def test_site_first_page_title_still_finds_the_heading():
    page = ("<html><head><title>新闻网 - 工信部发布2025年通信业统计公报</title></head><body>"
            "<div class='header'><h1>新闻网</h1></div><div class='article'><h1>工信部发布2025年通信业统计公报</h1>"
            + "<p>工业和信息化部今天发布2025年通信业统计公报，全年电信业务收入稳步增长，5G用户持续增加。</p>" * 3
            + "</div></body></html>")
    assert normalise(page).title == "工信部发布2025年通信业统计公报"


def test_a_news_page_with_a_wechat_marker_falls_back_to_the_generic_reader():
    """A news page whose share widget carries a WeChat variable: the WeChat reader finds no
    article, the page is still read (issue 14: 4 of 35 real news pages were lost so)."""
    page = NEWS.replace("</head>", "<script>var item_show_type = '0'; var msg_title = '';</script>"
                        '<script src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js"></script></head>')
    doc = normalise(page, url="https://news.example.com/tech/2025/0318/a1.html")
    assert (doc.kind, doc.meta["tried"]) == ("generic", ["wechat"])
    assert doc.body.startswith("记者从工业和信息化部获悉")


def test_a_saved_page_naming_miit_falls_back_to_the_generic_reader():
    page = NEWS.replace("</head>", '<link rel="canonical" href="https://news.example.com/a1.html">'
                        '<meta name="SiteDomain" content="www.miit.gov.cn"></head>')
    page = page.replace("<title>", "<title>中华人民共和国工业和信息化部 ")
    doc = normalise(page.encode())
    assert (doc.kind, doc.meta["tried"]) == ("generic", ["miit"])
    assert doc.canonical_url == "https://news.example.com/a1.html"


def test_a_news_page_loading_wechats_share_script_is_not_taken_for_wechat():
    page = NEWS.replace("</head>", '<script src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js"></script></head>')
    doc = normalise(page, url="https://news.example.com/tech/2025/0318/a1.html")
    assert doc.kind == "generic" and "tried" not in doc.meta


def test_a_forced_kind_is_not_second_guessed():
    import pytest

    from crawler.normalise import NormaliseError

    with pytest.raises(NormaliseError, match="read as a wechat page"):
        normalise(NEWS, kind="wechat")


def test_markdown_with_html_comments_is_read():
    """LawRefBook's law files carry ``<!-- INFO END -->`` between the header and the text."""
    text = ("# 中华人民共和国会计法\n\n1985年1月21日第六届全国人民代表大会常务委员会第九次会议通过\n\n"
            "<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了规范会计行为，保证会计资料真实、完整，制定本法。\n")
    doc = normalise(text.encode())
    assert doc.title == "中华人民共和国会计法"
    assert "INFO END" not in doc.body and "第一条为了规范会计行为" in doc.body
