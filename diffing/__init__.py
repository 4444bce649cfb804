"""Pure text-in / data-out comparison of Chinese policy documents with tracked plans.

Imports nothing else of ours and does no I/O (docs/design.md).

- ``compare(plan, doc, *, plan_title, doc_title) -> Comparison``: relation, scores,
  clause-level changes (added/removed/changed/moved, with inline diffs), changed key
  figures, the document's own text outside the plan, side-by-side ``rows``.
- ``screen(plans, doc) -> list[ScreenHit]``: the cheap pre-filter for many tracked plans.
  Build a ``PlanIndex`` once per plan version (``PlanIndex.build(name, body, title)``,
  a set of hashed character shingles of the folded body); ``screen`` folds the document
  once and measures, per plan, how much of the plan it contains (``plan_share``) and how
  much of it is plan text (``doc_share``), or whether it names the plan. Only hits need
  the full ``compare``; a miss is reported as ``unrelated`` without comparing.
- ``prepare(plan)``: parse and key a tracked plan once (memoised by its text; ``compare``
  calls it, a watcher may call it before the first document arrives).
- ``fold(text)``: the comparison key (formatting never counts as change).
- ``outline_dicts(text)``: the numbering outline (一、 （一） 1. （1） 第X条) as dicts.
- Renderers live in ``diffing.render``: ``render_text``, ``render_markdown``,
  ``render_html``, ``render_json``, and ``side_by_side`` rows for other views.
"""
from diffing.compare import compare, prepare
from diffing.model import Change, Comparison, FigureChange, Row
from diffing.screen import PlanIndex, ScreenHit, screen
from diffing.segment import clauses, outline, outline_dicts, parse
from diffing.textnorm import fold

__all__ = ["Change", "Comparison", "FigureChange", "PlanIndex", "Row", "ScreenHit", "clauses", "compare",
           "fold", "outline", "outline_dicts", "parse", "prepare", "screen"]
