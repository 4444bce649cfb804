"""MIIT (工业和信息化部, www.miit.gov.cn) article pages, including 文件发布 pages."""
from __future__ import annotations

import re

from crawler.normalise import pagemeta
from crawler.normalise.htmltext import drop, element_text
from crawler.normalise.registry import Normaliser, PageKind, register
from crawler.normalise.times import from_text
from crawler.urls import canonical_url
from store.model import Document

_BODY_ID = "con_con"
_MIIT_IDS = re.compile(r"""id\s*=\s*["']?con_(?:con|title)\b""")
_DETECT_WINDOW = 400_000
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{2,14}[〔\[［(（]\d{4}[〕\]］)）]\d{1,5}号")
_MIIT_HOSTS = ("miit.gov.cn",)
_BODY_DROP = ("script", "style", "iframe", "embed", "object")


@register
class MiitNormaliser(Normaliser):
    """MIIT article pages: ``#con_title``, ``#con_time``, 来源, ``#con_con`` body.

    文件发布 pages add 发文机关 (account), 发文字号 (doc_number), 成文日期, 分类;
    PDF viewers (``iframe[fileurl]``) and 附件 links are kept as attachments.
    """

    kind = PageKind.MIIT

    def detect(self, text: str, url: str | None) -> float:
        """MIIT's element ids, its site meta, or a miit.gov.cn URL."""
        score = 0.0
        if _MIIT_IDS.search(text, 0, _DETECT_WINDOW):
            score += 0.5
        head = text[:20_000]
        if "中华人民共和国工业和信息化部" in head or "www.miit.gov.cn" in head:
            score += 0.3
        if url and any(host in url for host in _MIIT_HOSTS):
            score += 0.3
        return min(score, 0.92)

    def parse(self, text: str, *, url: str | None, headers: dict[str, str]) -> Document:
        """Title, times, source, file metadata, body and attachments."""
        root = pagemeta.parse_page(text)
        found = pagemeta.metas(root)
        body_node = next(iter(root.xpath('//*[@id="con_con"]')), None)
        doc = Document(kind="miit", url=url, canonical_url=canonical_url(url))
        if body_node is not None:
            doc.attachments = pagemeta.attachments(body_node, url or _page_url(found))
            doc.meta["body_in_attachment"] = bool(body_node.xpath(".//iframe[@fileurl]")) or None
            drop(body_node, _BODY_DROP)
            doc.body = pagemeta.without_attachment_lines(element_text(body_node), doc.attachments)
        fields = pagemeta.file_metadata(root, _BODY_ID)
        info = pagemeta.node_text(root, '//*[contains(@class,"cinfo")]')
        doc.title = (pagemeta.node_text(root, '//*[@id="con_title"]') or fields.get("标题")
                     or found.get("ArticleTitle") or pagemeta.title_without_site(pagemeta.node_text(root, "//title")))
        doc.published_at = (from_text(pagemeta.node_text(root, '//*[@id="con_time"]'))
                            or from_text(found.get("PubDate")) or from_text(fields.get("发布日期")))
        source = _source(info) or found.get("ContentSource")
        doc.account = fields.get("发文机关") or None
        doc.doc_number = fields.get("发文字号") or _number_line(doc.body)
        doc.origin = source or None
        doc.meta = {**_meta(fields, found, source), **{k: v for k, v in doc.meta.items() if v}}
        return doc


def _page_url(found: dict[str, str]) -> str | None:
    """The page's own address from its metas (SiteDomain + Url) when no URL was given."""
    path, domain = found.get("Url", ""), found.get("SiteDomain", "")
    return f"https://{domain}{path}" if path.startswith("/") and domain else None


def _number_line(body: str) -> str | None:
    """A 发文字号 standing alone in one of the first paragraphs (工信部信管〔2025〕268号)."""
    for paragraph in body.split("\n\n")[:3]:
        if _DOC_NUMBER.fullmatch(paragraph.strip()):
            return paragraph.strip()
    return None


def _source(info: str) -> str | None:
    match = re.search(r"来源[：:]\s*(\S+)", info)
    return match.group(1) if match else None


def _meta(fields: dict[str, str], found: dict[str, str], source: str | None) -> dict[str, str]:
    meta = {k: v for k, v in fields.items() if k not in ("发文机关", "发文字号", "标题")}
    if source:
        meta["来源"] = source
    for name in ("ColumnName", "Keywords"):
        if found.get(name):
            meta[name] = found[name]
    return meta
