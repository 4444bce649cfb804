"""WeChat official-account articles (mp.weixin.qq.com), every template age since 2018."""
from __future__ import annotations

import html
import re

from crawler.normalise import pagemeta, repost, rules
from crawler.normalise.htmlslice import element_span
from crawler.normalise.htmltext import drop, element_text, parse_fragment, plain_paragraphs
from crawler.normalise.jsvars import cgi_data_block, list_values, object_fields, script_vars
from crawler.normalise.registry import Normaliser, PageKind, register
from crawler.normalise.times import from_epoch, from_text
from crawler.normalise.urls import is_wechat
from crawler.normalise.wechat_status import page_status, status_document
from crawler.urls import canonical_url
from store.model import Document

_VARS = ("msg_title", "nickname", "ct", "create_time", "publish_time", "author", "msg_link",
         "msg_source_url", "copyright_stat", "item_show_type", "msg_cdn_url", "msg_desc")
_CGI = ("title", "nick_name", "author", "create_time", "ori_create_time", "link", "source_url",
        "item_show_type", "cdn_url", "copyright_stat")
_SHARE_TYPES = ("8", "10")
_BODY_MARKERS = ('id="js_content"', "id='js_content'")
_VAR_WINDOW = 20_000
#: Substrings only WeChat's own article pages carry (script variables of its template),
#: cheapest first: on 3 MB pages item_show_type comes within the first ~800 KB, while a
#: miss scans the whole page. Class names such as ``rich_media_content`` are not among
#: them: sites that paste a WeChat article keep its markup.
_ARTICLE_MARKERS = ("item_show_type", "var msg_title", "window.cgiDataNew")
#: WeChat's static host: every WeChat page loads from it, but so do pages of other sites
#: that embed WeChat's share script (``res.wx.qq.com/open/js/jweixin``).
_WECHAT_STATIC = "res.wx.qq.com"
_HEADER_WINDOW = 40_000
_META_AUTHOR = re.compile(r'<meta\s+name="author"\s+content="([^"]*)"', re.I)
_OG = re.compile(r'<meta\s+property="og:(title|url)"\s+content="([^"]*)"', re.I)


@register
class WeChatNormaliser(Normaliser):
    """WeChat articles (mp.weixin.qq.com): raw or browser-saved, text and image shares.

    Title, account, author, publish time (+08:00, from ct/create_time), canonical
    URL, 阅读原文 link, repost source (以下文章来源于…), 原创 flag, images and the
    body without WeChat chrome. Deleted, blocked and unavailable pages give a
    status and no body.
    """

    kind = PageKind.WECHAT

    def detect(self, text: str, url: str | None) -> float:
        """Article markers in the page, or an mp.weixin.qq.com URL."""
        if _is_article(text):
            return 0.95
        if is_wechat(url):
            return 0.7
        if len(text) < 200_000 and page_status(text, known_wechat=False):
            return 0.6
        head = text[:50_000]
        return 0.3 if _WECHAT_STATIC in head and "/open/js/jweixin" not in head else 0.0

    def parse(self, text: str, *, url: str | None, headers: dict[str, str]) -> Document:
        """Read the script variables, the header block and ``#js_content``."""
        status = None if _is_article(text) else page_status(text)
        if status:
            return status_document(text, status, url)
        found = script_vars(_var_block(text), _VARS)
        cgi = {} if _complete(found) else object_fields(cgi_data_block(text), _CGI)
        header = _header(text)
        doc = Document(kind="wechat", url=url)
        doc.title = _first(found.get("msg_title"), _og(text, "title"), header.get("title"), cgi.get("title"))
        doc.account = _first(found.get("nickname"), header.get("account"), cgi.get("nick_name")) or None
        doc.author = _first(found.get("author"), _meta_author(text), header.get("author"), cgi.get("author")) or None
        doc.published_at = _published(found, cgi, header)
        doc.canonical_url = canonical_url(_first(found.get("msg_link"), _og(text, "url"), cgi.get("link"), url))
        doc.origin_url = _first(found.get("msg_source_url"), cgi.get("source_url")) or None
        doc.repost_from, note = _repost(header)
        doc.original = _original(found, cgi, header)
        doc.meta = {k: v for k, v in {"repost_note": note, "item_show_type": _show_type(found, cgi, text),
                                      "cover": _first(found.get("msg_cdn_url"), cgi.get("cdn_url"))}.items() if v}
        paragraphs, doc.images = _content(text, cgi, doc.meta.get("item_show_type", ""))
        if not paragraphs and found.get("msg_desc", "").strip():
            paragraphs = [found["msg_desc"].strip()]
            doc.meta["body_from"] = "description"
        if not paragraphs and (status := page_status(text)):
            return status_document(text, status, url)
        parts = repost.split(paragraphs, doc.title)
        doc.lead, doc.body, doc.origin = "\n\n".join(parts.lead), "\n\n".join(parts.body), parts.origin
        return doc


def _var_block(page: str) -> str:
    """The stretch of inline script that declares the article variables (all within a few KB).

    Searching a 3 MB page once for an anchor and then only this window keeps
    the variable look-ups cheap. Share pages have no such block ('' then).
    """
    anchor = page.find("var nickname")
    if anchor < 0:
        anchor = page.find("var msg_title")
    return "" if anchor < 0 else page[max(0, anchor - _VAR_WINDOW):anchor + _VAR_WINDOW]


def _is_article(page: str) -> bool:
    """An article or share page (as opposed to an error page)."""
    return any(marker in page for marker in _ARTICLE_MARKERS)


def _complete(found: dict[str, str]) -> bool:
    """The script variables already give title, account and time (cgiDataNew not needed)."""
    return all(found.get(name) for name in ("msg_title", "nickname", "ct"))


def _body_marker_at(page: str) -> int:
    """Offset of ``id="js_content"`` (either quote style), or -1."""
    return next((at for marker in _BODY_MARKERS if (at := page.find(marker)) >= 0), -1)


def _first(*values: str | None) -> str:
    """The first non-blank value, stripped."""
    return next((v.strip() for v in values if v and v.strip()), "")


def _og(page: str, name: str) -> str:
    """og:title / og:url from the head; titles unescaped, URLs left to ``canonical_url``."""
    head = page[:_HEADER_WINDOW * 4]
    value = next((m.group(2) for m in _OG.finditer(head) if m.group(1) == name and m.group(2).strip()), "")
    return html.unescape(value) if name == "title" else value


def _meta_author(page: str) -> str:
    match = _META_AUTHOR.search(page[:_HEADER_WINDOW * 4])
    return match.group(1) if match else ""


def _header(page: str) -> dict[str, str]:
    """Title, account, author, date and repost card from the block above the body."""
    body_at = _body_marker_at(page)
    start = page.find('id="img-content"')
    if start < 0:
        start = page.find('id="js_text_title"')
    if start < 0:
        return {}
    end = body_at if body_at > start else start + _HEADER_WINDOW
    root = parse_fragment(page[page.rfind("<", 0, start):end])

    def text_of(xpath: str) -> str:
        nodes = root.xpath(xpath)
        return " ".join(nodes[0].text_content().split()) if nodes else ""

    return {
        "title": text_of('//*[@id="activity-name" or @id="js_text_title"]'),
        "account": text_of('//*[@id="js_name" or @id="post-user"]'),
        "author": text_of('//*[@id="js_author_name"]') or text_of(
            '//*[@id="meta_content"]//em[contains(@class,"rich_media_meta_text") and not(@id)]'),
        "date": text_of('//*[@id="post-date" or @id="publish_time"]'),
        "repost": text_of('//*[contains(@class,"original_primary_card_tips")]'),
        "copyright": text_of('//*[@id="copyright_logo"]'),
    }


def _published(found: dict[str, str], cgi: dict[str, str], header: dict[str, str]) -> str | None:
    """ct / create_time epoch first; dates written on the page only if they are full dates."""
    for value in (found.get("ct"), found.get("create_time"), cgi.get("ori_create_time")):
        if moment := from_epoch(value):
            return moment
    for value in (cgi.get("create_time"), found.get("publish_time"), header.get("date")):
        if moment := from_text(value):
            return moment
    return None


def _original(found: dict[str, str], cgi: dict[str, str], header: dict[str, str]) -> bool:
    """copyright_stat 1 means 原创 (2 = repost, 0 = none); the 原创 badge only when it is missing."""
    stat = found.get("copyright_stat") or cgi.get("copyright_stat")
    return stat == "1" if stat else header.get("copyright") == "原创"


def _repost(header: dict[str, str]) -> tuple[str | None, str | None]:
    """('新周刊', '以下文章来源于新周刊，作者何驰') from the repost card."""
    note = header.get("repost", "").replace(" ", "")
    match = re.search(r"以下文章来源于([^，,]+)", note)
    return (match.group(1).strip(), note) if match else (None, None)


def _show_type(found: dict[str, str], cgi: dict[str, str], page: str) -> str:
    known = _first(cgi.get("item_show_type"), found.get("item_show_type"))
    if known:
        return known
    match = re.search(r"window\.item_show_type\s*=\s*'(\d+)'", page)
    return match.group(1) if match else ""


def _content(page: str, cgi: dict[str, str], show_type: str) -> tuple[list[str], list[str]]:
    """Paragraphs and image URLs: ``#js_content`` for articles, cgiDataNew for shares.

    Text shares (item_show_type 10) and image shares (8) keep their text in
    ``content_noencode``; for ordinary articles that field repeats the body HTML.
    """
    at = _body_marker_at(page)
    span = element_span(page, page[at:at + len(_BODY_MARKERS[0])]) if at >= 0 else None
    if show_type in _SHARE_TYPES or span is None:
        block = cgi_data_block(page)
        shared = object_fields(block, ("content_noencode",)).get("content_noencode", "")
        images = list_values(block, "picture_page_info_list", "cdn_url")
        if shared.lstrip().startswith("<"):
            return _html_content(shared)[0], list(dict.fromkeys(images))
        return _clean(plain_paragraphs(shared)), list(dict.fromkeys(images))
    return _html_content(page[span[0]:span[1]])


def _html_content(fragment: str) -> tuple[list[str], list[str]]:
    """Paragraphs and images of the article HTML, without embedded cards, scripts and hidden parts."""
    root = parse_fragment(fragment)
    drop(root, rules.WECHAT_BODY_DROP)
    return _clean(plain_paragraphs(element_text(root))), pagemeta.image_urls(root)


def _clean(paragraphs: list[str]) -> list[str]:
    """Drop chrome lines, then cut the chrome tail and the promo footer."""
    paragraphs = [p.strip() for p in paragraphs if p.strip() and not repost.is_chrome(p)]
    paragraphs = paragraphs[:repost.chrome_cut(paragraphs)]
    return paragraphs[:repost.promo_cut(paragraphs)]
