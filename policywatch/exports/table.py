"""The 修改前后对照表 as data: a title block and one row per changed, added, removed or moved clause.

Each row has the three columns analysts expect — 原文 (the old text), 修改后 (the new
text), 说明 (what changed: kind, section, changed figures) — and keeps the edit
marks as segments, so a writer can strike deletions through and set insertions in
bold and underline inside the cell text. Built from a :class:`diffing.model.Comparison`;
imports nothing that writes files.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diffing.model import Change, Comparison, FigureChange, Relation
from store.model import Document

#: Column headings, in order.
HEADERS = ("原文", "修改后", "说明")
KIND_LABELS = {"changed": "修改", "added": "新增", "removed": "删除", "moved": "移动"}
RELATION_LABELS: dict[str, str] = {
    Relation.IDENTICAL: "完全相同", Relation.REPOST: "全文转载", Relation.ALTERED_REPOST: "改动转载", Relation.REVISION: "修订",
    Relation.EXCERPT: "节选", Relation.INTERPRETATION: "解读", Relation.UNRELATED: "无关",
}
#: The fonts named in the files: SimSun (宋体) where Word has it, Noto CJK elsewhere.
CJK_FONT = "SimSun"
CJK_FALLBACKS = ("Noto Serif CJK SC", "Noto Sans CJK SC")
TITLE = "修改前后对照表"

EQUAL, DELETE, INSERT = "equal", "delete", "insert"


@dataclass(frozen=True)
class Segment:
    """A piece of cell text: ``equal``, ``delete`` (struck through) or ``insert`` (bold, underlined)."""

    op: str
    text: str


@dataclass(frozen=True)
class TableRow:
    """One row of the 对照表."""

    kind: str
    section: str
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]
    note: str

    def plain(self, side: str) -> str:
        """The cell text of ``old`` or ``new`` without marks."""
        return "".join(segment.text for segment in getattr(self, side))


@dataclass(frozen=True)
class Side:
    """One of the two documents: title, issuing body or account, date."""

    title: str
    issuer: str | None = None
    date: str | None = None

    def line(self) -> str:
        """``title（issuer，date）`` for the title block."""
        extra = "，".join(part for part in (self.issuer, self.date) if part)
        return f"{self.title}（{extra}）" if extra else self.title


@dataclass(frozen=True)
class ComparisonTable:
    """A whole 对照表: title block facts and rows."""

    old: Side
    new: Side
    relation: str
    similarity: float
    coverage: float
    rows: tuple[TableRow, ...]

    def title_lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs of the title block."""
        return [
            ("原文", self.old.line()),
            ("修改后", self.new.line()),
            ("关系", f"{RELATION_LABELS.get(self.relation, self.relation)}（{self.relation}）"),
            ("相似度", f"{self.similarity:.0%}；覆盖率 {self.coverage:.0%}"),
            ("改动", summary(self.rows)),
        ]


def summary(rows: tuple[TableRow, ...]) -> str:
    """``修改 3 处，新增 1 处`` (or 无改动)."""
    counts = {label: sum(1 for row in rows if row.kind == kind) for kind, label in KIND_LABELS.items()}
    parts = [f"{label} {count} 处" for label, count in counts.items() if count]
    return "，".join(parts) or "无改动"


def build(cmp: Comparison, old: Side, new: Side, *, relation: str | None = None) -> ComparisonTable:
    """The 对照表 of a comparison (``relation`` overrides the computed one, e.g. a stored comparison's)."""
    rows = tuple(_row(change, cmp.figures) for change in cmp.changes)
    return ComparisonTable(old, new, relation or cmp.relation, cmp.similarity, cmp.coverage, rows)


def _row(change: Change, figures: list[FigureChange]) -> TableRow:
    """One change as a row: segments for both cells and the 说明."""
    old, new = _segments(change)
    return TableRow(change.kind, change.section, old, new, _note(change, figures))


def _segments(change: Change) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The old cell (equal + deleted text) and the new cell (equal + inserted text)."""
    if change.inline:
        old = tuple(Segment(op, text) for op, text in change.inline if op in (EQUAL, DELETE))
        new = tuple(Segment(op, text) for op, text in change.inline if op in (EQUAL, INSERT))
        return old, new
    if change.kind == "removed":
        return (Segment(DELETE, change.plan_text or ""),), ()
    if change.kind == "added":
        return (), (Segment(INSERT, change.doc_text or ""),)
    return (Segment(EQUAL, change.plan_text or ""),), (Segment(EQUAL, change.doc_text or ""),)


def _note(change: Change, figures: list[FigureChange]) -> str:
    """说明: what kind of change, where, and the figures it changes."""
    parts = [KIND_LABELS.get(change.kind, change.kind)]
    if change.kind == "moved" and change.doc_section and change.doc_section != change.section:
        parts.append(f"自 {change.section or '—'} 移至 {change.doc_section}")
    elif change.section:
        parts.append(f"位置：{change.section}")
    texts = (change.plan_text or "", change.doc_text or "")
    for figure in figures:
        if (figure.plan and figure.plan in texts[0]) or (figure.doc and figure.doc in texts[1]):
            parts.append(f"数字：{figure.plan or '—'} → {figure.doc or '—'}")
    return "；".join(dict.fromkeys(parts))


def side_of(record: Document | dict[str, Any] | None, title: str) -> Side:
    """A :class:`Side` from a stored version (a Document) or a plan row (account and published date when known)."""
    if isinstance(record, Document):
        return Side(record.title or title, record.account, (record.published_at or "")[:10] or None)
    record = record or {}
    date = str(record.get("published_at") or "")[:10] or None
    return Side(record.get("title") or title, record.get("account"), date)
