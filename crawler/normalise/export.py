"""Markdown exports of WeChat pages (front matter + page text), like seeds/000_*.txt."""
from __future__ import annotations

import re

from crawler.normalise import repost, rules
from crawler.normalise.markdown import Block, blocks
from crawler.normalise.registry import Normaliser, PageKind, register
from crawler.normalise.times import from_text
from crawler.urls import canonical_url
from store.model import Document

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", re.M)
_READER_MODE = "在小说阅读器中沉浸阅读"
_META_LINE_MAX = 30


@register
class ExportNormaliser(Normaliser):
    """Markdown exports of WeChat articles: ``---`` front matter (title, url, source, date,
    fetch_date) then the page as markdown.

    The account's commentary becomes ``lead``, the reposted document ``body`` (from
    its own heading on); images, promo blocks, contact lines and WeChat chrome go.
    """

    kind = PageKind.EXPORT

    def detect(self, text: str, url: str | None) -> float:
        """Front matter with a ``title:`` field at the very start."""
        match = _FRONT.match(text[:4096])
        return 0.9 if match and re.search(r"^title\s*:", match.group(1), re.M) else 0.0

    def parse(self, text: str, *, url: str | None, headers: dict[str, str]) -> Document:
        """Front matter to fields; the markdown to account, lead, body, origin and images."""
        match = _FRONT.match(text)
        front = _front_matter(match.group(1)) if match else {}
        page = text[match.end():] if match else text
        doc = _from_front_matter(front, url)
        items = blocks(page)
        start = _content_start(items, doc)
        items = items[start:]
        items = [b for b in items if b.text and not repost.is_chrome(b.text) or b.images]
        texts = [b.text for b in items]
        end = repost.chrome_cut(texts)
        end = repost.promo_cut([t for t in texts[:end] if t])
        kept = _first_n_text_blocks(items, end)
        doc.images = list(dict.fromkeys(url for b in kept for url in b.images))
        parts = repost.split([b.text for b in kept if b.text], doc.title)
        doc.lead, doc.body, doc.origin = "\n\n".join(parts.lead), "\n\n".join(parts.body), parts.origin
        return doc


def _from_front_matter(front: dict[str, str], url: str | None) -> Document:
    """The Document's header fields from front matter (the seed's keys and common aliases)."""
    def pick(*keys: str) -> str | None:
        return next((front[k] for k in keys if front.get(k)), None)

    doc = Document(kind="export", title=pick("title") or "")
    doc.url = pick("url", "link", "original_url", "source_url") or url
    doc.canonical_url = canonical_url(doc.url)
    doc.source = pick("source", "feed")
    date = pick("date", "published", "publish_time", "create_time", "pubdate")
    doc.published_at = from_text(date) or date
    doc.fetched_at = pick("fetch_date", "fetched", "fetched_at")
    doc.account = pick("account", "nickname", "mp_name", "biz_name")
    doc.author = pick("author")
    return doc


def _front_matter(block: str) -> dict[str, str]:
    """``key: value`` lines (quotes around values removed)."""
    return {k.lower(): v.strip().strip("\"'") for k, v in _FIELD.findall(block)}


def _content_start(items: list[Block], doc: Document) -> int:
    """Skip the page header (title headings, cover, account/author lines); fill account/author.

    The header ends after WeChat's reader-mode line, or before the first block
    that reads like prose; up to eight short lines in between are header lines.
    """
    index = 0
    while index < len(items) and (not items[index].text or items[index].text == doc.title):
        index += 1
    meta_lines: list[str] = []
    for end in range(index, min(len(items), index + 8)):
        text = items[end].text
        if text == _READER_MODE:
            _header_fields(meta_lines, doc)
            return end + 1
        if text and (len(text) > _META_LINE_MAX or "。" in text):
            _header_fields(meta_lines, doc)
            return end
        if text and text != doc.title:
            meta_lines.append(text)
    return index


def _header_fields(lines: list[str], doc: Document) -> None:
    """WeChat's header line: [原创] [author] account [date]."""
    names: list[str] = []
    for line in lines:
        region = line.removeprefix("发表于")
        if line == "原创":
            doc.original = True
        elif region in rules.IP_REGIONS:
            doc.meta["ip_region"] = region
        elif from_text(line) and len(line) <= 20:
            doc.published_at = doc.published_at or from_text(line)
        else:
            names.append(line)
    if names:
        doc.account = doc.account or names[-1]
        doc.author = doc.author or (names[0] if len(names) > 1 else None)


def _first_n_text_blocks(items: list[Block], count: int) -> list[Block]:
    """Blocks up to (not including) the ``count``-th block that has text."""
    seen = 0
    for index, block in enumerate(items):
        if block.text:
            if seen == count:
                return items[:index]
            seen += 1
    return items
