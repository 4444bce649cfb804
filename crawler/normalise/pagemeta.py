"""Page-level facts shared by the HTML normalisers: meta tags, title, times, source labels."""
from __future__ import annotations

import copy
import re
from urllib.parse import urljoin

import lxml.html

from crawler.normalise import rules
from crawler.normalise.htmltext import element_text
from crawler.normalise.times import from_text

_LABELS = ("发文机关", "标题", "发文字号", "成文日期", "发布日期", "发布机构", "分类", "主题分类", "索引号", "有效性",
           "实施日期", "废止日期")
_LABEL = re.compile(r"(" + "|".join(r"\s*".join(label) for label in _LABELS) + r")\s*[：:]")
_CLOSERS = re.compile(r"</(?:html|body)\s*>", re.I)
ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".ofd", ".zip", ".rar", ".et", ".txt")


def parse_page(text: str) -> lxml.html.HtmlElement:
    """Parse a whole (small) page; an XML declaration or junk never raises.

    Stray ``</html>``/``</body>`` tags are removed first: gov.cn pages close
    ``</html>`` after their shared header, and libxml2 drops everything after it.
    """
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    text = _CLOSERS.sub("", text)
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def metas(root: lxml.html.HtmlElement) -> dict[str, str]:
    """name/property → content of every <meta> (first one wins)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop")
        if key and meta.get("content") and key not in found:
            found[key] = meta.get("content").strip()
    return found


def node_text(root: lxml.html.HtmlElement, xpath: str) -> str:
    """Text of the first node matching ``xpath`` on one line, or ''.

    Line breaks inside a heading (``<br>``, source wrapping) join without a space,
    so "调整2007<br>　年末" reads "调整2007年末".
    """
    nodes = root.xpath(xpath)
    if not nodes:
        return ""
    if nodes[0].tag == "title":
        return " ".join(nodes[0].text_content().split())
    return "".join(element_text(nodes[0]).split("\n"))


def title_without_site(title: str) -> str:
    """``标题_栏目_网站`` → ``标题``: cut at the first separator that leaves a real title."""
    title = " ".join(title.split())
    for separator in rules.TITLE_SEPARATORS:
        head = title.split(separator)[0].strip()
        if separator in title and len(head) >= 6:
            return head
    return title


def published(found: dict[str, str], visible: str) -> str | None:
    """Publish time from meta tags, else from a visible 发布时间 label."""
    lowered = {k.lower(): v for k, v in found.items()}
    for name in rules.PUBLISHED_META:
        if moment := from_text(lowered.get(name.lower())):
            return moment
    match = rules.PUBLISHED_LABEL.search(visible)
    return from_text(match.group(1)) if match else None


def image_urls(container: lxml.html.HtmlElement, base: str | None = None) -> list[str]:
    """Image URLs in order (lazy-load ``data-src`` before ``src``), absolute, de-duplicated."""
    urls = ((img.get("data-src") or img.get("src") or "").strip() for img in container.iter("img"))
    return list(dict.fromkeys(urljoin(base, u) if base else u for u in urls if u and not u.startswith("data:")))


def attachments(container: lxml.html.HtmlElement, base: str | None) -> list[dict[str, str]]:
    """PDF viewers (``iframe[fileurl]``) and links to office/PDF files, absolute and de-duplicated."""
    found: dict[str, dict[str, str]] = {}
    for frame in container.xpath(".//iframe[@fileurl] | .//embed[@fileurl]"):
        _add(found, frame.get("fileurl"), "", base)
    for link in container.iter("a"):
        href = (link.get("href") or "").strip()
        if href.lower().split("?")[0].endswith(ATTACHMENT_EXTS):
            _add(found, href, " ".join(link.text_content().split()), base)
    for entry in found.values():
        entry["title"] = entry["title"] or entry["url"].rsplit("/", 1)[-1]
    return list(found.values())


def _add(found: dict[str, dict[str, str]], href: str | None, title: str, base: str | None) -> None:
    if not href:
        return
    url = urljoin(base, href) if base else href
    kind = url.lower().split("?")[0].rsplit(".", 1)[-1]
    entry = found.setdefault(url, {"title": "", "url": url, "type": kind})
    if title and not entry["title"]:
        entry["title"] = title


def without_attachment_lines(body: str, files: list[dict[str, str]]) -> str:
    """Drop paragraphs that only repeat an attachment's link text (附件：xxx.pdf)."""
    titles = {f["title"] for f in files}
    kept = [p for p in body.split("\n\n") if re.sub(r"^附件\s*\d*\s*[：:]?\s*", "", p).strip() not in titles]
    return "\n\n".join(kept)


def file_metadata(root: lxml.html.HtmlElement, body_id: str | None = None,
                  body: lxml.html.HtmlElement | None = None) -> dict[str, str]:
    """A policy page's file-metadata block (发文机关, 发文字号, 成文日期 …) as label → value.

    MIIT's 文件发布 block and gov.cn's 国务院文件 table share the labels, which may
    contain spaces (标  题, 分  类). The body (by id, or the given element) is left
    out so that a notice quoting "发文字号：" is never read as the page's metadata.
    """
    page = root.find("body")
    if page is None:
        return {}
    marker = "data-pw-body"
    if body is not None:
        body.set(marker, "1")
    page = copy.deepcopy(page)
    if body is not None:
        del body.attrib[marker]
    for node in page.xpath(f'.//*[@id="{body_id}"] | .//*[@{marker}]'):
        node.drop_tree()
    return _label_values(element_text(page))


def _label_values(text: str) -> dict[str, str]:
    """Split "发文机关：A 发文字号：B" into {"发文机关": "A", "发文字号": "B"}."""
    pairs: dict[str, str] = {}
    matches = list(_LABEL.finditer(text))
    for match, following in zip(matches, matches[1:] + [None], strict=False):
        end = following.start() if following else len(text)
        value = text[match.end():end].split("\n")[0].strip()
        label = re.sub(r"\s+", "", match.group(1))
        if value and label not in pairs:
            pairs[label] = value
    return pairs
