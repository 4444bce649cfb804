"""Side-by-side rows for the diff page, from a :class:`diffing.model.Comparison`.

The diff engine aligns the clauses (``Comparison.rows``); this module only turns each
row into the two highlighted columns: the plan side shows equal + deleted text, the
document side equal + inserted text, and whole added/removed clauses are marked as
one inserted/deleted run.
"""
from __future__ import annotations

from collections.abc import Iterable

from diffing.model import Comparison as EngineComparison
from diffing.model import Row
from policywatch.web.schemas import DiffRow, Segment

_PLAN_OPS = ("equal", "delete")
_DOC_OPS = ("equal", "insert")


def _side(inline: Iterable[tuple[str, str]], ops: tuple[str, str]) -> list[Segment]:
    """The segments of one side of an inline diff, adjacent runs of one op merged."""
    merged: list[Segment] = []
    for op, text in inline:
        if op not in ops or not text:
            continue
        if merged and merged[-1].op == op:
            merged[-1] = Segment(op=op, text=merged[-1].text + text)
        else:
            merged.append(Segment(op=op, text=text))
    return merged


def _whole(text: str | None, op: str) -> list[Segment]:
    """A clause shown as one run (``equal``, or all inserted / all deleted)."""
    return [Segment(op=op, text=text)] if text else []


def diff_row(index: int, row: Row, moved_to: dict[str, str] | None = None) -> DiffRow:
    """One engine row as a display row with per-side segments; ``moved_to``: plan text → new section."""
    if row.inline:
        plan, doc = _side(row.inline, _PLAN_OPS), _side(row.inline, _DOC_OPS)
    else:
        plan = _whole(row.plan_text, "delete" if row.kind == "removed" else "equal")
        doc = _whole(row.doc_text, "insert" if row.kind == "added" else "equal")
    doc_section = (moved_to or {}).get(row.plan_text or "", "") if row.kind == "moved" else ""
    return DiffRow(index=index, kind=row.kind, section=row.section or "",
                   doc_section=doc_section if doc_section != row.section else "",
                   plan_text=row.plan_text or "", doc_text=row.doc_text or "",
                   plan_segments=plan, doc_segments=doc)


def diff_rows(comparison: EngineComparison) -> list[DiffRow]:
    """Every aligned row of a comparison, numbered for anchors (``#r12``)."""
    moved_to = {change.plan_text or "": change.doc_section for change in comparison.changes
                if change.kind == "moved" and change.doc_section}
    return [diff_row(index, row, moved_to) for index, row in enumerate(comparison.rows, start=1)]
