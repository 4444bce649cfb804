"""Titles compared: a document's own title against the plan's, when both name one document.

A repost's headline (工信部印发《…行动方案》) is not the plan's title and never a
change of it; two versions whose titles differ only in an edit
(（2026—2028年） → （2026—2030年）) are. The rule: both titles given, different once
folded, neither contains the other (without 《》), and their character-bigram Dice
similarity is at least ``TITLE_SIMILAR``.
"""
from __future__ import annotations

from diffing.align import bigrams, dice
from diffing.figures import compare_figures
from diffing.inline import inline_diff
from diffing.model import Change, FigureChange, Relation
from diffing.textnorm import fold

#: Bigram Dice similarity above which two different titles are one title edited.
TITLE_SIMILAR = 0.5
#: Relations whose document is the plan itself (a version of it), so its title is the plan's.
SAME_DOCUMENT = (Relation.IDENTICAL, Relation.REVISION, Relation.ALTERED_REPOST)


def _key(title: str) -> str:
    return fold(title).strip().strip("《》\"“”")


def title_change(plan_title: str, doc_title: str) -> tuple[Change, list[FigureChange]] | None:
    """The ``title`` change (with its figures) when the document's title is the plan's, edited."""
    old, new = _key(plan_title), _key(doc_title)
    if not old or not new or old == new or old in new or new in old:
        return None
    similarity = dice(bigrams(old), bigrams(new))
    if similarity < TITLE_SIMILAR:
        return None
    change = Change("title", "", plan_title, doc_title, tuple(inline_diff(plan_title, doc_title)), similarity,
                    "", None, None)
    return change, compare_figures(plan_title, doc_title, "title")
