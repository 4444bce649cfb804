"""Any other article page (gov.cn, provincial sites, news sites): selectors, then trafilatura."""
from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.normalise import pagemeta, rules
from crawler.normalise.htmltext import drop, element_text, plain_paragraphs
from crawler.normalise.markdown import blocks
from crawler.normalise.registry import Normaliser, PageKind, register
from crawler.urls import canonical_url
from store.model import Document

_BODY_DROP = ("script", "style", "iframe", "form", "nav", "button", "select", "noscript")
_SHORT_EXTRACT = 200
#: Markup that makes a text an HTML page; a comment (``<!-- INFO END -->``) or an inline
#: ``<br>``/``<sup>`` in a markdown or text file does not.
_HTML_PAGE = re.compile(r"<(?:!doctype|html|head|body|div|p|article|section|table|meta|title|span|td)\b", re.I)
_EDITOR = re.compile(r"^[（(\[【]?\s*(责任编辑|责编|编辑)[：:]\s*([^\s)）\]】]{1,10})\s*[)）\]】]?$")


@register
class GenericNormaliser(Normaliser):
    """Any other article page (gov.cn, news sites) and plain text.

    Known content selectors first (gov.cn ``#UCAP-CONTENT``, TRS editors, MIIT
    ``#con_con`` …), then trafilatura's extractor; title from og:title/h1/<title>,
    publish time from meta tags or a visible 发布时间, origin from 来源：.
    """

    kind = PageKind.GENERIC
    #: Body containers trusted before the extractor, and the text they need to be trusted.
    body_selectors: tuple[str, ...] = rules.ARTICLE_SELECTORS
    min_body_chars: int = rules.MIN_SELECTOR_CHARS

    def detect(self, text: str, url: str | None) -> float:
        """The fallback: always applies, always loses to a specific normaliser."""
        return 0.1

    def parse(self, text: str, *, url: str | None, headers: dict[str, str]) -> Document:
        """HTML through selectors/extractor; anything without tags as plain text."""
        if not _HTML_PAGE.search(text[:65536]):
            return _plain_text(text, url)
        root = pagemeta.parse_page(text)
        found = pagemeta.metas(root)
        doc = Document(kind="generic", url=url, canonical_url=canonical_url(_canonical(root, found) or url))
        doc.title = _title(root, found)
        page = root.find("body")
        visible = element_text(page)[:20_000] if page is not None else ""
        doc.published_at = pagemeta.published(found, visible)
        doc.origin = _origin(visible, found)
        author = rules.AUTHOR_LABEL.search(visible)
        doc.author = found.get("author") or (author.group(1) if author else None)
        container = _fill_body(doc, root, text, url, self.body_selectors, self.min_body_chars)
        _file_fields(doc, pagemeta.file_metadata(root, body=container))
        self.refine(doc, root, found)
        return doc

    def refine(self, doc: Document, root: HtmlElement, found: dict[str, str]) -> None:
        """Hook for page kinds built on this one (gov): more fields from the parsed page and its metas."""


def _fill_body(doc: Document, root: HtmlElement, page: str, url: str | None, selectors: tuple[str, ...],
               min_chars: int) -> HtmlElement | None:
    """Body, attachments and images: a CMS container, else trafilatura, else a broad container.

    Returns the container element used (None when the text came from trafilatura).
    """
    container = _selected(root, selectors, min_chars)
    body = _extract(page, url) if container is None else ""
    if container is None and not body:
        container = _selected(root, rules.FALLBACK_SELECTORS, rules.MIN_SELECTOR_CHARS)
    if container is not None:
        doc.attachments = pagemeta.attachments(container, url)
        doc.images = pagemeta.image_urls(container, url)
        drop(container, _BODY_DROP)
        body = element_text(container)
    doc.meta["extractor"] = "trafilatura" if container is None else "selector"
    paragraphs = _clean(plain_paragraphs(body), doc)
    doc.body = pagemeta.without_attachment_lines("\n\n".join(paragraphs), doc.attachments)
    return container


def _file_fields(doc: Document, fields: dict[str, str]) -> None:
    """gov.cn 国务院文件 table (发文机关, 发文字号, 成文日期, 主题分类 …) into the Document."""
    doc.account = fields.pop("发文机关", None) or doc.account
    doc.doc_number = fields.pop("发文字号", None) or doc.doc_number
    fields.pop("标题", None)
    doc.meta.update(fields)


def _plain_text(text: str, url: str | None) -> Document:
    """A text (or markdown) file: a leading ``#`` heading is the title; otherwise there is none.

    A first line is not silently a title: taken out of the body, an edit to it
    would never show in a diff. Front matter is the export reader's.
    """
    items = [block for block in blocks(text) if block.text]
    title = items[0].text.replace("\u2028", "") if items and items[0].heading else ""
    body = "\n\n".join(block.text for block in items[1 if title else 0:])
    return Document(kind="generic", url=url, canonical_url=canonical_url(url), title=title, body=body or title)


def _canonical(root: HtmlElement, found: dict[str, str]) -> str | None:
    """The page's own address: ``<link rel=canonical>``, else ``og:url`` (claims are checked later)."""
    links = root.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href')
    return next((href.strip() for href in links if href.strip()), None) or found.get("og:url")


def _title(root: HtmlElement, found: dict[str, str]) -> str:
    """og:title / ArticleTitle / known title blocks; else a heading that <title> confirms.

    Government sites often put the site name in an ``<h1>`` logo, so headings in
    the banner or equal to the site name are skipped and the longest remaining
    heading that <title> confirms wins; otherwise <title> minus the site suffix.
    """
    for value in (found.get("og:title"), found.get("ArticleTitle"),
                  pagemeta.node_text(root, '//*[contains(@class,"share-title")]'),
                  pagemeta.node_text(root, '//*[@id="con_title"]')):
        if value and len(value) >= 4:
            return value
    page_title = pagemeta.node_text(root, "//title")
    site = {found.get("SiteName"), found.get("og:site_name")}
    headings = ["".join(element_text(h).split("\n")) for h in root.iter("h1", "h2") if not _in_banner(h)]
    confirmed = [t for t in headings if len(t) >= 4 and t not in site and (not page_title or t in page_title)]
    return max(confirmed, key=len) if confirmed else pagemeta.title_without_site(page_title)


def _in_banner(node: HtmlElement) -> bool:
    """A heading inside the site banner (logo, header, top bar) names the site, not the article."""
    for ancestor in (node, *node.iterancestors()):
        marks = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower()
        if ancestor.tag == "header" or any(word in marks for word in ("logo", "header", "banner", "topbar")):
            return True
    return False


def _origin(visible: str, found: dict[str, str]) -> str | None:
    match = rules.SOURCE_LABEL.search(visible[:20_000])
    return (match.group(1) if match else None) or found.get("ContentSource") or found.get("source") or None


def _selected(root: HtmlElement, selectors: tuple[str, ...], min_chars: int) -> HtmlElement | None:
    """The longest element matched by the first selector that holds ``min_chars`` of text."""
    for selector in selectors:
        nodes = root.cssselect(selector)
        if not nodes:
            continue
        best = max(nodes, key=lambda n: len(n.text_content().strip()))
        if len(re.sub(r"\s+", "", best.text_content())) >= min_chars:
            return best
    return None


def _extract(page: str, url: str | None) -> str:
    """trafilatura in its balanced mode; recall mode when that keeps too little.

    Balanced mode drops boilerplate well on news pages; on short government
    notices it can keep only a fragment, so a short result is retried with
    ``favor_recall`` (which keeps headings and signature lines).
    """
    import trafilatura

    def extract(favor_recall: bool = False) -> str:
        return trafilatura.extract(page, url=url, include_comments=False, include_tables=True,
                                   deduplicate=False, favor_recall=favor_recall) or ""

    text = extract()
    if len(text) < _SHORT_EXTRACT:
        text = extract(favor_recall=True) or text
    return "\n\n".join(line for line in text.splitlines() if line.strip())


def _clean(paragraphs: list[str], doc: Document) -> list[str]:
    """Drop page furniture lines and metadata lines around the text; an editor line moves to meta."""
    kept = []
    for paragraph in paragraphs:
        line = paragraph.strip()
        if line in rules.GENERIC_CHROME_LINES or rules.GENERIC_CHROME_PREFIX.match(line):
            continue
        if match := _EDITOR.match(line):
            doc.meta["editor"] = match.group(2)
            continue
        kept.append(line)
    while kept and (kept[0] == doc.title or _is_meta_line(kept[0])):
        kept.pop(0)
    while kept and _is_meta_line(kept[-1]):
        kept.pop()
    return kept


def _is_meta_line(line: str) -> bool:
    """"2025-03-18 来源：人民日报 作者：李明" and the like: metadata, not text."""
    return len(line) <= rules.META_LINE_MAX and bool(rules.GENERIC_META_LINE.search(line))
