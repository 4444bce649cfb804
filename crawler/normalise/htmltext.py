"""Element to clean text: paragraphs from block elements, inline fragments joined.

WeChat and government pages split one sentence across many ``<span>``s and wrap
paragraphs in nested ``<section>``s; source indentation between two Chinese
characters is not a space. Paragraphs are separated by one blank line; ``<br>``
gives a line break inside a paragraph; ``<pre>`` keeps its lines.
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "pre",
    "figure", "figcaption", "hr", "address", "center", "form", "fieldset", "details", "summary",
})
CELL_TAGS = frozenset({"td", "th"})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed",
                       "svg", "button", "select", "textarea", "input", "head", "title", "meta", "link"})

_PARA = "\u2029"
_LINE = "\u2028"
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u200b\ufeff]+")
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """Parse a piece of HTML into one element (a <div> wrapper if needed)."""
    if not html.strip():
        return lxml.html.fromstring("<div></div>")
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return lxml.html.fromstring("<div></div>")


def drop(root: lxml.html.HtmlElement, tags: tuple[str, ...] | frozenset[str] = (), *,
         hidden: bool = True) -> None:
    """Remove these tags (and inline ``display:none`` elements), keeping their tails."""
    doomed = [el for el in root.iter(*tags)] if tags else []
    if hidden:
        doomed += [el for el in root.xpath(".//*[contains(@style, 'none')]") if _HIDDEN.search(el.get("style"))]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def element_text(root: lxml.html.HtmlElement) -> str:
    """The clean text of ``root`` (its tail excluded), paragraphs separated by blank lines."""
    parts: list[str] = []
    pre_depth = skip_depth = 0
    for event, node in etree.iterwalk(root, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in SKIP_TAGS:
                skip_depth += 1
            elif not skip_depth:
                pre_depth += tag == "pre"
                parts.append(_opening(tag))
                if node.text:
                    parts.append(_protect(node.text, pre_depth))
            continue
        if tag in SKIP_TAGS:
            skip_depth -= 1
        elif not skip_depth:
            pre_depth -= tag == "pre"
            parts.append(_closing(tag))
        if not skip_depth and node is not root and node.tail:
            parts.append(_protect(node.tail, pre_depth))
    return tidy("".join(parts))


def _opening(tag: str) -> str:
    if tag in BLOCK_TAGS:
        return _PARA
    return " " if tag in CELL_TAGS else ""


def _closing(tag: str) -> str:
    if tag in BLOCK_TAGS:
        return _PARA
    if tag == "br":
        return _LINE
    return " " if tag in CELL_TAGS or tag == "img" else ""


def _protect(text: str, pre_depth: int) -> str:
    """Keep <pre> line breaks as explicit line marks before whitespace is collapsed."""
    text = text.replace(_PARA, " ").replace(_LINE, " ")
    return text.replace("\n", _LINE) if pre_depth > 0 else text


def tidy(text: str) -> str:
    """Collapse whitespace, drop spaces between Chinese characters, blank-line paragraphs."""
    paragraphs = []
    for block in text.split(_PARA):
        lines = [_clean_line(line) for line in block.split(_LINE)]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _clean_line(line: str) -> str:
    line = _WS.sub(" ", line).strip(" \u3000")
    return _SPACE_BETWEEN_CJK.sub("", line)


def plain_paragraphs(text: str) -> list[str]:
    """Split clean text into its paragraphs."""
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]
