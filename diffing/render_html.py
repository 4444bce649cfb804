"""Comparison → one self-contained HTML page, and the side-by-side rows it is built from.

The page has no external resources (inline CSS, no scripts): the key figures table on
top, then plan and document side by side with deleted words struck through and
inserted words highlighted. Every piece of page text goes through ``html.escape``.
"""
from __future__ import annotations

from html import escape
from typing import Any

from diffing.model import Comparison, Row

_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:1.5rem;color:#1b1b1b;line-height:1.6}
h1{font-size:1.25rem;margin:0 0 .5rem}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#eee;font-weight:600}
.badge.high{background:#ffd7d5}.badge.normal{background:#fff1c2}.badge.low{background:#dff3e0}
table{border-collapse:collapse;width:100%;margin:.75rem 0}
th,td{border:1px solid #ddd;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f6f6f6}
td.sec{white-space:nowrap;color:#555;font-size:.85rem;width:7rem}
td.kind{white-space:nowrap;font-size:.85rem;width:4.5rem}
tr.changed td.kind{color:#8a6d00}tr.moved td.kind{color:#00648a}
tr.added td.doc{background:#e6ffec}tr.removed td.plan{background:#ffebe9}
tr.moved td{background:#eef7ff}tr.outside td{color:#888;font-size:.85rem}
tr.equal td{color:#444}tr.paraphrase td.kind,tr.repeated td{color:#777}
del{background:#ffc0c0;text-decoration:line-through}ins{background:#abf2bc;text-decoration:none}
.scores span{margin-right:1rem}
tr.fold>td{padding:0;border:0}summary{cursor:pointer;color:#555;padding:.35rem .5rem;background:#fafafa}
table.inner{margin:0}
"""


_QUIET = ("equal", "outside")
_FOLD_AT = 4  # runs of at least this many quiet rows are folded into a <details>


def side_by_side(cmp: Comparison) -> list[dict[str, Any]]:
    """Rows in document order as plain data: kind, section, plan_text, doc_text, inline.

    ``kind`` is equal | changed | moved | added | removed | outside | paraphrase (an
    interpretation's reworded quote, shown but not a change) | repeated (plan text the
    document says twice, not a change); ``inline`` is a list
    of ``[op, text]`` for edited rows; ``plan_ids``/``doc_ids`` are the clause indices
    the row shows. Other views (the web page) render these rows.
    """
    return [row.to_dict() for row in cmp.rows]


def _side(row: Row, side: str) -> str:
    """One cell of a row as escaped HTML, with <del>/<ins> for inline edits."""
    if row.inline:
        wanted = ("equal", "delete") if side == "plan" else ("equal", "insert")
        tag = {"delete": "del", "insert": "ins"}
        return "".join(escape(text) if op == "equal" else f"<{tag[op]}>{escape(text)}</{tag[op]}>"
                       for op, text in row.inline if op in wanted)
    text = row.plan_text if side == "plan" else row.doc_text
    return escape(text or "")


def _figures_table(cmp: Comparison) -> str:
    if not cmp.figures:
        return "<p>No key figure changed.</p>"
    body = "".join(
        f"<tr><td>{escape(f.kind)}</td><td>{escape(f.plan or '—')}</td><td>{escape(f.doc or '—')}</td>"
        f"<td>{escape(f.section or '—')}</td><td>{escape(f.context)}</td></tr>" for f in cmp.figures)
    return ("<table class=\"figures\"><tr><th>change</th><th>plan</th><th>document</th><th>section</th>"
            f"<th>context</th></tr>{body}</table>")


def _row_html(row: Row) -> str:
    return (f"<tr class=\"{escape(row.kind)}\"><td class=\"sec\">{escape(row.section or '')}</td>"
            f"<td class=\"kind\">{escape(row.kind)}</td><td class=\"plan\">{_side(row, 'plan')}</td>"
            f"<td class=\"doc\">{_side(row, 'doc')}</td></tr>")


def _quiet_runs(rows: list[Row]) -> list[list[Row]]:
    """Rows grouped into runs of the same quiet kind (equal, outside) and single others."""
    runs: list[list[Row]] = []
    for row in rows:
        if runs and row.kind in _QUIET and runs[-1][-1].kind == row.kind:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def _rows_table(cmp: Comparison, plan_title: str, doc_title: str) -> str:
    """Side-by-side rows; long runs of unchanged or outside clauses fold away (no script)."""
    parts: list[str] = []
    for run in _quiet_runs(cmp.rows):
        if len(run) < _FOLD_AT:
            parts.extend(_row_html(row) for row in run)
            continue
        label = f"{len(run)} unchanged clauses" if run[0].kind == "equal" else f"{len(run)} clauses outside the plan"
        inner = "".join(_row_html(row) for row in run)
        parts.append(f"<tr class=\"fold\"><td colspan=\"4\"><details><summary>{escape(label)}</summary>"
                     f"<table class=\"sbs inner\">{inner}</table></details></td></tr>")
    return ("<table class=\"sbs\"><tr><th>section</th><th></th>"
            f"<th>{escape(plan_title or 'plan')}</th><th>{escape(doc_title or 'document')}</th></tr>"
            f"{''.join(parts)}</table>")


def titles(cmp: Comparison, plan_title: str = "", doc_title: str = "") -> tuple[str, str]:
    """The two sides' titles, plan (OLD) first and document (NEW) second, as every renderer shows them."""
    return plan_title or cmp.plan_title or "plan", doc_title or cmp.doc_title or "document"


def quoted_note(cmp: Comparison) -> str:
    """For an excerpt or interpretation: how much of the plan it quotes, and what is reported."""
    if not cmp.partial:
        return ""
    quoted = cmp.quoted()
    return (f"quotes {quoted['clauses']} of {quoted['of']} plan clauses ({quoted['share']:.1%}, "
            f"{quoted['chars_share']:.1%} of the plan's text); only changes inside the quoted part are reported")


def render_html(cmp: Comparison, *, plan_title: str = "", doc_title: str = "") -> str:
    """A self-contained HTML page: summary, figures table on top, side-by-side rows."""
    plan_title, doc_title = titles(cmp, plan_title, doc_title)
    note = quoted_note(cmp)
    quoted = f'<p class="quoted">{escape(note)}</p>' if note else ""
    counts = ", ".join(f"{n} {kind}" for kind, n in cmp.counts().items() if n) or "no change"
    return (
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(plan_title)} vs {escape(doc_title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(plan_title)} <small>vs</small> {escape(doc_title)}</h1>"
        f"<p><span class=\"badge {escape(cmp.priority)}\">{escape(cmp.relation)}</span> "
        f"priority {escape(cmp.priority)} · {escape(counts)}</p>"
        f"<p class=\"scores\"><span>similarity {cmp.similarity:.3f}</span>"
        f"<span>coverage {cmp.coverage:.3f}</span><span>containment {cmp.containment:.3f}</span></p>"
        f"{quoted}"
        f"<h2>Key figures</h2>{_figures_table(cmp)}"
        f"<h2>Side by side</h2>{_rows_table(cmp, plan_title, doc_title)}"
        "</body></html>\n"
    )
