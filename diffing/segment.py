"""Outline and clauses of Chinese policy text.

The numbering hierarchy (第X章 → 一、 → （一） → 1. → （1） → ①, also 第X条) is read
from the labels at the start of paragraphs, tolerating half-width ``(一)``, ``1、``,
full-width digits, bold marks and run-in headings ("（一）总体要求。正文……"). Levels
come from the order in which label styles nest in this document, so a text that starts
at （一） still gets level 1. Paragraphs are cut into clauses after 。；！？ so that the
differ can align sentence-sized units; every clause keeps its exact span of the source.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from diffing.memo import memoised
from diffing.model import Clause, Heading
from diffing.textnorm import fold

_CN = "〇零一二三四五六七八九十百两"

#: What follows 第X条 when it is a reference, not an article's label: 规定, 的规定, 所列,
#: 、第六条, 第二款, 之一, 和第七条. (An article's own text may start with any character.)
_REFERENCE_TAIL = rf"规定|的规定|所列|[、，,]|第[{_CN}]+[款项]|之[{_CN}]|[和及或至]第"

#: Label styles in their conventional nesting order (outermost first).
_STYLES: tuple[tuple[str, str], ...] = (
    ("chapter", rf"第[{_CN}\d]+[编章]"),
    ("section", rf"第[{_CN}\d]+节"),
    ("cn", rf"[{_CN}]+(?:、|[.．](?!\d))"),
    # Not a reference a wrapped line happens to start with: 第三十二条规定，… / 第五条、第六条
    ("article", rf"第[{_CN}\d]+条(?!{_REFERENCE_TAIL})"),
    ("cn_paren", rf"[（(][{_CN}]+[）)]"),
    ("num", r"\d{1,3}(?:、|[.．](?![\d.．]))"),
    ("num_paren", r"[（(]\d{1,3}[）)]|\d{1,3}[）)]"),
    ("circled", r"[\u2460-\u2473]"),
)
_RANK = {name: rank for rank, (name, _) in enumerate(_STYLES)}
_LABEL = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _STYLES))
#: Labels that may follow a heading merged into the same paragraph ("二、行动（一）……").
_SUBLABEL = re.compile(rf"[（(][{_CN}]+[）)]|[（(]\d{{1,3}}[）)]")

_MARKUP = re.compile(r"[\s#>*_]*")
#: Sentence ends: full-width 。；！？ always; half-width ;!? only before Chinese, a space or
#: the end (so "![image](…)" and "a?b=1" in URLs stay whole).
_SENTENCE_END = re.compile(r"(?:[。；！？]|[;!?](?=[\s\u3000-\u9fff\uff00-\uffef*_]|$))+[”’\"'」』）)\]】》*_]*")
_RUN_IN_END = re.compile(r"[。．：:]")
_ENDS = "。；！？;!?：:"
_CLOSERS = "”’\"'」』）)]】》*_ \t\u3000"
_INVISIBLE = re.compile(r"[\s*_]+")
_TRAILING_PUNCT = re.compile(r"[。；;！!？?，,、：:.．\s]+$")
_TITLE_MAX = 40
_HEADING_LINE_MAX = 60
_WRAP_MIN = 16


@dataclass(frozen=True)
class Parsed:
    """A text cut into clauses, with its outline."""

    text: str
    clauses: list[Clause]
    outline: list[Heading]


@dataclass(frozen=True)
class _Label:
    style: str
    label: str
    start: int
    end: int


def canonical_label(style: str, raw: str) -> str:
    """The label as the outline shows it: （一）, 一、, 1., （1）, 第三条."""
    core = unicodedata.normalize("NFKC", raw).strip("()（）、.． ")
    if style == "cn":
        return f"{core}、"
    if style in ("cn_paren", "num_paren"):
        return f"（{core}）"
    if style == "num":
        return f"{core}."
    return unicodedata.normalize("NFKC", raw)


def _skip_markup(text: str, pos: int, end: int) -> int:
    """The index after the spaces and bold/quote marks at ``text[pos:end]`` (the pattern always matches)."""
    found = _MARKUP.match(text, pos, end)
    return found.end() if found else pos


def find_label(text: str, pos: int = 0, end: int | None = None) -> _Label | None:
    """The numbering label at the start of ``text[pos:end]`` (after spaces and bold marks)."""
    start = _skip_markup(text, pos, end if end is not None else len(text))
    match = _LABEL.match(text, start, end if end is not None else len(text))
    if not match:
        return None
    style = match.lastgroup or ""
    return _Label(style, canonical_label(style, match.group()), match.start(), match.end())


class _Outline:
    """The label stack while reading a document top to bottom."""

    def __init__(self) -> None:
        self.stack: tuple[tuple[str, str], ...] = ()
        self.headings: list[Heading] = []
        self.path = ""

    def enter(self, label: _Label, title: str) -> str:
        """Place a heading in the hierarchy and return its path."""
        self.stack, self.path = _nest(self.stack, label.style, label.label)
        self.headings.append(_heading(len(self.stack), label.label, title, self.path))
        return self.path


@memoised(maxsize=4096)
def _nest(stack: tuple[tuple[str, str], ...], style: str, label: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """The label stack and path after entering ``label`` (memoised: outlines repeat)."""
    styles = [name for name, _ in stack]
    if style in styles:
        kept = list(stack[:styles.index(style)])
    else:
        kept = list(stack)
        while kept and _RANK[kept[-1][0]] > _RANK[style]:
            kept.pop()
    kept.append((style, label))
    return tuple(kept), "".join(text for _, text in kept)


@memoised(maxsize=4096)
def _heading(level: int, label: str, title: str, path: str) -> Heading:
    return Heading(level, label, title, path)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs; a hard-wrapped paragraph's lines are joined into one block."""
    blocks: list[tuple[int, int]] = []
    pos, joinable = 0, False
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        start, end = pos, pos + len(body)
        pos += len(line)
        if not body.strip():
            joinable = False
            continue
        if joinable and blocks and not _starts_with_label(body):
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((start, end))
        joinable = _continues(text[blocks[-1][0]:end])
    return blocks


@memoised(maxsize=16384)
def _starts_with_label(line: str) -> bool:
    return find_label(line) is not None


@memoised(maxsize=16384)
def _continues(block: str) -> bool:
    """Whether a block looks hard-wrapped: long and not ending a sentence or a heading."""
    stripped = block.rstrip().rstrip(_CLOSERS)
    if not stripped or stripped[-1] in _ENDS or _visible_len(stripped) < _WRAP_MIN:
        return False
    label = find_label(stripped)
    return not (label and _visible_len(stripped[label.end:]) <= _TITLE_MAX and not _has_end(stripped))


def _visible_len(text: str) -> int:
    """Length without spaces and bold marks (a cheap stand-in for ``len(fold(text))``)."""
    return len(_INVISIBLE.sub("", text))


def _has_end(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _title(text: str) -> str:
    """Display title: the original characters without bold marks, outer spaces, end mark."""
    return _TRAILING_PUNCT.sub("", re.sub(r"\*{2,}|_{2,}", "", text)).strip()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@memoised(maxsize=16384)
def _key(text: str, heading: bool) -> str:
    """Folded key of a clause body; memoised, as reposts repeat the plan's clauses verbatim."""
    key = fold(text)
    return _TRAILING_PUNCT.sub("", key) if heading else key.rstrip("。；;！!？?，,、")


class _BlockReader:
    """Cuts one paragraph into clauses and heading events, with offsets in the paragraph.

    The result is a replayable list of operations, so that a paragraph seen before (a
    repost carries the plan's paragraphs verbatim) is not read twice.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.ops: list[tuple] = []

    def add(self, start: int, end: int, *, label_end: int | None = None, heading: bool = False) -> None:
        """Record the clause ``text[start:end]`` (trimmed), keyed without its label."""
        start, end = _trim(self.text, start, end)
        if start < end:
            body = self.text[label_end if label_end is not None else start:end]
            self.ops.append(("clause", start, end, _key(body, heading), heading))

    def sentences(self, start: int, end: int, label_end: int | None = None) -> None:
        """Add the clauses of ``text[start:end]``, cut after 。；！？."""
        pos = start
        for match in _SENTENCE_END.finditer(self.text, start, end):
            self.add(pos, match.end(), label_end=label_end if pos == start else None)
            pos = match.end()
        if pos < end:
            self.add(pos, end, label_end=label_end if pos == start else None)

    def block(self, start: int, end: int) -> None:
        """Read a paragraph: an optional label and heading, then sentences."""
        label = find_label(self.text, start, end)
        if label is None:
            self.sentences(start, end)
            return
        rest_start = _skip_markup(self.text, label.end, end)
        rest = self.text[rest_start:end]
        split = None if label.style == "article" else _heading_split(rest)
        if split is None:
            self.ops.append(("enter", label, ""))
            self.sentences(start, end, label_end=label.end)
            return
        cut, resume = split
        self.ops.append(("enter", label, _title(rest[:cut])))
        self.add(start, rest_start + resume, label_end=label.end, heading=True)
        if rest_start + resume < end:
            self.block(rest_start + resume, end)


def _heading_split(rest: str) -> tuple[int, int] | None:
    """Where a heading's title ends in ``rest`` (title end, where the body resumes)."""
    sub = _SUBLABEL.search(rest, 1, _TITLE_MAX + 1)
    if sub and not _has_end(rest[:sub.start()]):
        return sub.start(), sub.start()
    if not _has_end(rest) and _visible_len(rest) <= _HEADING_LINE_MAX:
        return len(rest), len(rest)
    end = _RUN_IN_END.search(rest, 1, _TITLE_MAX + 2)
    if end and not re.search(r"[，,；;]", rest[:end.start()]):
        close = _SENTENCE_END.match(rest, end.start())
        return end.start(), close.end() if close else end.end()
    return None


@memoised(maxsize=8192)
def _block_ops(block: str) -> tuple[tuple, ...]:
    reader = _BlockReader(block)
    reader.block(0, len(block))
    return tuple(reader.ops)


@memoised(maxsize=64)
def parse(text: str) -> Parsed:
    """Cut ``text`` into clauses (with exact spans and folded keys) and read its outline.

    Memoised: a tracked plan is parsed once however many documents are compared with it.
    The result is shared, so callers must not modify its lists.
    """
    outline = _Outline()
    found: list[Clause] = []
    new = tuple.__new__  # builds the named tuple in C: a document has a clause per sentence
    for start, end in _blocks(text):
        for op in _block_ops(text[start:end]):
            if op[0] == "enter":
                outline.enter(op[1], op[2])
                continue
            _, first, last, key, heading = op
            found.append(new(Clause, (len(found), text[start + first:start + last], start + first, start + last,
                                      key, outline.path, heading)))
    return Parsed(text, found, outline.headings)


def clauses(text: str) -> list[Clause]:
    """The clauses of ``text`` in reading order."""
    return parse(text).clauses


def outline(text: str) -> list[Heading]:
    """The headings of ``text`` in reading order."""
    return parse(text).outline


def outline_dicts(text: str) -> list[dict]:
    """The outline as ``Document.outline`` stores it: level, label, title, path."""
    return [heading.to_dict() for heading in outline(text)]
