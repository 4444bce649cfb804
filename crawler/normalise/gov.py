"""Government article pages (gov.cn, ministries, provincial 工信厅) with their 信息公开 metadata.

The body comes the generic way (the CMS containers in ``rules.ARTICLE_SELECTORS``:
``#UCAP-CONTENT``, ``.TRS_Editor``, ``#zoom`` …); on top of it this reads the file
information every family shows in a table (``<td><b>发文字号：</b></td><td>…</td>``)
or as label lines: 标题, 发文字号, 成文日期, 发布日期, 发布机构 (发文机关), 来源, 索引号,
主题分类. Labels may hold spaces (标　　题, 索 引 号); synonyms are folded (rule data below).
"""
from __future__ import annotations

import re

import lxml.html

from crawler.normalise import pagemeta
from crawler.normalise.generic import GenericNormaliser
from crawler.normalise.registry import PageKind, register
from crawler.normalise.times import from_text
from store.model import Document

#: Label (spaces and colons removed) → the one name the Document keeps it under.
LABELS = {
    "标题": "标题", "名称": "标题",
    "发文字号": "发文字号", "文号": "发文字号", "文件编号": "发文字号",
    "成文日期": "成文日期", "生成日期": "成文日期", "成文时间": "成文日期",
    "发布日期": "发布日期", "发文日期": "发布日期", "公开日期": "发布日期", "发布时间": "发布日期",
    "发文机关": "发布机构", "发文机构": "发布机构", "发布机构": "发布机构", "发文单位": "发布机构",
    "来源": "来源", "信息来源": "来源",
    "索引号": "索引号", "主题分类": "主题分类", "分类": "主题分类", "有效性": "有效性",
}
#: Body containers of the government CMS families (gov.cn, TRS, JCMS, jpaas, CAC, NEA, SAMR, provinces).
GOV_BODY_SELECTORS = (
    "#UCAP-CONTENT", ".pages_content", ".TRS_Editor", ".trs_editor_view", ".TRS_UEDITOR", "#zoom", "#Zoom",
    ".bfr_article_content", ".article_con", ".details-main", ".zfwjwzcontent", "#detailContent", "#BodyLabel",
    ".article-content", ".Three_xilan_07", ".article_component", "#con_con",
)
#: A real 文号 (the cell sometimes holds the 索引号 instead): 国办发〔2020〕50号, 第41号.
DOC_NUMBER = re.compile(r"[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号|第\s*\d+\s*号")
#: Title blocks of the families, tried after the ArticleTitle meta.
TITLE_XPATHS = ('//*[@id="ti"]', '//h2[contains(@class,"article_title")]', '//*[contains(@class,"share-title")]',
                '//*[contains(@class,"article-title")]', '//div[contains(@class,"title")]/h1')
_LABEL_CELL = re.compile(r"<t[dh][^>]*>\s*(?:<[^>]+>\s*)*(?:发\s*文\s*字\s*号|索\s*引\s*号|成\s*文\s*日\s*期|发\s*文\s*机\s*关)")
_GOV_MARKERS = ("ArticleTitle", "UCAP-CONTENT", "TRS_Editor", "trs_editor_view", "TRS_UEDITOR", 'id="zoom"',
                'id="Zoom"', "bfr_article_content", "article_con", "firstpublishedtime", "zcwj_ztfl")
_CELL_LABEL = re.compile(r"^(.{1,16}?)\s*[：:]\s*(.*)$")
_SPACES = re.compile(r"[\s\u3000\xa0：:]+")


@register
class GovNormaliser(GenericNormaliser):
    """Government article pages: body from the CMS container, plus the 信息公开 file information.

    Reads 标题, 发文字号 (only a real 〔YYYY〕N号 / 第N号), 成文日期 and 发布日期 (both kept),
    发布机构/发文机关 (account), 来源 (origin), 索引号, 主题分类 — from the metadata table or
    label lines, the national meta tags (ArticleTitle, PubDate, ContentSource) as fallback.
    """

    kind = PageKind.GOV
    body_selectors = GOV_BODY_SELECTORS
    #: A government CMS container is the body however short (印发通知 around an attachment).
    min_body_chars = 1

    def detect(self, text: str, url: str | None) -> float:
        """A metadata table (a cell labelled 发文字号/索引号/成文日期/发文机关) on a government CMS page."""
        head = text[:400_000]
        if not _LABEL_CELL.search(head):
            return 0.0
        return 0.6 if any(marker in head for marker in _GOV_MARKERS) else 0.3

    def refine(self, doc: Document, root: lxml.html.HtmlElement, found: dict[str, str]) -> None:
        """The file information on top of the generic reading."""
        doc.kind = PageKind.GOV
        fields = {**_label_lines(doc.meta), **table_fields(root)}
        doc.title = found.get("ArticleTitle") or fields.get("标题") or _title_block(root) or doc.title
        number = DOC_NUMBER.search(fields.get("发文字号") or doc.doc_number or "")
        doc.doc_number = (fields.get("发文字号") or doc.doc_number) if number else None
        doc.account = fields.get("发布机构") or doc.account or None
        doc.origin = fields.get("来源") or doc.origin or found.get("ContentSource") or None
        doc.published_at = doc.published_at or from_text(fields.get("发布日期"))
        for name in ("成文日期", "发布日期"):
            if fields.get(name):
                doc.meta[name] = from_text(fields[name]) or fields[name]
        for name in ("索引号", "主题分类", "有效性"):
            if fields.get(name):
                doc.meta[name] = fields[name]
        for label in ("发文机关", "发文机构", "发布机构", "发文字号", "分类"):
            doc.meta.pop(label, None)


def table_fields(root: lxml.html.HtmlElement) -> dict[str, str]:
    """label → value from metadata tables: a label cell then its value cell, or "label：value" in one cell."""
    fields: dict[str, str] = {}
    for cell in root.iter("td", "th"):
        raw = " ".join(cell.text_content().split())
        split = _CELL_LABEL.match(raw)
        label, rest = split.groups() if split else (raw, "")
        name = LABELS.get(_SPACES.sub("", label))
        if name is None or name in fields:
            continue
        value = rest.strip() if rest.strip() else _next_cell_text(cell)
        if value:
            fields[name] = value
    return fields


def _next_cell_text(cell: lxml.html.HtmlElement) -> str:
    following = cell.getnext()
    while following is not None and following.tag not in ("td", "th"):
        following = following.getnext()
    if following is None:
        return ""
    text = " ".join(following.text_content().split())
    return "" if LABELS.get(_SPACES.sub("", text.rstrip("：:"))) else text


def _label_lines(meta: dict[str, object]) -> dict[str, str]:
    """The generic reading's "label：value" lines (kept in its meta) under the one names."""
    fields: dict[str, str] = {}
    for label, value in meta.items():
        name = LABELS.get(_SPACES.sub("", str(label)))
        if name and isinstance(value, str) and value.strip():
            fields.setdefault(name, value.strip())
    return fields


def _title_block(root: lxml.html.HtmlElement) -> str:
    for xpath in TITLE_XPATHS:
        title = pagemeta.node_text(root, xpath)
        if len(title) >= 4:
            return title
    return ""
