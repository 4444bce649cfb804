"""MIIT article pages (built fixtures, see fixtures/miit/README.md) and the gov.cn real page."""
from __future__ import annotations

import pytest

from crawler.normalise import NormaliseError, normalise
from tests.support.normalise import MIIT, REAL, SEED, fixture_bytes

WJFB_URL = "https://www.miit.gov.cn/jgsj/waj/wjfb/art/2022/art_e4d9ba53a8014d85a4f80d47272f486d.html"
PLAN_URL = "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2026/art_9f1c2b3a4d5e6f708192a3b4c5d6e7f8.html"


def test_file_release_page_metadata():
    doc = normalise(fixture_bytes(MIIT / "wjfb_data_security_2022.html"), url=WJFB_URL)
    assert doc.kind == "miit"
    assert doc.title == "工业和信息化部关于印发《工业和信息化领域数据安全管理办法（试行）》的通知"
    assert doc.account == "工业和信息化部"
    assert doc.doc_number == "工信部网安〔2022〕166号"
    assert doc.published_at == "2022-12-13T22:04:00+08:00"
    assert doc.origin == "网络安全管理局"
    assert doc.meta["成文日期"] == "2022-12-08"
    assert doc.meta["分类"] == "网络安全管理"
    assert doc.meta["来源"] == "网络安全管理局"


def test_file_release_page_body_and_attachment():
    doc = normalise(fixture_bytes(MIIT / "wjfb_data_security_2022.html"), url=WJFB_URL)
    assert doc.body.startswith("各省、自治区、直辖市及计划单列市")
    assert "第一条　为了规范工业和信息化领域数据处理活动" in doc.body
    assert doc.body.endswith("第四十二条　本办法自2023年1月1日起施行。")
    for junk in ("发文字号", "分享到", "【打印】", "京ICP备", "当前位置", "首页", "附件："):
        assert junk not in doc.body, junk
    assert doc.attachments == [{
        "title": "工业和信息化领域数据安全管理办法（试行）.pdf", "type": "pdf",
        "url": "https://www.miit.gov.cn/cms_files/filemanager/1226211233/attach/202212/0b1a2f3c4d5e6f708192a3b4c5d6e7f8.pdf"}]


def test_pdf_only_page_records_the_pdf_and_the_wrapper_text():
    doc = normalise(fixture_bytes(MIIT / "pdf_only_ai_plan_2026.html"), url=PLAN_URL)
    assert doc.kind == "miit" and doc.status == "ok"
    assert doc.meta["body_in_attachment"] is True
    assert doc.doc_number == "工信部信管〔2025〕268号"
    assert doc.published_at == "2026-01-06T17:30:00+08:00"
    pdf = "https://www.miit.gov.cn/cms_files/filemanager/1226211233/attach/20261/6b2e7f276c5f4093a024c3b4104f8b2d.pdf"
    assert doc.attachments[0] == {"title": "工业互联网和人工智能融合赋能行动方案.pdf", "url": pdf, "type": "pdf"}
    assert [a["type"] for a in doc.attachments] == ["pdf", "docx"]
    assert "现将《工业互联网和人工智能融合赋能行动方案》印发给你们" in doc.body
    assert "viewer.html" not in doc.body and ".pdf" not in doc.body


def test_attachment_urls_are_absolute_without_a_url_too():
    doc = normalise(fixture_bytes(MIIT / "wjfb_data_security_2022.html"))
    assert doc.attachments[0]["url"].startswith("https://www.miit.gov.cn/cms_files/")


def test_gbk_page_behind_a_lying_utf8_header():
    data = fixture_bytes(MIIT / "gbk_news_2022.html")
    doc = normalise(data, headers={"Content-Type": "text/html; charset=UTF-8"})
    assert doc.kind == "miit"
    assert doc.title == "工业和信息化部召开离退休干部情况通报会"
    assert doc.body.startswith("7月12日，工业和信息化部召开离退休干部情况通报会")
    assert doc.origin == "离退休干部局"
    assert "\ufffd" not in doc.body


def test_gbk_declared_as_gb2312_decodes_gbk_only_characters():
    """gb2312 labels are read as GB18030, so GBK-only characters (镕, 堃) survive."""
    page = ("<html><head><meta charset='gb2312'><title>朱镕基与王堃会见_新闻</title></head><body>"
            "<div id='zoom'>" + "<p>朱镕基同志与王堃同志出席会议并讲话，会议研究部署了下一阶段工作。</p>" * 3
            + "</div></body></html>")
    doc = normalise(page.encode("gbk"))
    assert "朱镕基" in doc.body and "王堃" in doc.body


def test_govcn_real_page():
    doc = normalise(fixture_bytes(REAL / "govcn" / "gne_govcn_gongbao_2007_23.html"),
                    url="https://www.gov.cn/gongbao/content/2007/content_711039.htm")
    assert doc.kind == "generic" and doc.meta["extractor"] == "selector"
    assert doc.title == "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议"
    assert doc.published_at == "2007-08-20T23:59:59+08:00"
    assert "会议决定：批准发行15500亿元特别国债购买外汇，批准2007年末国债余额限额调整为53365.53亿元。" in doc.body
    for junk in ("扫一扫在手机打开当前页", "相关稿件", "字号", "打印", "无障碍", "国务院公报", "$("):
        assert junk not in doc.body, junk


def test_pdf_attachment_text_matches_the_plan():
    """The plan PDF (printed by Chromium from the plan text) reads back paragraph for paragraph.

    PDF fonts map Kangxi radicals (⼯ for 工, ⻅ for 见); they must come back as the
    ordinary characters, and layout-wrapped lines must rejoin into paragraphs.
    """
    pdf = normalise(fixture_bytes(MIIT / "ai_plan_2026.pdf"), url=PLAN_URL.replace(".html", ".pdf"))
    plan = normalise(SEED.read_bytes())
    paragraphs = [pdf.title, *pdf.body.split("\n\n")]
    assert pdf.kind == "generic" and pdf.meta["format"] == "pdf" and pdf.meta["pages"] == 2
    assert paragraphs == plan.body.split("\n\n")[:len(paragraphs)]
    assert len(paragraphs) >= 9 and [h["label"] for h in pdf.outline][:3] == ["一、", "二、", "（一）"]


def test_damaged_pdf_is_a_one_line_error():
    whole = fixture_bytes(MIIT / "ai_plan_2026.pdf")
    for damaged in (b"%PDF-1.4\n1 0 obj garbage\n%%EOF\n", whole[: len(whole) // 20]):
        with pytest.raises(NormaliseError, match="PDF") as caught:
            normalise(damaged)
        assert "\n" not in str(caught.value)


def test_real_cinfo_line_with_tab_and_double_space():
    """The one real MIIT detail-page fragment (fixtures/real/miit, see MANIFEST.md) inside a page."""
    snippet = (REAL / "miit" / "SNIPPET_detail_cinfo_2022-07-13.html").read_text(encoding="utf-8")
    page = ("<html><body><div class='ctitle'><h1 id='con_title'>离退休干部局组织开展主题党日活动</h1></div>"
            f"<div>{snippet}</div><div id='con_con'><p>7月12日，离退休干部局组织开展主题党日活动，"
            "全体党员参加。</p></div></body></html>")
    doc = normalise(page)
    assert doc.kind == "miit"
    assert doc.published_at == "2022-07-13T15:01:00+08:00"
    assert doc.origin == "离退休干部局" and doc.meta["来源"] == "离退休干部局"
