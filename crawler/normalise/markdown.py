"""Markdown page text to plain paragraphs, remembering which images each paragraph held."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.normalise.htmltext import tidy

_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]*)[^)]*\)")
_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*[^)]*\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_BOLD = re.compile(r"\*\*|__")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


@dataclass
class Block:
    """One markdown paragraph: its plain text, image URLs, and whether it was a heading."""

    text: str
    images: list[str] = field(default_factory=list)
    heading: bool = False


def blocks(markdown: str) -> list[Block]:
    """Split markdown into paragraphs (blank-line separated); images become URLs, not text."""
    out = []
    text = _HTML_COMMENT.sub("", markdown.replace("\r\n", "\n"))
    for raw in re.split(r"\n[ \t\u3000]*\n", text):
        images = [url for _alt, url in _IMAGE.findall(raw) if url]
        lines = [_plain(line) for line in raw.split("\n")]
        text = tidy("\u2028".join(line for line in lines if line))
        out.append(Block(text=text, images=images, heading=bool(_HEADING.match(raw))))
    return [b for b in out if b.text or b.images]


def _plain(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _HEADING.sub("", line)
    line = _QUOTE.sub("", line)
    line = _HTML_TAG.sub("", line)
    return _BOLD.sub("", line).strip()
