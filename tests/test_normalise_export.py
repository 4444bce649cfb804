"""The markdown export of a WeChat repost (the seed plan) and other export shapes."""
from __future__ import annotations

import html
import re

import pytest

from crawler.normalise import normalise
from tests.support.normalise import SEED, WECHAT_CHROME


@pytest.fixture(scope="module")
def seed():
    assert SEED.exists(), SEED
    return normalise(SEED.read_bytes())


def test_seed_header_fields(seed):
    assert seed.kind == "export" and seed.status == "ok"
    assert seed.title == "工信部印发《工业互联网和人工智能融合赋能行动方案》"
    assert seed.account == "赛博研究院"
    assert seed.published_at == "2026-01-07"
    assert seed.source == "Doonsec's feed"
    assert seed.origin == "工业和信息化部信息通信管理局"
    assert seed.url == seed.canonical_url == "https://mp.weixin.qq.com/s/n7KDbwouzT893Fc-sFrtCg"
    assert seed.fetched_at == "2026-01-08T03:30:43.147893"


def test_seed_lead_is_the_reposts_own_opening(seed):
    assert seed.lead.startswith("近日，工业和信息化部印发《工业互联网和人工智能融合赋能行动方案》，明确将通过实施")
    assert seed.lead.endswith("重点企业、技术产品、公共服务等要素资源实现高效配置。")
    assert "人工智能是引领新一轮科技革命" not in seed.lead


def test_seed_body_is_the_plan_with_sections_intact(seed):
    assert seed.body.startswith("工业互联网和人工智能融合赋能行动方案\n\n人工智能是引领新一轮科技革命")
    assert seed.body.endswith("开展工业互联网工程技术人员、人工智能训练师等新职业培训和评价。")
    for heading in ("一、总体要求", "二、基础底座升级行动", "三、数据模型互通行动", "四、应用模式焕新行动",
                    "五、产业生态融通行动", "六、保障措施"):
        assert f"\n\n{heading}\n\n" in seed.body, heading
    assert "\n\n（七）推进应用模式变革。鼓励工业企业" in seed.body
    labels = [h["label"] for h in seed.outline]
    assert labels.count("（一）") == 1 and "（十一）" in labels and "六、" in labels


@pytest.mark.parametrize("junk", [
    "**", "![", "mmbiz.qpic.cn", "关于赛博研究院", "上海赛博网络安全产业创新研究院", "欢迎联络咨询", "public@sicsi.org.cn",
    "021-61432693", "文章参考来源", "在小说阅读器中沉浸阅读", "向上滑动看下一个", "使用小程序", "知道了", *WECHAT_CHROME])
def test_seed_body_and_lead_carry_no_junk(seed, junk):
    assert junk not in seed.body and junk not in seed.lead


def test_seed_images_are_listed_not_in_text(seed):
    assert seed.images and all(url.startswith("https://mmbiz.qpic.cn/") for url in seed.images)
    assert not any("Kyc5Lo2AEm8icyK3p7G4rL0xRWtvA3dseVfD97bp38UsGVPjNPvIUtzW8vKmeibMFk9hwdiaQzYlAGcxpobx8g6Zw" in u
                   for u in seed.images), "promo-block images are not article images"


def test_bold_marks_do_not_change_the_hash(seed):
    plain = SEED.read_text(encoding="utf-8").replace("**", "")
    assert normalise(plain).content_hash == seed.content_hash


def test_export_without_a_reposted_heading_keeps_everything_as_body():
    text = ("---\ntitle: 一篇原创文章\nurl: https://mp.weixin.qq.com/s/abcdefghijklmnopqrstuv\ndate: 2025-03-01\n---\n\n"
            "# 一篇原创文章\n\n某某公众号\n\n第一段正文，内容足够长，不是账号行，也不是作者行。\n\n第二段正文。\n\n"
            "预览时标签不可点\n\n微信扫一扫\n关注该公众号\n")
    doc = normalise(text)
    assert (doc.kind, doc.account, doc.lead) == ("export", "某某公众号", "")
    assert doc.body == "第一段正文，内容足够长，不是账号行，也不是作者行。\n\n第二段正文。"


def _as_wechat_page(markdown: str) -> str:
    """The seed's article text rendered the way a WeChat page carries it (2022 template)."""
    start = markdown.index("近日，工业和信息化部印发")
    end = markdown.index("预览时标签不可点")
    blocks = []
    for block in markdown[start:end].split("\n\n"):
        image = re.fullmatch(r"!\[[^\]]*\]\(([^)]*)\)", block.strip())
        if image:
            blocks.append(f'<p><img class="rich_pages" data-src="{html.escape(image.group(1))}"></p>')
        else:
            text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(block.strip(), quote=False))
            blocks.append(f'<section><p style="text-indent: 2em;"><span leaf="">{text}</span></p></section>')
    body = "\n".join(blocks)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        '<meta property="og:url" content="http://mp.weixin.qq.com/s?__biz=MzA5MzE5MDAzOA==&amp;mid=2664227263'
        '&amp;idx=1&amp;sn=0123456789abcdef0123456789abcdef&amp;chksm=abc#rd"></head><body>'
        '<div id="img-content"><h1 class="rich_media_title" id="activity-name">工信部印发《工业互联网和人工智能融合赋能行动方案》</h1>'
        '<div id="meta_content"><a id="js_name">赛博研究院</a><em id="publish_time"></em></div>'
        f'<div class="rich_media_content" id="js_content" style="visibility: hidden;">{body}</div></div>'
        '<div id="js_pc_qr_code">微信扫一扫 关注该公众号</div>'
        "<script>var nickname = \"赛博研究院\"; var ct = \"1767753000\";"
        " var msg_title = '工信部印发《工业互联网和人工智能融合赋能行动方案》'.html(false);"
        " var copyright_stat = \"0\" * 1;</script></body></html>")


def test_the_same_repost_as_a_wechat_page_splits_the_same_way(seed):
    """Lead, body and origin do not depend on whether the repost came as HTML or as an export."""
    page = normalise(_as_wechat_page(SEED.read_text(encoding="utf-8")))
    assert page.kind == "wechat"
    assert (page.lead, page.body, page.origin) == (seed.lead, seed.body, seed.origin)
    assert page.published_at == "2026-01-07T10:30:00+08:00"
    assert page.canonical_url == ("https://mp.weixin.qq.com/s?__biz=MzA5MzE5MDAzOA==&mid=2664227263&idx=1"
                                  "&sn=0123456789abcdef0123456789abcdef")
    assert page.content_hash == seed.content_hash, "same text, same archive version"


def test_export_header_with_original_flag_author_time_and_region():
    text = ("---\ntitle: 解读新规\nurl: https://mp.weixin.qq.com/s/abcdefghijklmnopqrstuv\n---\n\n# 解读新规\n\n"
            "原创\n\n张三\n\n某研究院\n\n2025年11月05日 18:30\n\n北京\n\n在小说阅读器中沉浸阅读\n\n"
            "近日，有关部门发布新规，本文解读其要点。\n")
    doc = normalise(text)
    assert (doc.original, doc.author, doc.account) == (True, "张三", "某研究院")
    assert doc.published_at == "2025-11-05T18:30:00+08:00" and doc.meta["ip_region"] == "北京"
    assert doc.body == "近日，有关部门发布新规，本文解读其要点。"


def test_front_matter_aliases_from_other_exporters():
    text = ("---\ntitle: \"政策解读\"\nlink: https://mp.weixin.qq.com/s?__biz=MzA5&mid=26&idx=1&sn=ab&scene=21\n"
            "account: 工信微报\nauthor: 李四\npublished: 2025-06-01 08:00\n---\n\n近日印发的政策，主要内容如下。\n")
    doc = normalise(text)
    assert (doc.title, doc.account, doc.author) == ("政策解读", "工信微报", "李四")
    assert doc.canonical_url == "https://mp.weixin.qq.com/s?__biz=MzA5&mid=26&idx=1&sn=ab"
    assert doc.published_at == "2025-06-01T08:00:00+08:00"
    assert doc.body == "近日印发的政策，主要内容如下。"
