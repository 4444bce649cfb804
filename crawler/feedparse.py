"""RSS 2.0 / Atom feeds → :class:`FeedItem` records, with the real-world quirks of WeChat feeds.

feedparser does the XML; this module repairs what the feeds get wrong
(see docs/crawler.md and the shared notes on WeChat feeds):

* title-only items (``content:encoded`` repeating the title) carry no content;
* summaries with literal JavaScript escapes (``\\x26``, ``\\x0a``, ``\\u4e2d``);
* ``pubDate`` without a zone (``2026-04-23T13:46:36``) is Beijing time, not UTC;
* links with ``#rd`` fragments and ``chksm``/``scene`` tracking parameters;
* content that was CDATA-escaped twice (``&lt;![CDATA[…]]&gt;``).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from crawler.errors import CrawlerError
from crawler.freshness import SHANGHAI, parse_time
from crawler.urls import canonical_url

_JS_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\([\"'/\\])")
_TAG = re.compile(r"<[^>]+>")
_FEED_SUFFIX = re.compile(r"\s*[|｜-]\s*(wechat-feeds|WeWe-RSS|RSSHub)\s*$", re.I)


class FeedError(CrawlerError, ValueError):
    """The document is not an RSS/Atom feed."""


@dataclass(frozen=True)
class FeedItem:
    """One feed entry, cleaned: ``url`` canonical, ``published`` ISO with offset, text unescaped."""

    url: str
    title: str
    summary: str
    content_html: str
    account: str
    published: str | None

    @property
    def has_content(self) -> bool:
        """Whether the feed gives more than the title (a provisional document is worth keeping)."""
        return bool(self.summary or self.content_html)

    def to_meta(self) -> dict[str, Any]:
        """The item as Page.meta (what the ingest path needs for a provisional document)."""
        return {"feed_title": self.title, "feed_summary": self.summary, "feed_content": self.content_html,
                "feed_account": self.account, "feed_published": self.published}


def parse_feed(data: bytes | str, *, base_url: str) -> tuple[str, list[FeedItem]]:
    """The feed's title and its items (newest first as the feed lists them); FeedError if not a feed."""
    parsed = feedparser.parse(data)
    channel = parsed.get("feed", {})
    if not parsed.get("entries") and not channel.get("title") and parsed.get("bozo"):
        raise FeedError(f"not an RSS/Atom feed: {parsed.get('bozo_exception')}")
    feed_title = _FEED_SUFFIX.sub("", unescape_text(channel.get("title", "")))
    items = [item for entry in parsed.get("entries", []) if (item := _item(entry, feed_title, base_url))]
    return feed_title, items


def _item(entry: Any, feed_title: str, base_url: str) -> FeedItem | None:
    link = entry.get("link") or entry.get("id") or ""
    url = canonical_url(link, base_url) if re.match(r"^(https?:)?//|^/", link.strip()) else None
    if url is None:
        return None
    title = unescape_text(entry.get("title", ""))
    summary = html_to_text(unescape_text(entry.get("summary", "")))
    content = _content(entry)
    if html_to_text(content) == title:
        content = ""
    if summary == title:
        summary = ""
    account = unescape_text(entry.get("author", "")) or feed_title
    return FeedItem(url, title, summary, content, account,
                    feed_time(entry.get("published") or entry.get("updated")))


def _content(entry: Any) -> str:
    contents = entry.get("content") or []
    value = contents[0].get("value", "") if contents else ""
    value = value.strip()
    if value.startswith("<![CDATA[") and value.endswith("]]>"):
        value = value[len("<![CDATA["):-len("]]>")]
    return value.strip()


def unescape_text(text: str) -> str:
    """Undo literal JavaScript escapes (``\\x26`` → ``&``, ``\\x0a`` → newline) then HTML entities."""
    def replace(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else match.group(3)

    return html.unescape(_JS_ESCAPE.sub(replace, text or "")).strip()


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (summaries are short)."""
    text = re.sub(r"(?i)<br\s*/?>|</p>", "\n", fragment or "")
    text = html.unescape(_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def feed_time(raw: str | None) -> str | None:
    """A feed date (RFC 822 or ISO, with or without zone) as ISO 8601; zone-less means Asia/Shanghai."""
    if not raw or not raw.strip():
        return None
    moment: datetime | None
    try:
        moment = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        moment = parse_time(raw.strip())
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.isoformat()
