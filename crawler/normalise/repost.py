"""Shared clean-up of repost texts (WeChat pages and their markdown exports).

A typical policy repost is: the account's own commentary (the *lead*), the
reposted document from its heading on (the *body*), an origin line
(文章参考来源：…), then the account's promo block and contact lines, then, in
exports, the WeChat page chrome. These helpers work on a list of paragraphs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.normalise import rules

_BOOK_TITLE = re.compile(r"《([^《》]{4,60})》")
_MARKS = re.compile(r"\*\*|__|^#+\s*")


@dataclass
class Parts:
    """A repost split into its parts."""

    lead: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    origin: str | None = None


def bare(paragraph: str) -> str:
    """A paragraph without markdown bold/heading marks and outer spaces (for matching)."""
    return _MARKS.sub("", paragraph.strip()).strip(" \u3000")


def chrome_cut(paragraphs: list[str]) -> int:
    """Index where WeChat page chrome starts (len(paragraphs) when there is none)."""
    for index, paragraph in enumerate(paragraphs):
        text = bare(paragraph)
        if any(text.startswith(marker) for marker in rules.WECHAT_TAIL_MARKERS):
            return index
    return len(paragraphs)


def promo_cut(paragraphs: list[str]) -> int:
    """Index where the account's promo footer starts (only searched in the second half)."""
    half = len(paragraphs) // 2
    for index in range(half, len(paragraphs)):
        if rules.PROMO_HEADING.match(bare(paragraphs[index])):
            return index
    end = len(paragraphs)
    while end > half and rules.CONTACT_LINE.match(bare(paragraphs[end - 1])):
        end -= 1
    return end


def is_chrome(paragraph: str) -> bool:
    """A paragraph that is only WeChat UI chrome or a short follow-the-account line."""
    text = bare(paragraph)
    if text in rules.WECHAT_CHROME_LINES:
        return True
    return len(text) <= rules.MAX_PROMO_LINE and bool(rules.WECHAT_PROMO_LINE.match(text))


def split(paragraphs: list[str], title: str) -> Parts:
    """Origin line out, then lead / body split at the reposted document's heading."""
    parts = Parts()
    kept = []
    for paragraph in paragraphs:
        match = rules.ORIGIN_LINE.match(bare(paragraph)) if parts.origin is None else None
        if match and len(paragraph) <= 80:
            parts.origin = match.group(1).strip()
        else:
            kept.append(paragraph)
    start = heading_index(kept, title)
    parts.lead, parts.body = kept[:start], kept[start:]
    return parts


def heading_index(paragraphs: list[str], title: str) -> int:
    """Index of the reposted document's own heading (its 《name》 in the title), else 0."""
    names = _BOOK_TITLE.findall(title)
    for index, paragraph in enumerate(paragraphs[1:], start=1):
        text = bare(paragraph).strip("《》")
        if "《" in text or "，" in text:
            continue
        if any(text == name or (text.endswith(name) and len(text) <= len(name) + 12) for name in names):
            return index
    return 0
