"""Comparison → terminal text, Markdown, JSON; HTML lives in ``diffing.render_html``.

Every renderer shows the same things in the same order: the relation and the scores
behind it, the key figures that changed, then the clause changes (changed clauses
with their inline diff, moves, additions, removals). Text outside the plan (a repost's
lead and footer) is summarised, never listed as change.
"""
from __future__ import annotations

import json
import re
from typing import Any

from diffing.model import Change, Comparison, FigureChange, Relation
from diffing.render_html import quoted_note, render_html, side_by_side, titles

__all__ = ["render_html", "render_json", "render_markdown", "render_text", "side_by_side"]

_LABELS: dict[str, str] = {
    Relation.IDENTICAL: "identical to the plan",
    Relation.REPOST: "repost: the plan complete and unchanged, inside other text",
    Relation.ALTERED_REPOST: "altered repost: the plan's text with changes",
    Relation.REVISION: "revision: a changed version of the plan",
    Relation.EXCERPT: "excerpt: part of the plan, unchanged",
    Relation.INTERPRETATION: "interpretation: quotes or paraphrases parts of the plan",
    Relation.IMPLEMENTATION: "implementation: a plan implementing it (targets compared, not text)",
    Relation.UNRELATED: "unrelated to the plan",
}
_SYMBOL = {"changed": "~", "moved": "↷", "added": "+", "removed": "-", "renumbered": "#", "split": "⑂",
           "merged": "⑃", "title": "T"}
_ANSI = {"delete": "\x1b[31;9m", "insert": "\x1b[32;1m", "head": "\x1b[1m", "dim": "\x1b[2m",
         "added": "\x1b[32m", "removed": "\x1b[31m", "moved": "\x1b[36m", "changed": "\x1b[33m",
         "renumbered": "\x1b[2m", "split": "\x1b[35m", "merged": "\x1b[35m", "title": "\x1b[33m"}
_RESET = "\x1b[0m"
_ELIDE = 36


def describe(relation: str) -> str:
    """A one-line explanation of a relation for people."""
    return _LABELS.get(relation, relation)


def _elide(text: str, keep: int = _ELIDE) -> str:
    """Shorten long unchanged context in the middle: the edit matters, not the whole clause."""
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= 2 * keep + 1 else f"{text[:keep]}…{text[-keep:]}"


def _figure_line(figure: FigureChange) -> str:
    plan = figure.plan or "—"
    doc = figure.doc or "—"
    direction = f" ({figure.direction})" if figure.direction else ""
    return f"{figure.kind:<8} {plan} → {doc}{direction}   [{figure.section or '—'}] {figure.context}"


def _context(text: str, first: bool, last: bool) -> str:
    """Unchanged text around an edit: the tail before it, the head after it."""
    text = re.sub(r"\s+", " ", text)
    half = _ELIDE // 2
    if first and not last and len(text) > half:
        return "…" + text[-half:]
    if last and not first and len(text) > half:
        return text[:half] + "…"
    return _elide(text)


def _inline_text(change: Change, paint: Any) -> str:
    parts: list[str] = []
    final = len(change.inline) - 1
    for index, (op, text) in enumerate(change.inline):
        if op == "equal":
            parts.append(_context(text, index == 0, index == final))
        elif op == "delete":
            parts.append(paint("delete", f"[-{text}-]"))
        else:
            parts.append(paint("insert", f"{{+{text}+}}"))
    return "".join(parts)


def render_text(cmp: Comparison, color: bool = False) -> str:
    """Terminal report; ANSI colours when ``color`` (use it when stdout is a tty).

    Inline edits use the ``git diff --word-diff`` marks ``[-old-]{+new+}`` so that the
    report stays readable without colour.
    """
    def paint(style: str, text: str) -> str:
        return f"{_ANSI[style]}{text}{_RESET}" if color else text

    lines = [paint("head", "{}  vs  {}".format(*titles(cmp))),
             f"relation: {cmp.relation} ({describe(cmp.relation)}); priority {cmp.priority}",
             f"similarity {cmp.similarity:.3f}  coverage {cmp.coverage:.3f}  containment {cmp.containment:.3f}"]
    if cmp.partial:
        lines.append(quoted_note(cmp))
    lines += [paint("dim", f"note: {note}") for note in cmp.notes]
    if cmp.figures:
        lines += ["", paint("head", f"key figures ({len(cmp.figures)})")]
        lines += [f"  {_figure_line(f)}" for f in cmp.figures]
    if cmp.changes:
        counts = ", ".join(f"{n} {kind}" for kind, n in cmp.counts().items() if n and kind != "figures")
        lines += ["", paint("head", f"changes ({counts})")]
        for group in group_moves(cmp.changes):
            after = moved_after(cmp, group[0]) if group[0].kind == "moved" else ""
            lines += _text_move_run(group, paint, after) if len(group) > 1 else _text_change(group[0], paint, after)
    elif cmp.relation != Relation.UNRELATED:
        lines += ["", "no change to the plan's text"]
    if cmp.outside:
        size = sum(len(t) for t in cmp.outside)
        lines += ["", paint("dim", f"outside the plan: {len(cmp.outside)} passage(s), {size} characters")]
        lines += [paint("dim", f"  | {_elide(t, 30)}") for t in cmp.outside]
    return "\n".join(lines) + "\n"


def group_moves(changes: list[Change]) -> list[list[Change]]:
    """Changes with runs of clauses that moved together (a moved section) as one group.

    Consecutive unedited moves whose plan and document positions both advance by one
    clause form a run; every other change is a group of one.
    """
    groups: list[list[Change]] = []
    for change in changes:
        last = groups[-1][-1] if groups else None
        joins = (last is not None and change.kind == last.kind == "moved" and not change.inline
                 and not last.inline and last.plan_index is not None and change.plan_index is not None
                 and change.plan_index == last.plan_index + 1 and change.doc_index == (last.doc_index or 0) + 1)
        if joins:
            groups[-1].append(change)
        else:
            groups.append([change])
    return groups


def moved_after(cmp: Comparison, change: Change) -> str:
    """Where a moved clause now sits: the plan section of the nearest plan text before it."""
    position = next((n for n, row in enumerate(cmp.rows) if change.doc_index in row.doc_ids), None)
    if position is None:
        return ""
    for row in reversed(cmp.rows[:position]):
        if row.kind in ("equal", "changed") and row.section:
            return row.section
    return "the start"


def _run_span(run: list[Change]) -> str:
    first, last = run[0].section or "—", run[-1].section or "—"
    return first if first == last else f"{first} … {last}"


def _text_move_run(run: list[Change], paint: Any, after: str) -> list[str]:
    where = f", now after {after}" if after else ""
    head = paint("moved", f"{_SYMBOL['moved']} moved    {_run_span(run)} ({len(run)} clauses moved together{where})")
    return [head, f"    {_elide(run[0].doc_text or '', 30)}", "    …", f"    {_elide(run[-1].doc_text or '', 30)}"]


def _md_move_run(run: list[Change], after: str) -> list[str]:
    where = f", now after {_md(after)}" if after else ""
    return [f"- **moved** ({_md(_run_span(run))}, {len(run)} clauses together{where}): "
            f"{_md(_elide(run[0].doc_text or '', 30))} … {_md(_elide(run[-1].doc_text or '', 30))}"]


def _text_change(change: Change, paint: Any, after: str = "") -> list[str]:
    where = change.section or "—"
    if change.kind == "moved" and change.doc_section and change.doc_section != change.section:
        where = f"{where} → {change.doc_section}"
    if after:
        where += f" (now after {after})"
    head = paint(change.kind, f"{_SYMBOL[change.kind]} {change.kind:<8} {where}")
    if change.inline:
        return [head, f"    {_inline_text(change, paint)}"]
    text = change.plan_text if change.kind == "removed" else change.doc_text
    return [head, f"    {_elide(text or '', 60)}"]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _md(text: str) -> str:
    """Markdown-escaped text on one line."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text or "")).strip()


def render_markdown(cmp: Comparison) -> str:
    """A Markdown report: summary table, figures table, changes with ~~old~~ **new**."""
    plan_title, doc_title = titles(cmp)
    out = [f"# {_md(plan_title)} vs {_md(doc_title)}", "",
           f"**Relation:** {cmp.relation} ({describe(cmp.relation)}) · **priority:** {cmp.priority}", ""]
    if cmp.partial:
        out += [_md(quoted_note(cmp)), ""]
    out += ["| similarity | coverage | containment |", "|---|---|---|",
           f"| {cmp.similarity:.3f} | {cmp.coverage:.3f} | {cmp.containment:.3f} |", ""]
    if cmp.figures:
        out += ["## Key figures", "", "| change | plan | document | section | context |", "|---|---|---|---|---|"]
        out += [f"| {f.kind} | {_md(f.plan or '—')} | {_md(f.doc or '—')} | {_md(f.section or '—')} "
                f"| {_md(f.context)} |" for f in cmp.figures]
        out.append("")
    out += ["## Changes", ""]
    if not cmp.changes:
        out += ["No change to the plan's text.", ""]
    for group in group_moves(cmp.changes):
        out += _md_move_run(group, moved_after(cmp, group[0])) if len(group) > 1 else _md_change(group[0])
    if cmp.changes:
        out.append("")
    if cmp.outside:
        out += ["## Outside the plan", ""]
        out += [f"> {_md(_elide(text, 60))}" for text in cmp.outside]
        out.append("")
    return "\n".join(out)


def _md_change(change: Change) -> list[str]:
    where = _md(change.section or "—")
    if change.kind == "moved" and change.doc_section and change.doc_section != change.section:
        where += f" → {_md(change.doc_section)}"
    if change.inline:
        body = "".join(_md(t) if op == "equal" else f"~~{_md(t)}~~" if op == "delete" else f"**{_md(t)}**"
                       for op, t in change.inline)
    elif change.kind == "removed":
        body = f"~~{_md(change.plan_text or '')}~~"
    elif change.kind == "added":
        body = f"**{_md(change.doc_text or '')}**"
    else:
        body = _md(change.doc_text or "")
    return [f"- **{change.kind}** ({where}): {body}"]


def render_json(cmp: Comparison) -> str:
    """The JSON contract of docs/design.md (``Comparison.to_dict``) plus side-by-side rows."""
    data = cmp.to_dict()
    data["rows"] = side_by_side(cmp)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
